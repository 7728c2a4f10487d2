"""Importing Dubai image/mask pairs: colours, components, tiles, splits, relations."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
from dataset_fixtures import DUBAI_SUBSET
from scipy import ndimage

from model.datasets.colours import DUBAI_6CLASS, ColourTable, class_codes
from model.datasets.manifest import Manifest
from model.datasets.masks_import import find_pairs, import_masks
from model.datasets.tilefiles import read_labels
from model.datasets.validate import validate_dataset
from model.errors import DatasetSourceError

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")

Dataset = tuple[Path, Manifest]

README_COLOURS = {
    "building": (0x3C, 0x10, 0x98),
    "bare_ground": (0x84, 0x29, 0xF6),
    "road": (0x6E, 0xC1, 0xE4),
    "vegetation": (0xFE, 0xDD, 0x3A),
    "water_body": (0xE2, 0xA9, 0x29),
}
"""The data README's colours, written out again here rather than taken from the code."""


def _mask_rgb(path: Path) -> np.ndarray:
    """The mask's RGB, palette PNGs expanded by hand through their colour map."""
    with rasterio.open(path) as src:
        data = src.read()
        if src.count == 1:
            table = src.colormap(1)
            lookup = np.array([table.get(i, (0, 0, 0, 0))[:3] for i in range(256)], np.uint8)
            return np.moveaxis(lookup[data[0]], -1, 0)
    return data


def test_builds_validates_and_splits_by_area(dubai_dataset: Dataset) -> None:
    root, manifest = dubai_dataset
    summary = validate_dataset(root)
    assert dict(manifest.splits) == {"train": ("tile-1",), "val": ("tile-2",), "test": ("tile-3",)}
    assert set(summary.tiles) == {"train", "val", "test"}
    split_of_area: dict[str, set[str]] = {}
    for tile in manifest.tiles:
        split_of_area.setdefault(tile.area, set()).add(manifest.split_of(tile.area) or "")
    assert all(len(splits) == 1 for splits in split_of_area.values())
    assert manifest.builder["relations"] == "rule_relations"
    assert summary.triplets["train"] > 0


def test_tile_layout_per_image(dubai_dataset: Dataset, dubai: Path) -> None:
    _, manifest = dubai_dataset
    for area, name in DUBAI_SUBSET.items():
        with rasterio.open(dubai / area / "images" / f"{name}.jpg") as src:
            rows, cols = src.height, src.width
        expected = math.ceil(rows / 512) * math.ceil(cols / 512)
        tiles = [t for t in manifest.tiles if t.source == f"{area}-{name}"]
        assert len(tiles) == expected
        assert all(t.shape == (min(rows, 512), min(cols, 512)) for t in tiles)
        assert all(t.crs is None and t.scale == 2000 for t in tiles)


@pytest.mark.parametrize("area", ["tile-1", "tile-2"])  # an RGB mask and a palette mask
def test_objects_are_the_connected_components(
    dubai_dataset: Dataset, dubai: Path, area: str
) -> None:
    root, manifest = dubai_dataset
    name = DUBAI_SUBSET[area]
    rgb = _mask_rgb(dubai / area / "masks" / f"{name}.png")
    min_pixels = manifest.builder["min_pixels"]
    for tile in [t for t in manifest.tiles if t.source == f"{area}-{name}"]:
        col, row, width, height = tile.window
        crop = rgb[:, row : row + height, col : col + width]
        labels = read_labels(root, tile)
        for cls, colour in README_COLOURS.items():
            hit = np.all(crop == np.array(colour, np.uint8)[:, None, None], axis=0)
            numbered, count = ndimage.label(hit)
            sizes = np.bincount(numbered.ravel(), minlength=count + 1)[1:]
            kept = sorted(int(s) for s in sizes if s >= min_pixels)
            objects = [o for o in labels.objects if o.class_id == cls]
            assert sorted(o.pixels for o in objects) == kept, (tile.id, cls)
            for obj in objects:
                mask = labels.mask(obj)
                component = numbered[mask][0]
                assert np.array_equal(mask, numbered == component)


def test_unlabelled_colours_make_no_objects(dubai_dataset: Dataset, dubai: Path) -> None:
    root, manifest = dubai_dataset
    tile = next(t for t in manifest.tiles if t.area == "tile-1")
    col, row, width, height = tile.window
    rgb = _mask_rgb(dubai / "tile-1" / "masks" / f"{DUBAI_SUBSET['tile-1']}.png")
    crop = rgb[:, row : row + height, col : col + width]
    grey = np.all(crop == np.array([0x9B, 0x9B, 0x9B], np.uint8)[:, None, None], axis=0)
    assert grey.any()
    labels = read_labels(root, tile)
    assert not (labels.instances[:, grey] > 0).any()


def test_class_codes_refuse_unknown_colours() -> None:
    table = ColourTable("two", {(255, 0, 0): "building", (0, 0, 0): None})
    rgb = np.zeros((3, 10, 10), dtype=np.uint8)
    rgb[0, :5] = 255
    assert (class_codes(rgb, table, "m") == np.repeat([[1], [0]], 5, axis=0)).all()
    rgb[1, 9, 9] = 7  # 1 % of the pixels in a colour the table lacks
    with pytest.raises(DatasetSourceError, match="#000700"):
        class_codes(rgb, table, "m")


def test_find_pairs_needs_a_mask_per_image(tmp_path: Path) -> None:
    (tmp_path / "tile-1" / "images").mkdir(parents=True)
    (tmp_path / "tile-1" / "masks").mkdir()
    (tmp_path / "tile-1" / "images" / "a.jpg").write_bytes(b"")
    with pytest.raises(DatasetSourceError, match="has no mask"):
        find_pairs(tmp_path)
    with pytest.raises(DatasetSourceError, match="holds no <area>/images"):
        find_pairs(tmp_path / "tile-1")


def test_scale_must_draw_every_class(dubai_subset: Path, tmp_path: Path) -> None:
    with pytest.raises(DatasetSourceError, match="building.*not drawn at 1:10000"):
        import_masks(dubai_subset, DUBAI_6CLASS, tmp_path / "out", scale=10000)


def test_provenance_names_the_inputs(dubai_dataset: Dataset) -> None:
    root, _ = dubai_dataset
    document = json.loads((root / "manifest.json").read_text())
    source = document["sources"][0]
    assert source["kind"] == "colour-masks"
    assert Path(source["provenance"]["mask"]).name.endswith(".png")
    assert source["provenance"]["colours"]["#9B9B9B"] is None
    assert len(source["provenance"]["image_sha256"]) == 64
