"""Reading a stored input through file descriptors, so what is read is what was verified.

Checking a path and reading it later leaves a gap: the stored file can be swapped for a
symbolic link to a file elsewhere, or rewritten, in between. :func:`open_input` closes it.
It opens the stored file (and a shapefile's sidecars) once, refusing symbolic links
(``O_NOFOLLOW``) and anything but regular files, hashes what it reads through those
descriptors against the SHA-256 the input was submitted with, and hands readers a path in a
private folder, ``<folder>/<name>``, that is a link to ``/proc/self/fd/N``: opening it opens
the inode behind the already-open descriptor, whatever now lies at the store's path. The name
is kept (readers choose a format by suffix; GDAL finds sidecars by stem) and only the
verified files sit beside it. The descriptors stay open until :meth:`OpenedInput.close`.

SQLite (GeoPackage) resolves links by name before it opens a file, which would go around the
descriptor; :data:`GDAL_READ_CONFIG` makes GDAL give SQLite its own file layer instead, which
opens the path as given. Linux only (``/proc``), as the workers are.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Generic, Self, TypeVar

from intake.digest import content_sha256
from intake.errors import InputChanged, InputReplaced, MissingInput
from intake.store import scratch_input, sidecars

FD_FOLDER = "/proc/self/fd"
GDAL_READ_CONFIG = {"SQLITE_USE_OGR_VFS": "YES"}
"""GDAL settings (read from the environment) that make every driver read through the fd link."""
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
CHANGED = "input changed after submission"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
T = TypeVar("T")


@dataclass(slots=True)
class OpenedInput:
    """A verified input held open: readers open :attr:`path`; close it when done."""

    path: Path
    sha256: str
    _descriptors: list[int] = field(repr=False)
    _folder: Path = field(repr=False)

    def close(self) -> None:
        """Close the descriptors and remove the private folder (safe to call twice)."""
        while self._descriptors:
            os.close(self._descriptors.pop())
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_input(stored: str | Path, sha256: str) -> OpenedInput:
    """Open the stored input ``stored`` by descriptor and check it is the one submitted.

    ``MissingInput`` when it is gone, ``InputReplaced`` when it (or a sidecar) is a symbolic
    link or not a regular file, ``InputChanged`` when its SHA-256 is not ``sha256``.
    """
    stored = Path(stored)
    opened: list[tuple[Path, int]] = []
    try:
        main = _open_regular(stored)
        if main is None:
            raise MissingInput(f"{stored}: the stored input is gone; submit the file again")
        opened.append((stored, main))
        for sibling in sidecars(stored):
            descriptor = _open_regular(sibling)
            if descriptor is not None:
                opened.append((sibling, descriptor))
        actual = _hash(opened)
        if actual != sha256:
            raise InputChanged(
                f"{CHANGED}: sha256 {actual} of {stored.name}, expected {sha256}; "
                "submit the file again"
            )
        os.environ.update(GDAL_READ_CONFIG)
        folder = Path(tempfile.mkdtemp(prefix="orthograph-input-"))
        for file, descriptor in opened:
            (folder / file.name).symlink_to(f"{FD_FOLDER}/{descriptor}")
    except BaseException:
        for _, descriptor in opened:
            os.close(descriptor)
        raise
    return OpenedInput(folder / stored.name, sha256, [d for _, d in opened], folder)


def _open_regular(file: Path) -> int | None:
    """A read descriptor of the regular file ``file``; None when nothing is there."""
    try:
        descriptor = os.open(file, _OPEN_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputReplaced(
                f"{CHANGED}: {file} is a symbolic link now, not the copied file; refused"
            ) from None
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise InputReplaced(f"{CHANGED}: {file} is not a regular file now; refused")
    return descriptor


def _hash(opened: list[tuple[Path, int]]) -> str:
    """The address of the open files, read through their descriptors (left open)."""
    with ExitStack() as stack:
        streams = [
            (file.suffix, stack.enter_context(open(descriptor, "rb", closefd=False)))
            for file, descriptor in opened
        ]
        return content_sha256(streams)


@contextmanager
def private_copy(path: Path, home: Path) -> Iterator[OpenedInput]:
    """``path`` copied for this process alone and opened by descriptor (a direct ingest reads
    it as a job reads its stored input); the copy is removed on exit, failed or not."""
    with scratch_input(path, home) as staged, open_input(staged.path, staged.sha256) as opened:
        yield opened


def stored_sha256(stored: str | Path) -> str:
    """The SHA-256 that a path of the store, ``<store>/<sha256>/<name>``, is addressed by."""
    sha = Path(stored).parent.name
    if not _SHA256_HEX.fullmatch(sha):
        raise MissingInput(f"{stored} is not a file of the input store; submit the file again")
    return sha


class HeldInputs(Generic[T]):
    """Verified inputs a long-lived process keeps open, each with what it read from it.

    A worker reads one image for every tile of a job: it verifies the image once and keeps it
    open for the next tiles. The ``capacity`` most recently used stay open; an older one is
    closed when a new one comes, which is safe because a prefork pool child runs one task at a
    time (not thread-safe).
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._held: OrderedDict[Hashable, tuple[OpenedInput, T]] = OrderedDict()

    def get(self, key: Hashable, stored: str | Path, sha256: str, read: Callable[[Path], T]) -> T:
        """What ``read`` made of the verified input ``stored`` (opened once per ``key``)."""
        if key in self._held:
            self._held.move_to_end(key)
            return self._held[key][1]
        opened = open_input(stored, sha256)
        try:
            value = read(opened.path)
        except BaseException:
            opened.close()
            raise
        self._held[key] = (opened, value)
        while len(self._held) > self.capacity:
            self._held.popitem(last=False)[1][0].close()
        return value
