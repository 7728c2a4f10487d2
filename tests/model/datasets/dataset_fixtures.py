"""Inputs for the dataset tests: where the real sample data is, and a tiny dataset drawn in code.

``synthetic_dataset`` writes a two-tile dataset (no georeference) whose every object and
triplet is chosen here, so validator tests can break one thing at a time and know what the
right answer was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ingest.records import Relation
from model.datasets.labels import LabelledMask, pack_labels
from model.datasets.manifest import Manifest, SourceEntry, TileEntry
from model.datasets.tilefiles import tile_paths
from model.datasets.writer import DatasetWriter

NB_LABELS = "imagery/new-brunswick/BakerLake_2017_clipped.gpkg"
NB_IMAGES = (
    "imagery/new-brunswick/23322E759967N_clipped_1m_1of2.tif",
    "imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif",
)
"""Sample paths (``tests.support.sample_data.sample``) of the New Brunswick clips and labels."""
DUBAI = "training/dubai-6class"
"""Sample path of the Dubai image/mask pairs (research-licensed: only in the shared folder)."""
DUBAI_SUBSET = {"tile-1": "image_part_001", "tile-2": "image_part_002", "tile-3": "image_part_003"}
"""One image/mask pair from each of three areas: enough for three splits, quick to import."""

NB_MAPPING = """\
column: Niveau_3
values:
  Building: building
  Forest: forest
  Road: road
  Hydro: water_body
  Train corridor: railway
"""
"""The New Brunswick layer's ``Niveau_3`` categories as ontology classes."""

SHAPE = (64, 64)


def box_mask(rows: slice, cols: slice) -> np.ndarray:
    """A boolean mask of :data:`SHAPE` that is True on ``[rows, cols]``."""
    mask = np.zeros(SHAPE, dtype=bool)
    mask[rows, cols] = True
    return mask


def _tile(tile_id: str, source: str, area: str) -> TileEntry:
    return TileEntry(
        id=tile_id, source=source, area=area, scale=2000, gsd_m=None, shape=SHAPE,
        window=(0, 0, SHAPE[1], SHAPE[0]), crs=None, transform=None,
        **tile_paths(tile_id, georeferenced=False),
    )  # fmt: skip


def synthetic_dataset(root: Path) -> Manifest:
    """Two areas, one tile each, at 1:2000.

    ``north`` (train): a building inside an industrial site (so two instance bands), a road
    and a water body, four triplets. ``south`` (val): the road and the water body with one
    triplet, ``road adjacent_to water_body``, whose class triplet ``north`` lacks (zero-shot).
    """
    writer = DatasetWriter(root, {"mode": "synthetic"})
    objects = [
        LabelledMask("site", "industrial_site", box_mask(slice(0, 40), slice(0, 40))),
        LabelledMask("building", "building", box_mask(slice(10, 20), slice(10, 20))),
        LabelledMask("road", "road", box_mask(slice(40, 44), slice(0, 64))),
        LabelledMask("lake", "water_body", box_mask(slice(50, 64), slice(40, 64))),
    ]
    relations = [
        Relation("building", "inside", "site"),
        Relation("road", "adjacent_to", "site"),
        Relation("lake", "nearby", "road"),
        Relation("building", "nearby", "road"),
    ]
    rgb = np.zeros((3, *SHAPE), dtype=np.uint8)
    for n, (area, items, related) in enumerate(
        (
            ("north", objects, relations),
            ("south", objects[2:], [Relation("road", "adjacent_to", "lake")]),
        )
    ):
        source = f"{area}-image"
        writer.add_source(SourceEntry(source, area, "synthetic", {"drawn": "in code"}))
        rgb[:] = 40 * (n + 1)
        writer.add_tile(
            _tile(f"{area}-tile", source, area), rgb, pack_labels(SHAPE, items, related)
        )
    return writer.finish({"train": ("north",), "val": ("south",), "test": ()})


def edit_json(path: Path, change: Any) -> None:
    """Load the JSON document at ``path``, let ``change`` edit it in place, write it back."""
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")
