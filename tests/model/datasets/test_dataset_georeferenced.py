"""Building a dataset from georeferenced imagery and vector labels."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.coords import disjoint_bounds
from rasterio.features import rasterize
from shapely.geometry import box

from model.datasets.georeferenced import build_georeferenced
from model.datasets.manifest import Manifest, TileEntry
from model.datasets.relate import no_relations
from model.datasets.tilefiles import read_labels
from model.datasets.validate import validate_dataset
from model.datasets.writer import TileOptions
from model.errors import DatasetSourceError

Dataset = tuple[Path, Manifest]


def _union(root: Path, tile: TileEntry, classes: set[str]) -> np.ndarray:
    labels = read_labels(root, tile)
    union = np.zeros(tile.shape, dtype=bool)
    for obj in labels.objects:
        if obj.class_id in classes:
            union |= labels.mask(obj)
    return union


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_new_brunswick_builds_validates_and_keeps_one_area(
    nb_dataset: Dataset, nb_images: tuple[Path, Path]
) -> None:
    root, manifest = nb_dataset
    summary = validate_dataset(root)
    with rasterio.open(nb_images[0]) as first, rasterio.open(nb_images[1]) as second:
        overlap = not disjoint_bounds(first.bounds, second.bounds)
    assert overlap  # the two clips share a strip of ground ...
    assert len({s.area for s in manifest.sources}) == 1  # ... so they are one area
    assert dict(manifest.splits) == {"train": (manifest.sources[0].area,), "val": (), "test": ()}
    assert summary.objects["train"] > 0 and summary.triplets["train"] > 0
    classes = {o.class_id for t in manifest.tiles for o in read_labels(root, t).objects}
    assert classes == {"building", "forest", "road", "water_body", "railway"}


def test_tiles_per_scale(nb_dataset: Dataset, nb_images: tuple[Path, Path]) -> None:
    _, manifest = nb_dataset
    for path in nb_images:
        with rasterio.open(path) as src:
            height, width, gsd = src.height, src.width, src.res[0]
        tiles = [t for t in manifest.tiles if t.source == path.stem]
        # 0.5 m serves 1:2000 natively and 1:10000 at 1 m; 1:50000 (5 m) is under 64 px.
        assert {t.scale for t in tiles} == {2000, 10000}
        for scale, level_gsd in ((2000, gsd), (10000, 1.0)):
            rows, cols = height * gsd / level_gsd, width * gsd / level_gsd
            at_scale = [t for t in tiles if t.scale == scale]
            assert len(at_scale) == math.ceil(round(rows) / 256) * math.ceil(round(cols) / 256)
            assert all(t.crs == "EPSG:2953" for t in at_scale)


def test_building_masks_match_the_geopackage(nb_dataset: Dataset, nb_labels: Path) -> None:
    root, manifest = nb_dataset
    frame = gpd.read_file(nb_labels)
    buildings = frame[frame["Niveau_3"] == "Building"].geometry
    checked = 0
    for tile in [t for t in manifest.tiles if t.scale == 2000]:
        assert tile.transform is not None
        expected = rasterize(
            [(g, 1) for g in buildings], out_shape=tile.shape, transform=Affine(*tile.transform)
        ).astype(bool)
        if expected.any():
            assert _iou(_union(root, tile, {"building"}), expected) > 0.99, tile.id
            checked += 1
    assert checked == 8  # 2 x 2 tiles of 256 px on each 0.5 m clip, all with buildings


def test_labels_in_another_crs_give_the_same_masks(
    nb_dataset: Dataset,
    nb_mapping: Path,
    nb_images: tuple[Path, Path],
    nb_labels: Path,
    tmp_path: Path,
) -> None:
    root, manifest = nb_dataset
    wgs84 = tmp_path / "baker-lake-wgs84.geojson"
    gpd.read_file(nb_labels).to_crs("EPSG:4326").to_file(wgs84, driver="GeoJSON")
    out = tmp_path / "again"
    again = build_georeferenced(
        [nb_images[0]], wgs84, out, mapping=nb_mapping, scales=[2000],
        options=TileOptions(tile_size=256), relater=no_relations,
    )  # fmt: skip
    assert again.builder["relations"] == "no_relations"
    by_id = {t.id: t for t in manifest.tiles}
    for tile in again.tiles:
        for classes in ({"building"}, {"forest", "water_body"}):
            original = _union(root, by_id[tile.id], classes)
            if original.any():
                assert _iou(_union(out, tile, classes), original) > 0.99


def _write_tif(path: Path, west: float, north: float, size: int = 128) -> Path:
    rgb = np.full((3, size, size), 90, dtype=np.uint8)
    with rasterio.open(
        path, "w", driver="GTiff", width=size, height=size, count=3, dtype="uint8",
        crs="EPSG:32633", transform=Affine(0.5, 0, west, 0, -0.5, north),
    ) as dst:  # fmt: skip
        dst.write(rgb)
    return path


def test_overlapping_images_share_an_area_and_areas_split(tmp_path: Path) -> None:
    west, north = 400_000.0, 5_000_000.0
    images = [
        _write_tif(tmp_path / "a.tif", west, north),
        _write_tif(tmp_path / "b.tif", west + 32.0, north),  # 64 m wide: overlaps a
        _write_tif(tmp_path / "c.tif", west + 10_000.0, north),
    ]
    labels = tmp_path / "labels.geojson"
    gpd.GeoDataFrame(
        {"kind": ["house", "house", "wood"]},
        geometry=[
            box(west + 10, north - 30, west + 20, north - 20),
            box(west + 40, north - 30, west + 50, north - 20),
            box(west + 10_005, north - 60, west + 10_060, north - 5),
        ],
        crs="EPSG:32633",
    ).to_file(labels, driver="GeoJSON")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("column: kind\nvalues:\n  house: building\n  wood: forest\n")
    manifest = build_georeferenced(
        images, labels, tmp_path / "out", mapping=mapping, scales=[2000], val_areas=["c"]
    )
    validate_dataset(tmp_path / "out")
    assert {s.id: s.area for s in manifest.sources} == {"a": "a", "b": "a", "c": "c"}
    assert dict(manifest.splits) == {"train": ("a",), "val": ("c",), "test": ()}
    counts = {t.source: len(read_labels(tmp_path / "out", t).objects) for t in manifest.tiles}
    assert counts == {"a": 2, "b": 1, "c": 1}


def test_out_must_be_new_or_empty(
    nb_dataset: Dataset, nb_mapping: Path, nb_images: tuple[Path, Path], nb_labels: Path
) -> None:
    root, _ = nb_dataset
    with pytest.raises(DatasetSourceError, match="not an empty directory"):
        build_georeferenced([nb_images[0]], nb_labels, root, mapping=nb_mapping)


def test_unservable_scale_unknown_area_no_imagery(
    tmp_path: Path, nb_mapping: Path, nb_labels: Path
) -> None:
    image = _write_tif(tmp_path / "a.tif", 400_000.0, 5_000_000.0)
    with pytest.raises(DatasetSourceError, match="no imagery given"):
        build_georeferenced([], nb_labels, tmp_path / "w", mapping=nb_mapping)
    with pytest.raises(DatasetSourceError, match="none of the requested \\[50000\\]"):
        build_georeferenced([image], nb_labels, tmp_path / "x", mapping=nb_mapping, scales=[50000])
    with pytest.raises(DatasetSourceError, match="--val-areas names z"):
        build_georeferenced([image], nb_labels, tmp_path / "y", mapping=nb_mapping, val_areas=["z"])
