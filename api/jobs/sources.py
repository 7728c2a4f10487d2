"""Where a job's input comes from: a file under the data root, or an upload; both are copied.

The data root (``ORTHOGRAPH_DATA_ROOT``, default ``<home>/data``) is storage the API can read.
A submitted path is resolved with every symlink followed and must still lie under the root and
be a regular file: ``../`` traversal and links pointing outside are refused the same way. Then
the file, like an upload, is copied into the input store that the API and every worker share
(``intake.store``, ``<home>/inputs/<sha256>/<name>``) before the job is recorded, and the job
names the copy: a file changed or swapped after submission is not what the job reads, and the
same file submitted twice is stored once and, with the same parameters, is the same job.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from api.errors import InvalidInput, PathRefused, UploadTooLarge
from intake.checks import check_input_file
from intake.store import StagedInput, input_root, stage_input

CHUNK = 1024 * 1024

MAX_PATH_CHARS = 4_096
"""Longest submitted path (Linux ``PATH_MAX``, bytes; characters here, checked before the
file system is asked)."""

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def checked_path(raw: str, root: Path) -> Path:
    """``raw`` (absolute, or relative to ``root``) as a real file path under ``root``."""
    if not raw or "\x00" in raw:
        raise InvalidInput("a source path must be a non-empty string")
    if len(raw) > MAX_PATH_CHARS:
        raise InvalidInput(
            f"a source path may have at most {MAX_PATH_CHARS} characters, got {len(raw)}"
        )
    candidate = Path(raw)
    try:
        resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
        is_file = resolved.is_file()
    except OSError as exc:  # a name past NAME_MAX, too many links...
        raise InvalidInput(f"{raw[:200]!r} is not a usable path: {exc.strerror}") from exc
    if not resolved.is_relative_to(root):
        raise PathRefused(
            f"{raw!r} lies outside the data root; put the file under the data root (or upload "
            "it) and submit its path relative to the root"
        )
    if not is_file:
        raise PathRefused(f"{raw!r} is not a file under the data root")
    return check_input_file(resolved, "path", shown_as=raw)


def path_source(raw: str, root: Path, home: Path) -> StagedInput:
    """A checked path, copied into the input store of ``home`` (reads the whole file: call it
    off the event loop)."""
    return stage_input(checked_path(raw, root), home)


def safe_name(filename: str | None) -> str:
    """A file name that cannot leave its folder: the base name, odd characters replaced."""
    base = os.path.basename((filename or "").replace("\\", "/"))
    cleaned = _SAFE_NAME.sub("_", base).lstrip(".")
    return cleaned[:120] or "upload"


def store_upload(stream: BinaryIO, filename: str | None, home: Path, max_bytes: int) -> StagedInput:
    """Copy an upload into the input store of ``home``; refuse it when it exceeds ``max_bytes``
    or is empty (nothing is kept then). Blocking: call it off the event loop."""
    root = input_root(home)
    root.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(dir=root, prefix=".upload-"))
    try:
        received = incoming / safe_name(filename)
        size = 0
        with received.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(f"the upload exceeds the limit of {max_bytes} bytes")
                out.write(chunk)
        if size == 0:
            raise InvalidInput("the upload is empty")
        return stage_input(received, home)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
