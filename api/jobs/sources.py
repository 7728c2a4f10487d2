"""Where a job's input comes from: a file under the data root, or an upload.

The data root (``ORTHOGRAPH_DATA_ROOT``, default ``<home>/data``) is storage the API and every
worker share. A submitted path is resolved with every symlink followed and must still lie under
the root and be a regular file: ``../`` traversal and links pointing outside are refused the
same way. Uploads go to the workers' content-addressed input store (default
``<home>/inputs/<sha256>/<name>``, the layout of ``workers/inputs.py``), so the same file
uploaded twice is stored once and, with the same parameters, is the same job.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from api.errors import InvalidInput, PathRefused, UploadTooLarge

CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Source:
    """A checked input: its absolute path, content hash and display name."""

    path: Path
    sha256: str
    name: str


def checked_path(raw: str, root: Path) -> Path:
    """``raw`` (absolute, or relative to ``root``) as a real file path under ``root``."""
    if not raw or "\x00" in raw:
        raise InvalidInput("a source path must be a non-empty string")
    candidate = Path(raw)
    resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if not resolved.is_relative_to(root):
        raise PathRefused(
            f"{raw!r} lies outside the data root; put the file under the data root (or upload "
            "it) and submit its path relative to the root"
        )
    if not resolved.is_file():
        raise PathRefused(f"{raw!r} is not a file under the data root")
    return resolved


def path_source(raw: str, root: Path) -> Source:
    """A checked path and its content hash (reads the whole file: call it off the event loop)."""
    path = checked_path(raw, root)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return Source(path=path, sha256=digest.hexdigest(), name=path.name)


def safe_name(filename: str | None) -> str:
    """A file name that cannot leave its folder: the base name, odd characters replaced."""
    base = os.path.basename((filename or "").replace("\\", "/"))
    cleaned = _SAFE_NAME.sub("_", base).lstrip(".")
    return cleaned[:120] or "upload"


def store_upload(stream: BinaryIO, filename: str | None, folder: Path, max_bytes: int) -> Source:
    """Copy an upload into ``folder/<sha256>/<name>``, hashing it on the way; refuse it when it
    exceeds ``max_bytes`` (nothing is kept then). Blocking: call it off the event loop."""
    folder.mkdir(parents=True, exist_ok=True)
    name = safe_name(filename)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".incoming-", delete=False) as out:
        try:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(f"the upload exceeds the limit of {max_bytes} bytes")
                digest.update(chunk)
                out.write(chunk)
        except BaseException:
            out.close()
            os.unlink(out.name)
            raise
    if size == 0:
        os.unlink(out.name)
        raise InvalidInput("the upload is empty")
    target = folder / digest.hexdigest() / name
    target.parent.mkdir(exist_ok=True)
    os.replace(out.name, target)
    return Source(path=target, sha256=digest.hexdigest(), name=name)
