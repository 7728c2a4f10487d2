"""Pixel evidence between two readings of one place, on synthetic model maps.

The maps stand for what the model read in two images of a 56 m x 56 m place at 0.5 m (8 x 8
patches): class probabilities per pixel and one feature vector per 14 px patch.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.ops
from affine import Affine
from pyproj import Transformer
from rasterio.crs import CRS
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from model.change.calibration import Calibration
from model.change.evidence import APPEARED, DISAPPEARED, GEOMETRY_CHANGED, PairEvidence
from model.change.maps import FEATURE_DIMS, LevelMaps

SIZE = 112
UTM = CRS.from_epsg(32614)
GRID = Affine(0.5, 0.0, 603_000.0, 0.0, -0.5, 3_350_000.0)
CLASSES = ("building", "vegetation", "road")
CALIBRATION = Calibration(0.05, 0.05, 1.0, -1.0, "test", ())
TO_WGS84 = Transformer.from_crs(32614, 4326, always_xy=True)


def maps(probabilities: np.ndarray, features: np.ndarray) -> LevelMaps:
    return LevelMaps(
        classes=CLASSES,
        probabilities=probabilities,
        valid=np.ones((SIZE, SIZE), dtype=bool),
        features=features,
        transform=GRID,
        crs=UTM,
    )


def scene(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Vegetation everywhere (building 0.02) and random patch features."""
    probabilities = np.zeros((3, SIZE, SIZE), dtype=np.float32)
    probabilities[0] = 0.02
    probabilities[1] = 0.9
    features = np.random.default_rng(seed).standard_normal((FEATURE_DIMS, 8, 8))
    return probabilities, features.astype(np.float32)


def with_house(
    probabilities: np.ndarray, features: np.ndarray, rows: slice, cols: slice
) -> tuple[np.ndarray, np.ndarray]:
    """The same place with a house: building probability high there, its patches changed."""
    p, f = probabilities.copy(), features.copy()
    p[0, rows, cols], p[1, rows, cols] = 0.97, 0.02
    patch_rows = slice(rows.start // 14, -(-rows.stop // 14))
    patch_cols = slice(cols.start // 14, -(-cols.stop // 14))
    f[:, patch_rows, patch_cols] = np.random.default_rng(9).standard_normal(
        f[:, patch_rows, patch_cols].shape
    )
    return p, f


def outline(rows: slice, cols: slice) -> BaseGeometry:
    """The WGS84 outline of a pixel block of the grid."""
    west, north = GRID @ (cols.start, rows.start)
    east, south = GRID @ (cols.stop, rows.stop)
    return shapely.ops.transform(TO_WGS84.transform, box(west, south, east, north))


HOUSE = (slice(28, 56), slice(28, 56))


def test_the_same_reading_twice_is_no_evidence_of_any_change() -> None:
    before = maps(*scene())
    evidence = PairEvidence(maps(*scene()), before, {}, CALIBRATION)
    for class_id in CLASSES:
        assert evidence.proposals(class_id, 10.0) == []
        assert not evidence.map(APPEARED, class_id).any()
    assert evidence.confidence(APPEARED, None, "building", None, outline(*HOUSE)) is None
    assert evidence.confidence(DISAPPEARED, "road", None, outline(*HOUSE), None) is None


def test_a_new_house_is_proposed_where_it_stands_with_a_confidence() -> None:
    probabilities, features = scene()
    after = maps(*with_house(probabilities, features, *HOUSE))
    evidence = PairEvidence(after, maps(probabilities, features), {}, CALIBRATION)
    ((kind, where, confidence),) = evidence.proposals("building", 10.0)
    assert kind == APPEARED
    house = outline(*HOUSE)
    assert shapely.area(shapely.intersection(where, house)) / shapely.area(house) > 0.95
    assert 0.0 < confidence < 1.0
    assert evidence.confidence(APPEARED, None, "building", None, house) == pytest.approx(
        confidence, abs=0.05
    )
    assert evidence.proposals("building", 1000.0) == [], "a 196 m² house is under 1,000 m²"
    assert evidence.proposals("vegetation", 10.0) == [], "stuff is judged, never proposed"
    somewhere_else = outline(slice(80, 100), slice(0, 20))
    assert evidence.confidence(APPEARED, None, "building", None, somewhere_else) is None


def test_a_reading_that_wobbles_without_the_pixels_changing_is_no_change() -> None:
    probabilities, features = scene()
    moved = probabilities.copy()
    moved[0, 28:56, 28:56] = 0.03  # a slightly different reading of one place
    evidence = PairEvidence(maps(moved, features), maps(probabilities, features), {}, CALIBRATION)
    assert evidence.proposals("building", 10.0) == [], "same features: the distance is zero"
    before, after = outline(slice(28, 56), slice(28, 56)), outline(slice(28, 57), slice(28, 57))
    assert evidence.confidence(GEOMETRY_CHANGED, "building", "building", before, after) is None


SHED = (slice(70, 98), slice(70, 98))


def test_against_an_old_map_only_what_the_objects_show_is_judged_and_nothing_proposed() -> None:
    probabilities, features = scene()
    after = maps(*with_house(*with_house(probabilities, features, *HOUSE), *SHED))
    house, shed = outline(*HOUSE), outline(*SHED)
    mapped = PairEvidence(after, None, {"building": [house]}, CALIBRATION)
    assert mapped.reads("building"), "the image reads the mapped house as the map does"
    assert mapped.confidence(APPEARED, None, "building", None, house) is None, "on the map"
    assert mapped.confidence(APPEARED, None, "building", None, shed) is not None, "new"
    assert mapped.proposals("building", 10.0) == [], "one image cannot tell bias from change"


def test_an_image_that_misreads_the_old_map_judges_nothing_of_that_class() -> None:
    probabilities, features = scene()
    after = maps(*with_house(probabilities, features, *HOUSE))
    elsewhere = outline(slice(0, 20), slice(90, 112))
    misread = PairEvidence(after, None, {"building": [elsewhere]}, CALIBRATION)
    assert not misread.reads("building")
    assert misread.confidence(APPEARED, None, "building", None, outline(*HOUSE)) is None


def test_a_kind_without_a_threshold_is_never_reported() -> None:
    probabilities, features = scene()
    with_it = with_house(probabilities, features, *HOUSE)
    no_demolitions = Calibration(0.05, None, 1.0, -1.0, "test", ())
    evidence = PairEvidence(maps(probabilities, features), maps(*with_it), {}, no_demolitions)
    assert evidence.proposals("building", 10.0) == []
    assert evidence.confidence(DISAPPEARED, "building", None, outline(*HOUSE), None) is None
    counted = PairEvidence(maps(probabilities, features), maps(*with_it), {}, CALIBRATION)
    assert [k for k, _, _ in counted.proposals("building", 10.0)] == [DISAPPEARED]
