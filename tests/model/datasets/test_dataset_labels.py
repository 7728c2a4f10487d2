"""Packing object masks into instance bands, and the tile files round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dataset_fixtures import SHAPE, box_mask

from ingest.records import Relation
from model.datasets import labels as labels_module
from model.datasets.labels import LabelledMask, pack_labels
from model.datasets.manifest import TileEntry
from model.datasets.tilefiles import read_image, read_labels, tile_paths, write_tile
from model.errors import DatasetSourceError

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")


def _items() -> list[LabelledMask]:
    return [
        LabelledMask("a", "forest", box_mask(slice(0, 30), slice(0, 30))),
        LabelledMask("b", "building", box_mask(slice(5, 10), slice(5, 12))),
        LabelledMask("c", "building", box_mask(slice(20, 25), slice(20, 26))),
        LabelledMask("d", "road", box_mask(slice(40, 42), slice(0, 64))),
    ]


def test_ids_bands_boxes_and_areas() -> None:
    items = _items()
    packed = pack_labels(SHAPE, items, [])
    assert [o.id for o in packed.objects] == [1, 2, 3, 4]
    # b and c lie inside a, so they cannot share its band; d overlaps nothing.
    assert [o.band for o in packed.objects] == [1, 2, 2, 1]
    for obj, item in zip(packed.objects, items, strict=True):
        rows, cols = np.nonzero(item.mask)
        assert obj.bbox == (cols.min(), rows.min(), cols.max() + 1, rows.max() + 1)
        assert obj.pixels == item.mask.sum()
        assert np.array_equal(packed.mask(obj), item.mask)


def test_relations_are_kept_only_between_packed_objects_of_one_scale() -> None:
    relations = [
        Relation("b", "inside", "a"),
        Relation("a", "adjacent_to", "d"),
        Relation("b", "part_of", "block@10000", cross_scale=True),
        Relation("b", "nearby", "outside-the-tile"),
    ]
    packed = pack_labels(SHAPE, _items(), relations)
    assert [(t.subject, t.predicate, t.object) for t in packed.triplets] == [
        (2, "inside", 1),
        (1, "adjacent_to", 4),
    ]


def test_empty_mask_is_refused() -> None:
    with pytest.raises(DatasetSourceError, match="empty mask"):
        pack_labels(SHAPE, [LabelledMask("x", "forest", np.zeros(SHAPE, dtype=bool))], [])


def test_too_many_objects_for_uint16(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels_module, "MAX_OBJECTS", 3)
    with pytest.raises(DatasetSourceError, match="4 objects in one tile"):
        pack_labels(SHAPE, _items(), [])


def test_tile_files_round_trip(tmp_path: Path) -> None:
    entry = TileEntry(
        id="t", source="s", area="a", scale=2000, gsd_m=0.5, shape=SHAPE,
        window=(0, 0, 64, 64), crs="EPSG:32633", transform=(0.5, 0.0, 4e5, 0.0, -0.5, 5e6),
        **tile_paths("t", georeferenced=True),
    )  # fmt: skip
    rgb = np.random.default_rng(0).integers(0, 256, (3, *SHAPE), dtype=np.uint8)
    packed = pack_labels(SHAPE, _items(), [Relation("b", "inside", "a")])
    write_tile(tmp_path, entry, rgb, packed)
    back = read_labels(tmp_path, entry)
    assert np.array_equal(read_image(tmp_path, entry), rgb)
    assert np.array_equal(back.instances, packed.instances)
    assert back.objects == packed.objects
    assert back.triplets == packed.triplets
