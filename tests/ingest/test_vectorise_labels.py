"""Seam-free merging on real labels: the New Brunswick clip's GeoPackage cut into small tiles.

The labels (building, forest, road, hydro) are rasterised onto a scale level's grid, cut into
overlapping tiles much smaller than the clip, vectorised per tile (as a ground-truth segmenter
would report them: one mask per 4-connected blob of a class in the tile) and merged.

Two references, both built independently of the code under test:

- the **pixel components**: each 4-connected component of a class in the whole label raster
  (scipy), as the union of its pixel row runs (shapely). Merged pieces, before simplification,
  must equal them exactly, one to one: no seam, no gap, no duplicate, at any tiling.
- the **label polygons** themselves (clipped to the image, dissolved by class): each must be
  matched by exactly one stored object with IoU >= 0.95, or, where rasterising at 0.5 m already
  loses more than that (small, thin objects), no more than 2 points below what the pixel
  component reaches.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Transformer
from rasterio.features import rasterize
from scipy import ndimage
from shapely.affinity import affine_transform
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from ingest.ontology import get_scale
from ingest.raster import ScaleLevel, level_for, open_raster, tile_windows
from ingest.vectorise import TileMask, TilePolygon, merge_pieces, merge_to_objects, vectorise_tile
from tests.support.sample_data import sample

CLIP = "imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif"
LABELS = "imagery/new-brunswick/BakerLake_2017_clipped.gpkg"
"""Sample paths (``tests.support.sample_data.sample``) of the clip and the labels over it."""
# Quatreclasses code -> ontology class; painted in this order, later classes on top.
CLASSES = {1: "forest", 2: "water_body", 3: "road", 4: "building"}
TO_CLIP_CRS = Transformer.from_crs(4326, 2953, always_xy=True)


@pytest.fixture(scope="module")
def clip() -> Path:
    """The clip's path, through a fixture so its absence skips these tests, not the module."""
    return sample(CLIP)


@pytest.fixture(scope="module")
def labels() -> gpd.GeoDataFrame:
    frame = gpd.read_file(sample(LABELS))
    return frame[frame["Quatreclasses"].astype(int).isin(CLASSES)]


def label_raster(labels: gpd.GeoDataFrame, level: ScaleLevel) -> np.ndarray:
    """Quatreclasses codes burnt onto the level's grid (pixel centres), 0 where unlabelled."""
    shapes = [
        (geometry, int(code))
        for code in CLASSES
        for geometry in labels.geometry[labels["Quatreclasses"].astype(int) == code]
    ]
    return rasterize(
        shapes,
        out_shape=(level.height, level.width),
        transform=level.transform,
        fill=0,
        dtype="uint8",
    )


def component_pixels(component: np.ndarray) -> BaseGeometry:
    """A bool component in pixel coordinates (x = column, y = row): its row runs' union."""
    runs: list[BaseGeometry] = []
    for row in np.flatnonzero(component.any(axis=1)):
        padded = np.concatenate([[False], component[row], [False]])
        edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
        runs.extend(box(start, row, stop, row + 1) for start, stop in edges.reshape(-1, 2))
    return shapely.union_all(runs)


def pixel_components(raster: np.ndarray) -> list[tuple[str, BaseGeometry]]:
    found: list[tuple[str, BaseGeometry]] = []
    for code, cls in CLASSES.items():
        components, count = ndimage.label(raster == code)
        found.extend((cls, component_pixels(components == i)) for i in range(1, count + 1))
    return found


def tile_polygons(
    raster: np.ndarray, level: ScaleLevel, tile_size: int, overlap: int
) -> list[TilePolygon]:
    """What a ground-truth segmenter would report per tile, vectorised tile by tile."""
    polygons = []
    for tile in tile_windows(level, tile_size=tile_size, overlap=overlap):
        col, row = int(tile.window.col_off), int(tile.window.row_off)
        height, width = tile.shape
        crop = raster[row : row + height, col : col + width]
        masks: list[TileMask] = []
        for code, cls in CLASSES.items():
            components, count = ndimage.label(crop == code)
            masks.extend(TileMask(cls, 1.0, components == i) for i in range(1, count + 1))
        polygons.extend(vectorise_tile(tile, masks))
    return polygons


def to_crs(geometry_px: BaseGeometry, level: ScaleLevel) -> BaseGeometry:
    t = level.transform
    return affine_transform(geometry_px, [t.a, t.b, t.d, t.e, t.c, t.f])


def in_clip_crs(geometry: BaseGeometry) -> BaseGeometry:
    """A stored WGS84 geometry back in the clip's CRS (EPSG:2953, metres)."""
    moved: BaseGeometry = shapely.transform(
        geometry, lambda xy: np.column_stack(TO_CLIP_CRS.transform(xy[:, 0], xy[:, 1]))
    )
    return moved


def iou(a: BaseGeometry, b: BaseGeometry) -> float:
    return float(a.intersection(b).area / a.union(b).area)


def label_polygons(labels: gpd.GeoDataFrame, clip: Path) -> list[tuple[str, BaseGeometry]]:
    """Label polygons clipped to the clip and dissolved by class, as (class, polygon)."""
    with rasterio.open(clip) as dataset:
        extent = box(*dataset.bounds)
    found: list[tuple[str, BaseGeometry]] = []
    for code, cls in CLASSES.items():
        union = shapely.union_all(
            labels.geometry[labels["Quatreclasses"].astype(int) == code].to_numpy()
        ).intersection(extent)
        found.extend((cls, part) for part in getattr(union, "geoms", [union]) if part.area > 0)
    return found


@pytest.mark.parametrize(
    ("scale", "tile_size", "overlap"),
    [(2000, 96, 16), (2000, 64, 0), (2000, 50, 7), (10000, 48, 8)],
)
def test_merged_pieces_equal_the_label_components_exactly(
    clip: Path, labels: gpd.GeoDataFrame, scale: int, tile_size: int, overlap: int
) -> None:
    level = level_for(open_raster(str(clip)), scale)
    assert len(tile_windows(level, tile_size=tile_size, overlap=overlap)) >= 12
    raster = label_raster(labels, level)
    reference = pixel_components(raster)
    merged = merge_pieces(tile_polygons(raster, level, tile_size, overlap), level.transform, scale)
    assert len(merged) == len(reference)
    for cls, expected in reference:
        matches = [
            m
            for m in merged
            if m.class_id == cls and m.geometry.symmetric_difference(expected).area == 0
        ]
        assert len(matches) == 1, (cls, expected.area, len(matches))


@pytest.mark.parametrize(("tile_size", "overlap"), [(96, 16), (64, 0)])
def test_every_label_polygon_is_one_stored_object(
    clip: Path, labels: gpd.GeoDataFrame, tile_size: int, overlap: int
) -> None:
    level = level_for(open_raster(str(clip)), 2000)
    assert len(tile_windows(level, tile_size=tile_size, overlap=overlap)) >= 12
    raster = label_raster(labels, level)
    objects = merge_to_objects(tile_polygons(raster, level, tile_size, overlap), level)
    stored = [(obj.cls, in_clip_crs(obj.geometry)) for obj in objects]
    rasterised = [(cls, to_crs(geometry, level)) for cls, geometry in pixel_components(raster)]
    min_area = get_scale(2000).min_area_m2
    labelled = [
        (cls, polygon)
        for cls, polygon in label_polygons(labels, clip)
        if polygon.area >= 1.2 * min_area
    ]
    assert {cls for cls, _ in labelled} == set(CLASSES.values())
    for cls, polygon in labelled:
        best_raster = max(iou(polygon, pixels) for c, pixels in rasterised if c == cls)
        bar = min(0.95, best_raster - 0.02)
        matches = [g for c, g in stored if c == cls and iou(g, polygon) >= bar]
        assert len(matches) == 1, (cls, polygon.area, bar, len(matches))
    for cls, geometry in stored:
        owners = [
            p for c, p in label_polygons(labels, clip) if c == cls and iou(geometry, p) >= 0.9
        ]
        assert len(owners) == 1, (cls, geometry.area, len(owners))


def test_tiling_changes_neither_geometry_nor_keys(clip: Path, labels: gpd.GeoDataFrame) -> None:
    level = level_for(open_raster(str(clip)), 2000)
    raster = label_raster(labels, level)
    whole = merge_to_objects(tile_polygons(raster, level, max(level.width, level.height), 0), level)
    tiled = merge_to_objects(tile_polygons(raster, level, 80, 24), level)
    assert len(whole) >= 10
    assert [o.key for o in tiled] == [o.key for o in whole]
    assert all(a.geometry.equals(b.geometry) for a, b in zip(tiled, whole, strict=True))
