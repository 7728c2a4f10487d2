"""The labelled clips as training rasters: ingest's pixels, label sets that match the labels.

Every source is read from the real sample data (``tests.support.sample_data``: vendored first,
``../shared/data`` second; Massachusetts and Quebec exist only in the shared folder).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.features import rasterize
from rasterio.windows import Window

from ingest.raster import level_for, open_raster, read_pixels
from model.dense.labelsets import ALL, UNKNOWN, bit, bits
from model.dense.sources import (
    GEOREFERENCED_SOURCES,
    Clip,
    LabelledRaster,
    SourceSpec,
    read_source,
)
from model.errors import DatasetSourceError
from tests.support.sample_data import sample

SPECS = {spec.name: spec for spec in GEOREFERENCED_SOURCES}
NB = SPECS["new-brunswick"]
Read = tuple[SourceSpec, Path, list[LabelledRaster]]
"""A source, its data root and its clips at native resolution."""


def data_root(spec: SourceSpec) -> Path:
    """The data root holding ``spec``'s files; a skip (or, in a strict run, a failure) if none."""
    relative = spec.clips[0].image
    return sample(relative).parents[len(Path(relative).parts) - 1]


@pytest.fixture(scope="module", params=sorted(SPECS))
def source(request: pytest.FixtureRequest) -> Read:
    """Each source of the table, its data root and its clips at native resolution."""
    spec = SPECS[request.param]
    root = data_root(spec)
    return spec, root, read_source(spec, root)


def possible_sets(spec: SourceSpec) -> set[int]:
    """UNKNOWN, the "unlabelled" set, and every union of the classes the source maps to."""
    mapped = sorted({bit(cls) for cls in spec.classes.values() if cls is not None})
    unions = {0}
    for flag in mapped:
        unions |= {union | flag for union in unions}
    rest = ALL & ~bits(spec.exhaustive)
    return unions | {UNKNOWN, rest if rest != ALL else UNKNOWN}


def test_each_clip_reads_as_ingest_sees_it(source: Read) -> None:
    spec, root, rasters = source
    assert [r.source for r in rasters] == [f"{spec.name}/{clip.name}" for clip in spec.clips]
    for clip, raster in zip(spec.clips, rasters, strict=True):
        info = open_raster(str(root / clip.image))
        assert raster.rgb.dtype == np.uint8 and raster.allowed.dtype == np.uint8
        assert raster.rgb.shape == (3, info.height, info.width)
        assert raster.allowed.shape == (info.height, info.width)
        assert raster.gsd_m == pytest.approx(info.gsd_m)
        expected = read_pixels(info, Window(0, 0, info.width, info.height)).rgb
        np.testing.assert_array_equal(raster.rgb, expected)


def test_label_sets_are_valid_and_every_mapped_class_lands(source: Read) -> None:
    spec, _, rasters = source
    seen = set()
    for raster in rasters:
        values = set(np.unique(raster.allowed).tolist())
        assert values <= possible_sets(spec), f"{raster.source}: {sorted(values)}"
        seen |= values
    for cls in {c for c in spec.classes.values() if c is not None}:
        assert bit(cls) in seen, f"no {cls} pixel in {spec.name}: labels missed the clips"


def test_massachusetts_building_share_matches_the_polygon_area() -> None:
    spec = SPECS["massachusetts"]
    root = data_root(spec)
    for clip, raster in zip(spec.clips, read_source(spec, root), strict=True):
        with rasterio.open(root / clip.image) as dataset:
            footprint = shapely.box(*dataset.bounds)
        polygons = gpd.read_file(root / clip.labels).geometry.intersection(footprint)
        polygon_share = shapely.union_all(polygons.to_numpy()).area / footprint.area
        pixel_share = float(np.mean(raster.allowed == bit("building")))
        assert 0.05 < pixel_share < 0.5
        assert pixel_share == pytest.approx(polygon_share, abs=0.01)
        assert set(np.unique(raster.allowed).tolist()) == {bit("building"), ALL & ~bit("building")}


def test_quebec_code_1_is_building_and_nothing_else_is_labelled() -> None:
    spec = SPECS["quebec-tiles"]
    root = data_root(spec)
    for clip, raster in zip(spec.clips, read_source(spec, root), strict=True):
        with rasterio.open(root / clip.labels) as dataset:
            codes = dataset.read(1)
        np.testing.assert_array_equal(raster.allowed == bit("building"), codes == 1)
        assert np.all(raster.allowed[codes == 0] == UNKNOWN)


def test_new_brunswick_overlaps_give_both_classes_and_the_railway_is_unknown() -> None:
    root = data_root(NB)
    first, second = read_source(NB, root)
    assert first.area == second.area, "the two clips overlap: they must share a split"
    assert np.count_nonzero(second.allowed == bit("vegetation") | bit("water_body")) > 100
    clip = NB.clips[1]
    with rasterio.open(root / clip.image) as dataset:
        transform, shape, crs = dataset.transform, dataset.shape, dataset.crs
    labels = gpd.read_file(root / clip.labels).to_crs(crs)
    corridor = labels.geometry[labels["Niveau_3"] == "Train corridor"]
    drawn = rasterize(corridor, out_shape=shape, transform=transform).astype(bool)
    assert drawn.sum() > 1000
    assert np.all(second.allowed[drawn] == UNKNOWN)
    assert np.all(second.allowed[~drawn] != UNKNOWN)


def test_resampling_to_1m_halves_a_05m_clip_on_the_pyramid_grid() -> None:
    root = data_root(NB)
    native = read_source(NB, root)[0]
    coarse = read_source(NB, root, gsd_m=1.0)[0]
    height, width = native.allowed.shape
    assert coarse.allowed.shape == (round(height / 2), round(width / 2))
    assert coarse.rgb.shape == (3, *coarse.allowed.shape)
    assert coarse.gsd_m == pytest.approx(1.0, rel=0.01)
    # 1:10,000 analyses 0.5 m imagery at 1 m: training sees the product's pixels there.
    level = level_for(open_raster(str(root / NB.clips[0].image)), 10000)
    np.testing.assert_array_equal(
        coarse.rgb, level.read(Window(0, 0, level.width, level.height)).rgb
    )
    for cls in ("building", "water_body"):
        share = np.mean(coarse.allowed == bit(cls))
        assert share == pytest.approx(np.mean(native.allowed == bit(cls)), abs=0.005)


def test_a_finer_gsd_keeps_the_clip_grid() -> None:
    root = data_root(NB)
    clip = read_source(NB, root, gsd_m=0.25)[0]
    assert clip.gsd_m == pytest.approx(0.5)
    assert clip.allowed.shape == (341, 280)


@pytest.mark.parametrize("gsd_m", [0.0, -1.0, float("nan")])
def test_a_bad_gsd_is_refused(gsd_m: float) -> None:
    with pytest.raises(DatasetSourceError, match="gsd_m"):
        read_source(NB, data_root(NB), gsd_m=gsd_m)


def test_the_excluded_sources_are_not_in_the_table() -> None:
    excluded = ("atlanta-solaris", "vegas-wv03", "spacenet-sn7")
    for spec in GEOREFERENCED_SOURCES:
        assert spec.name not in excluded
        for clip in spec.clips:
            assert not any(f"/{name}/" in f"/{clip.image}/{clip.labels}" for name in excluded)


def test_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(DatasetSourceError, match="23322E759967N_clipped_1m_1of2.tif"):
        read_source(NB, tmp_path)


def test_nodata_pixels_are_unknown(tmp_path: Path) -> None:
    root = data_root(NB)
    with rasterio.open(root / NB.clips[0].image) as dataset:
        pixels, profile = dataset.read(), dataset.profile
    pixels[:, :20, :30] = 0
    folder = tmp_path / "imagery" / "holes"
    folder.mkdir(parents=True)
    with rasterio.open(folder / "clip.tif", "w", **{**profile, "nodata": 0}) as out:
        out.write(pixels)
    (folder / "labels.gpkg").symlink_to(root / NB.clips[0].labels)
    spec = replace(
        NB, clips=(Clip("holes", "imagery/holes/clip.tif", "imagery/holes/labels.gpkg"),)
    )
    (raster,) = read_source(spec, tmp_path)
    assert np.all(raster.allowed[:20, :30] == UNKNOWN)
    assert np.count_nonzero(raster.allowed == UNKNOWN) == 20 * 30


def test_a_label_value_missing_from_the_table_is_refused() -> None:
    classes = {value: cls for value, cls in NB.classes.items() if value != "Train corridor"}
    with pytest.raises(DatasetSourceError, match="Train corridor"):
        read_source(replace(NB, classes=classes), data_root(NB))


def test_a_label_code_missing_from_the_table_is_refused(tmp_path: Path) -> None:
    spec = SPECS["quebec-tiles"]
    root = data_root(spec)
    clip = spec.clips[0]
    with rasterio.open(root / clip.labels) as dataset:
        codes, profile = dataset.read(), dataset.profile
    codes[codes == 1] = 7
    folder = tmp_path / "imagery" / "recoded"
    folder.mkdir(parents=True)
    with rasterio.open(folder / "labels.tif", "w", **profile) as out:
        out.write(codes)
    (folder / "image.tif").symlink_to(root / clip.image)
    recoded = Clip("recoded", "imagery/recoded/image.tif", "imagery/recoded/labels.tif")
    with pytest.raises(DatasetSourceError, match=r"codes \[7\]"):
        read_source(replace(spec, clips=(recoded,)), tmp_path)


def test_labels_in_another_crs_are_reprojected(tmp_path: Path) -> None:
    spec = SPECS["massachusetts"]
    root = data_root(spec)
    clip = spec.clips[0]
    folder = tmp_path / "imagery" / "wgs84"
    folder.mkdir(parents=True)
    gpd.read_file(root / clip.labels).to_crs(4326).to_file(folder / "labels.gpkg")
    (folder / "image.tif").symlink_to(root / clip.image)
    moved = Clip("wgs84", "imagery/wgs84/image.tif", "imagery/wgs84/labels.gpkg")
    (reprojected,) = read_source(replace(spec, clips=(moved,)), tmp_path)
    (original,) = read_source(replace(spec, clips=(clip,)), root)
    differ = np.count_nonzero(reprojected.allowed != original.allowed)
    assert differ <= 0.002 * original.allowed.size
