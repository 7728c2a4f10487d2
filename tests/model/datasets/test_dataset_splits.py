"""Areas from footprints and the assignment of areas to splits."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from model.datasets.splits import assign_splits, group_by_footprint
from model.errors import DatasetSourceError

# About 1.1 m of latitude per 1e-5 degree near the equator.
DEG_PER_M = 1e-5 / 1.1


def test_overlapping_and_touching_footprints_form_one_area() -> None:
    footprints = {
        "b-east": box(0.001, 0.0, 0.002, 0.001),  # overlaps a-west
        "a-west": box(0.0, 0.0, 0.0012, 0.001),
        # 0.3 m north of b-east: within its 0.5 m pixel, so neighbours, one area.
        "c-north": box(0.001, 0.001 + 0.3 * DEG_PER_M, 0.002, 0.002),
        "far": box(0.05, 0.05, 0.051, 0.051),
    }
    areas = group_by_footprint(footprints, dict.fromkeys(footprints, 0.5))
    assert areas == {"a-west": "a-west", "b-east": "a-west", "c-north": "a-west", "far": "far"}


def test_a_gap_wider_than_a_pixel_separates_areas() -> None:
    footprints = {
        "a": box(0.0, 0.0, 0.001, 0.001),
        "b": box(0.0, 0.001 + 3.0 * DEG_PER_M, 0.001, 0.002),  # 3 m gap, 0.5 m pixels
    }
    assert group_by_footprint(footprints, {"a": 0.5, "b": 0.5}) == {"a": "a", "b": "b"}


def test_named_areas_are_held_out_and_the_rest_train() -> None:
    splits = assign_splits(["t1", "t2", "t3", "t2", "t4"], val=["t2"], test=["t4"])
    assert splits == {"train": ("t1", "t3"), "val": ("t2",), "test": ("t4",)}


def test_unknown_area_is_refused_with_the_known_ones() -> None:
    with pytest.raises(DatasetSourceError, match="tile-9, which is not an area.*tile-1, tile-2"):
        assign_splits(["tile-1", "tile-2"], val=["tile-9"])


def test_an_area_cannot_be_val_and_test() -> None:
    with pytest.raises(DatasetSourceError, match="both val and test"):
        assign_splits(["a", "b"], val=["a"], test=["a"])
