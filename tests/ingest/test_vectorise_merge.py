"""Vectorising tile masks and merging objects cut by tile borders, on synthetic masks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Transformer
from rasterio.transform import from_origin
from scipy import ndimage
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from ingest.errors import InvalidTileMask, OffGridPolygon, UnknownClass
from ingest.raster import ScaleLevel, level_for, open_raster, tile_windows
from ingest.records import MapObject
from ingest.vectorise import TileMask, TilePolygon, merge_to_objects, vectorise_tile

GSD = 0.5
LEFT, TOP = 733_600.0, 3_725_140.0
TO_UTM = Transformer.from_crs(4326, 32616, always_xy=True)


@pytest.fixture
def level(tmp_path: Path) -> ScaleLevel:
    """The 1:2,000 level (native, 0.5 m, 256 x 256 px) of a blank UTM 16N GeoTIFF."""
    path = tmp_path / "blank.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=256,
        height=256,
        count=3,
        dtype="uint8",
        crs="EPSG:32616",
        transform=from_origin(LEFT, TOP, GSD, GSD),
    ) as dataset:
        dataset.write(np.zeros((3, 256, 256), dtype=np.uint8))
    return level_for(open_raster(str(path)), 2000)


def pixel_box(col0: int, row0: int, col1: int, row1: int) -> Polygon:
    """The UTM polygon of level pixels [col0, col1) x [row0, row1) (0.5 m grid above)."""
    return box(LEFT + col0 * GSD, TOP - row1 * GSD, LEFT + col1 * GSD, TOP - row0 * GSD)


def mask_of(*boxes: tuple[int, int, int, int], size: int = 256) -> np.ndarray:
    """A level-size bool mask, True on pixel boxes (col0, row0, col1, row1)."""
    mask = np.zeros((size, size), dtype=bool)
    for col0, row0, col1, row1 in boxes:
        mask[row0:row1, col0:col1] = True
    return mask


def run(
    level: ScaleLevel,
    instances: Sequence[tuple[str, float, np.ndarray]],
    tile_size: int,
    overlap: int,
) -> list[MapObject]:
    """Cut level-size instance masks into tiles, vectorise each tile, merge."""
    polygons: list[TilePolygon] = []
    for tile in tile_windows(level, tile_size=tile_size, overlap=overlap):
        col, row = int(tile.window.col_off), int(tile.window.row_off)
        height, width = tile.shape
        masks = [
            TileMask(cls, score, mask[row : row + height, col : col + width])
            for cls, score, mask in instances
        ]
        polygons.extend(vectorise_tile(tile, masks))
    return merge_to_objects(polygons, level)


def utm(geometry: BaseGeometry) -> BaseGeometry:
    """A stored WGS84 geometry back in UTM 16N metres."""
    moved: BaseGeometry = shapely.transform(
        geometry, lambda xy: np.column_stack(TO_UTM.transform(xy[:, 0], xy[:, 1]))
    )
    return moved


def iou(a: BaseGeometry, b: BaseGeometry) -> float:
    return float(a.intersection(b).area / a.union(b).area)


def test_tile_polygon_is_pixel_exact_with_holes(level: ScaleLevel) -> None:
    tile = tile_windows(level, tile_size=64, overlap=0)[1]
    mask = np.zeros((64, 64), dtype=bool)
    mask[10:30, 5:25] = True
    mask[15:20, 10:15] = False
    (polygon,) = vectorise_tile(tile, [TileMask("building", 0.9, mask)])
    expected = pixel_box(64 + 5, 10, 64 + 25, 30).difference(pixel_box(64 + 10, 15, 64 + 15, 20))
    assert polygon.geometry.equals(expected)
    assert len(polygon.geometry.interiors) == 1
    assert (polygon.scale, polygon.window) == (2000, (64, 0, 64, 64))


def test_mask_with_two_blobs_is_one_multipolygon_and_empty_masks_vanish(
    level: ScaleLevel,
) -> None:
    tile = tile_windows(level, tile_size=64, overlap=0)[0]
    two = np.zeros((64, 64), dtype=bool)
    two[0:10, 0:10] = two[20:30, 20:30] = True
    result = vectorise_tile(
        tile,
        [TileMask("forest", 1.0, two), TileMask("forest", 1.0, np.zeros((64, 64), dtype=bool))],
    )
    assert len(result) == 1
    assert isinstance(result[0].geometry, MultiPolygon)
    assert len(result[0].geometry.geoms) == 2


def test_object_across_four_tiles_becomes_one_exact_polygon(level: ScaleLevel) -> None:
    mask = mask_of((40, 50, 120, 110))
    (obj,) = run(level, [("building", 0.9, mask)], tile_size=96, overlap=16)
    assert obj.provenance["tile_pieces"] == "4"
    assert obj.cls == "building" and obj.scale == 2000 and obj.source_crs == 32616
    assert obj.confidence == pytest.approx(0.9)
    assert iou(utm(obj.geometry), pixel_box(40, 50, 120, 110)) > 0.999999


def test_merge_does_not_depend_on_the_tiling(level: ScaleLevel) -> None:
    rng = np.random.default_rng(11)
    instances: list[tuple[str, float, np.ndarray]] = []
    for cls in ("building", "forest", "water_body"):
        boxes = []
        for _ in range(12):
            col, row = rng.integers(0, 230, size=2)
            width, height = rng.integers(3, 40, size=2)
            boxes.append((col, row, col + width, row + height))
        # Each 4-connected blob is one instance, as a segmenter would report it.
        labels, count = ndimage.label(mask_of(*boxes))
        instances.extend((cls, 0.7, labels == i) for i in range(1, count + 1))
    reference = run(level, instances, tile_size=256, overlap=0)
    assert len(reference) >= 10
    for tile_size, overlap in ((64, 16), (50, 0), (100, 30), (37, 5)):
        tiled = run(level, instances, tile_size=tile_size, overlap=overlap)
        assert [o.key for o in tiled] == [o.key for o in reference]
        for got, expected in zip(tiled, reference, strict=True):
            assert got.geometry.equals(expected.geometry)


def test_keys_are_stable_across_reruns(level: ScaleLevel) -> None:
    instances = [("road", 0.5, mask_of((0, 100, 256, 110)))]
    first = run(level, instances, tile_size=64, overlap=8)
    second = run(level, instances, tile_size=64, overlap=8)
    assert [o.key for o in first] == [o.key for o in second]
    assert first[0].key.startswith("raster/")


def test_edge_to_edge_tiles_join_pieces_touching_along_the_seam(level: ScaleLevel) -> None:
    (obj,) = run(level, [("building", 1.0, mask_of((50, 10, 80, 30)))], tile_size=64, overlap=0)
    assert obj.provenance["tile_pieces"] == "2"
    assert iou(utm(obj.geometry), pixel_box(50, 10, 80, 30)) > 0.999999


def test_corner_contact_across_a_seam_is_not_a_join(level: ScaleLevel) -> None:
    instances = [
        ("building", 1.0, mask_of((44, 44, 64, 64))),
        ("building", 1.0, mask_of((64, 64, 84, 84))),
    ]
    objects = run(level, instances, tile_size=64, overlap=0)
    assert len(objects) == 2


def test_touching_instances_of_one_tile_stay_separate(level: ScaleLevel) -> None:
    instances = [
        ("building", 1.0, mask_of((10, 10, 30, 30))),
        ("building", 1.0, mask_of((30, 10, 50, 30))),
    ]
    for tile_size, overlap in ((256, 0), (40, 10)):
        objects = run(level, instances, tile_size=tile_size, overlap=overlap)
        assert sorted(round(utm(o.geometry).bounds[0] - LEFT, 6) for o in objects) == [5.0, 15.0]


def test_object_inside_an_overlap_zone_is_not_duplicated(level: ScaleLevel) -> None:
    # Tiles of 64 px with 16 px overlap start at 0 and 48: columns 48..63 are seen twice.
    (obj,) = run(level, [("building", 1.0, mask_of((50, 5, 60, 15)))], tile_size=64, overlap=16)
    assert obj.provenance["tile_pieces"] == "2"


def test_different_classes_never_merge(level: ScaleLevel) -> None:
    instances = [
        ("forest", 1.0, mask_of((0, 0, 100, 100))),
        ("water_body", 1.0, mask_of((50, 50, 150, 150))),
    ]
    objects = run(level, instances, tile_size=64, overlap=16)
    assert sorted(o.cls for o in objects) == ["forest", "water_body"]


def test_score_is_the_area_weighted_mean_of_the_pieces(level: ScaleLevel) -> None:
    tiles = tile_windows(level, tile_size=64, overlap=0)
    left, right = tiles[0], tiles[1]
    a = np.zeros((64, 64), dtype=bool)
    a[10:20, 34:64] = True  # 300 px at score 0.8
    b = np.zeros((64, 64), dtype=bool)
    b[10:20, 0:10] = True  # 100 px at score 0.4
    polygons = vectorise_tile(left, [TileMask("building", 0.8, a)])
    polygons += vectorise_tile(right, [TileMask("building", 0.4, b)])
    (obj,) = merge_to_objects(polygons, level)
    assert obj.confidence == pytest.approx((300 * 0.8 + 100 * 0.4) / 400)


def test_slivers_are_dropped_and_small_holes_filled(level: ScaleLevel) -> None:
    # At 1:2,000 the minimum area is 10 m2 = 40 px at 0.5 m.
    speck = mask_of((5, 5, 11, 11))  # 36 px
    shed = mask_of((20, 5, 27, 12))  # 49 px
    ring = mask_of((100, 100, 160, 160))
    ring[110:115, 110:115] = False  # 25 px hole: filled
    ring[130:150, 130:150] = False  # 400 px hole: kept
    objects = run(
        level,
        [("building", 1.0, speck), ("building", 1.0, shed), ("building", 1.0, ring)],
        tile_size=64,
        overlap=16,
    )
    assert len(objects) == 2
    polygons = {round(utm(o.geometry).area, 3): utm(o.geometry) for o in objects}
    assert sorted(polygons) == [49 * GSD**2, (3600 - 400) * GSD**2]
    assert len(polygons[(3600 - 400) * GSD**2].interiors) == 1


def test_staircase_outline_is_simplified_within_tolerance(level: ScaleLevel) -> None:
    rows, cols = np.mgrid[0:256, 0:256]
    triangle = (cols >= 20) & (rows >= 20) & (rows - 20 >= (cols - 20) // 1) & (rows < 200)
    (obj,) = run(level, [("park", 1.0, triangle)], tile_size=64, overlap=16)
    raw = shapely.union_all(
        [pixel_box(c, r, c + 1, r + 1) for r, c in zip(*np.nonzero(triangle), strict=True)]
    )
    simplified = utm(obj.geometry)
    assert len(simplified.exterior.coords) < len(raw.exterior.coords) / 10
    # 1:2,000 simplifies by 0.5 m; 1e-6 m absorbs the round trip through WGS84.
    assert simplified.hausdorff_distance(raw) <= 0.5 + 1e-6


def test_stored_geometry_is_wgs84(level: ScaleLevel) -> None:
    (obj,) = run(level, [("building", 1.0, mask_of((0, 0, 20, 20)))], tile_size=256, overlap=0)
    lon, lat = obj.geometry.exterior.coords[0]
    assert -85.0 < lon < -84.0 and 33.0 < lat < 34.0


def test_polygon_off_the_level_grid_is_refused(level: ScaleLevel) -> None:
    shifted = TilePolygon(
        "building",
        1.0,
        2000,
        shapely.affinity.translate(pixel_box(0, 0, 10, 10), xoff=0.1),
        (0, 0, 64, 64),
    )
    with pytest.raises(OffGridPolygon, match="off this level's pixel grid"):
        merge_to_objects([shifted], level)


def test_polygon_of_another_scale_is_refused(level: ScaleLevel) -> None:
    other = TilePolygon("building", 1.0, 10000, pixel_box(0, 0, 10, 10), (0, 0, 64, 64))
    with pytest.raises(OffGridPolygon, match="scale"):
        merge_to_objects([other], level)


def test_mask_of_the_wrong_shape_is_refused(level: ScaleLevel) -> None:
    tile = tile_windows(level, tile_size=64, overlap=0)[0]
    with pytest.raises(InvalidTileMask, match="tile's grid"):
        vectorise_tile(tile, [TileMask("building", 1.0, np.ones((32, 64), dtype=bool))])


@pytest.mark.parametrize(
    ("mask", "score", "message"),
    [
        (np.ones((8, 8), dtype=np.uint8), 1.0, "must be bool"),
        (np.ones((2, 8, 8), dtype=bool), 1.0, "2-D"),
        (np.ones((8, 8), dtype=bool), 1.5, r"\[0, 1\]"),
        (np.ones((8, 8), dtype=bool), float("nan"), r"\[0, 1\]"),
    ],
)
def test_malformed_tile_masks_are_refused(mask: np.ndarray, score: float, message: str) -> None:
    with pytest.raises(InvalidTileMask, match=message):
        TileMask("building", score, mask)


def test_unknown_class_is_refused() -> None:
    with pytest.raises(UnknownClass):
        TileMask("spaceport", 1.0, np.ones((8, 8), dtype=bool))


def test_a_scale_without_any_piece_merges_to_nothing(level: ScaleLevel) -> None:
    """A segmenter that finds nothing at a scale must give no objects, not a crash."""
    assert merge_to_objects([], level) == []
