"""The input store: files a job reads, copied under ``<home>/inputs/<sha256>/`` at submission.

A job may run on any worker host, long after the submitting shell or client has moved, changed
or deleted its file, so nothing downstream reads the caller's path: the CLI and the API copy
every input (and a mapping file) here when a job is submitted, and the job names the copy. The
store is a folder the API and every worker share (under compose, a volume of its own). The
SHA-256 of the content is the folder name and part of the job id, so the same bytes under two
names are one input; a shapefile travels with its sidecar files (same stem), hashed with it.
Copies are made read-only: the store is written once per address and never edited.

A FAILED job keeps its stored input, so ``orthograph jobs retry`` can run it again; a direct
``orthograph ingest`` reads a private copy (:func:`scratch_input`) that it removes when done.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from intake.digest import content_sha256
from intake.errors import MissingInput

SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
SCRATCH_PREFIX = ".direct-"
"""Folders of direct ingests in the store root; a leftover one is a process killed mid-ingest."""
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class StagedInput:
    """An input in the store: the path workers read, its content hash and its original name."""

    path: Path
    sha256: str
    name: str


def input_root(home: Path) -> Path:
    """The store of the state folder ``home`` (every process kind finds it the same way)."""
    return home.expanduser().resolve() / "inputs"


def sidecars(path: Path) -> list[Path]:
    """Where a shapefile's sidecars would be, in hashing order (none for other files)."""
    if path.suffix.lower() != ".shp":
        return []
    return [
        path.with_suffix(variant)
        for suffix in SHAPEFILE_SIDECARS
        for variant in (suffix, suffix.upper())
    ]


def input_files(path: Path) -> list[Path]:
    """The file and, for a shapefile, its sidecars that exist (``MissingInput``, a
    ``FileNotFoundError``, if the file does not)."""
    if not path.is_file():
        raise MissingInput(f"{path}: no such file; check the path")
    return [path, *(sibling for sibling in sidecars(path) if sibling.is_file())]


def content_hash(files: list[Path]) -> str:
    """The address of ``files`` (see ``intake.digest.content_sha256``)."""
    with ExitStack() as stack:
        return content_sha256(
            [(file.suffix, stack.enter_context(file.open("rb"))) for file in files]
        )


def stage_input(path: Path, home: Path) -> StagedInput:
    """Copy ``path`` (with its sidecars) into the store of ``home`` unless it is there."""
    return _stage(path, input_root(home))


@contextmanager
def scratch_input(path: Path, home: Path) -> Iterator[StagedInput]:
    """A private copy of ``path`` for one process, in a folder of its own under the store root,
    removed on exit whatever happens (so a failed direct ingest leaves nothing behind)."""
    root = input_root(home)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=root, prefix=SCRATCH_PREFIX))
    try:
        yield _stage(path, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _stage(path: Path, root: Path) -> StagedInput:
    """Copy ``path`` and its sidecars to ``root/<sha256>/`` unless they are there; where the
    copy lies.

    The address of a new copy is the hash of the copied bytes, not of the caller's file, so a
    file changed while it is copied is stored under the hash of what was kept. Copies are made
    in a private folder and renamed into place, so two concurrent submits of the same file
    never expose a half-written copy. The files' times travel with them (an image without a
    date tag is dated by its modification time).
    """
    path = path.expanduser().resolve()
    files = input_files(path)
    sha = content_hash(files)
    if not all((root / sha / file.name).is_file() for file in files):
        sha = _copy(files, root)
    return StagedInput(path=root / sha / path.name, sha256=sha, name=path.name)


def _copy(files: list[Path], root: Path) -> str:
    """Copy ``files`` into ``root/<their hash>/``, read-only; that hash."""
    root.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    try:
        copies = [incoming / file.name for file in files]
        for file, copy in zip(files, copies, strict=True):
            shutil.copy2(file, copy)
            os.chmod(copy, READ_ONLY)
        sha = content_hash(copies)
        folder = root / sha
        folder.mkdir(exist_ok=True)
        for copy in copies:
            if not (folder / copy.name).is_file():
                os.replace(copy, folder / copy.name)
        return sha
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def stage_options(options: Mapping[str, V], home: Path) -> dict[str, V | str]:
    """``options`` with a ``mapping`` file (a vector job's class mapping) staged too, so the
    workers read the mapping as it was at submission; the others unchanged."""
    staged: dict[str, V | str] = dict(options)
    mapping = staged.get("mapping")
    if isinstance(mapping, str):
        staged["mapping"] = str(stage_input(Path(mapping), home).path)
    return staged
