"""The input store: files a job reads, copied under ``<home>/inputs/<sha256>/`` at submit time.

A job may run on any worker host, long after the submitting shell has moved or deleted its
file, so workers never read the caller's path: they read a content-addressed copy in the shared
state folder (a volume every worker mounts). The SHA-256 of the content is also what makes
the job id, so the same bytes under two names are one input. A shapefile travels with its
sidecar files (same stem), which are hashed with it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import MissingSource
from ingest.rasterstore import sha256_file

SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class StagedInput:
    """An input in the store: the path workers read, its content hash and its original name."""

    path: Path
    sha256: str
    name: str


def input_files(path: Path) -> list[Path]:
    """The file and, for a shapefile, its sidecars that exist (``MissingSource``, a
    ``FileNotFoundError``, if none)."""
    if not path.is_file():
        raise MissingSource(f"{path}: no such file; check the path")
    files = [path]
    if path.suffix.lower() == ".shp":
        files += [
            sibling
            for suffix in SHAPEFILE_SIDECARS
            for sibling in (path.with_suffix(suffix), path.with_suffix(suffix.upper()))
            if sibling.is_file()
        ]
    return files


def content_hash(files: list[Path]) -> str:
    """SHA-256 of a single file's bytes (the raster store's address of an image, too); over
    several files (a shapefile), of their suffixes and contents in the given order."""
    if len(files) == 1:
        return sha256_file(files[0])
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.suffix.lower().encode() + b"\0")
        with file.open("rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
    return digest.hexdigest()


def stage_input(path: Path, home: Path) -> StagedInput:
    """Copy ``path`` (with its sidecars) into the store unless it is there; where it lies now.

    Copies go to a temporary name first and are renamed into place, so two concurrent submits
    of the same file never expose a half-written copy.
    """
    path = path.expanduser().resolve()
    files = input_files(path)
    sha = content_hash(files)
    folder = home.expanduser().resolve() / "inputs" / sha
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        target = folder / file.name
        if target.is_file():
            continue
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".staging-")
        os.close(handle)
        shutil.copyfile(file, temporary)
        os.replace(temporary, target)
    return StagedInput(path=folder / path.name, sha256=sha, name=path.name)
