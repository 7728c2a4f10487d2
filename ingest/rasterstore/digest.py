"""The content address of a raster: the SHA-256 of its source file's bytes, streamed."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK_BYTES = 1 << 20
"""Bytes read per step: memory stays flat whatever the file size."""


def sha256_file(path: str | Path) -> str:
    """Lower-case hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()
