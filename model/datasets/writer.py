"""Writing a dataset directory: tiles as they are cut, the manifest once at the end.

Both builders (georeferenced imagery with vector labels, image/mask pairs) share this, so the
output layout is defined once. The output directory must be new or empty: a half-overwritten
dataset would mix tiles of two builds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ingest.ontology import CLASS_IDS, PREDICATE_IDS
from model.datasets.labels import TileLabels
from model.datasets.manifest import Manifest, SourceEntry, TileEntry, write_manifest
from model.datasets.tilefiles import write_tile
from model.errors import DatasetSourceError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class TileOptions:
    """How sources are cut: ``tile_size`` and ``overlap`` in level pixels (overlap 0 gives
    edge-to-edge tiles, the last one pushed back to end at the edge); objects covering fewer
    than ``min_pixels`` pixels of a tile are dropped from it."""

    tile_size: int = 512
    overlap: int = 0
    min_pixels: int = 32

    def __post_init__(self) -> None:
        if self.tile_size < 64 or not 0 <= self.overlap < self.tile_size or self.min_pixels < 1:
            raise DatasetSourceError(
                f"tile size {self.tile_size}, overlap {self.overlap}, min pixels "
                f"{self.min_pixels}: need a tile size of at least 64, 0 <= overlap < tile size "
                "and min pixels >= 1."
            )

    def as_json(self) -> dict[str, int]:
        """The options as manifest ``builder`` fields."""
        return {"tile_size": self.tile_size, "overlap": self.overlap, "min_pixels": self.min_pixels}


def safe_id(text: str) -> str:
    """``text`` with every run of characters outside ``[A-Za-z0-9._-]`` replaced by ``_``."""
    return _UNSAFE.sub("_", text).strip("_") or "source"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks (provenance: which bytes were used)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require_new_output(root: Path) -> None:
    """Raise :class:`DatasetSourceError` unless ``root`` is absent or an empty directory.

    Builders call it before any slow step, so a wrong ``--out`` fails at once.
    """
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise DatasetSourceError(
            f"{root} exists and is not an empty directory; choose a new --out or remove it."
        )


class DatasetWriter:
    """Collects sources and tiles under ``root`` and writes the manifest in :meth:`finish`."""

    def __init__(self, root: Path, builder: Mapping[str, Any]) -> None:
        require_new_output(root)
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.builder = dict(builder)
        self.sources: list[SourceEntry] = []
        self.tiles: list[TileEntry] = []

    def add_source(self, source: SourceEntry) -> None:
        """Record a source; its id must be new."""
        if any(s.id == source.id for s in self.sources):
            raise DatasetSourceError(
                f"two sources are named {source.id!r}; rename one input so ids are unique."
            )
        self.sources.append(source)

    def add_tile(self, entry: TileEntry, rgb: np.ndarray, labels: TileLabels) -> None:
        """Write one tile's files and record its manifest entry."""
        write_tile(self.root, entry, rgb, labels)
        self.tiles.append(entry)

    def finish(self, splits: Mapping[str, tuple[str, ...]]) -> Manifest:
        """Write ``manifest.json`` with the current ontology's ids and return the manifest."""
        manifest = Manifest(
            classes=CLASS_IDS,
            predicates=PREDICATE_IDS,
            builder=self.builder,
            sources=tuple(self.sources),
            splits=dict(splits),
            tiles=tuple(self.tiles),
        )
        write_manifest(self.root, manifest)
        return manifest
