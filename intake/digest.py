"""Content addresses: the SHA-256 of an input's bytes, streamed, whether read by path or by fd.

One input is one file, or a shapefile with its sidecars. A single file's address is the plain
SHA-256 of its bytes (so it is also the raster store's name of an image); several files hash
their lower-case suffixes and contents in the order given, so the same set of bytes under
another stem has the same address and a changed sidecar changes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

CHUNK_BYTES = 1 << 20
"""Bytes read per step: memory stays flat whatever the file size."""


def _update(digest: hashlib._Hash, stream: BinaryIO) -> None:
    while chunk := stream.read(CHUNK_BYTES):
        digest.update(chunk)


def sha256_file(path: str | Path) -> str:
    """Lower-case hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        _update(digest, handle)
    return digest.hexdigest()


def content_sha256(parts: Sequence[tuple[str, BinaryIO]]) -> str:
    """The address of one input given as ``(suffix, stream)`` pairs, main file first, each
    stream read to its end: the plain SHA-256 of a single file, else of suffixes and contents."""
    digest = hashlib.sha256()
    if len(parts) == 1:
        _update(digest, parts[0][1])
        return digest.hexdigest()
    for suffix, stream in parts:
        digest.update(suffix.lower().encode() + b"\0")
        _update(digest, stream)
    return digest.hexdigest()
