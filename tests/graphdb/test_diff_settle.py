"""What a diff leaves out: splits and merges of one footprint, wobble, the minimum mapping unit."""

from __future__ import annotations

import numpy as np
from shapely.geometry import box

from graphdb.diff.compare import DiffThresholds, Matching, match_observed
from graphdb.diff.settle import settle

THRESHOLDS = DiffThresholds()
SCALE = 2000  # tolerance 1 m, minimum mapping unit 10 m²


def _settled(old: list, new: list, old_cls: list[str], new_cls: list[str]) -> Matching:
    old_a, new_a = np.array(old, dtype=object), np.array(new, dtype=object)
    oc, nc = np.array(old_cls), np.array(new_cls)
    shared = sorted(set(old_cls) | set(new_cls))
    matched = match_observed(oc, old_a, nc, new_a, shared, THRESHOLDS)
    return settle(matched, oc, old_a, nc, new_a, THRESHOLDS, SCALE)


def test_a_building_split_in_two_is_not_news() -> None:
    found = _settled([box(0, 0, 20, 10)], [box(0, 0, 10, 10), box(10, 0, 20, 10)],
                     ["building"], ["building", "building"])  # fmt: skip
    assert (found.appeared, found.disappeared) == ([], [])
    (pair,) = found.pairs
    assert (pair.old, pair.new) in found.steady  # IoU 0.5 alone would be a geometry change


def test_two_houses_drawn_as_one_are_not_news() -> None:
    found = _settled([box(0, 0, 9, 10), box(11, 0, 20, 10)], [box(0, 0, 20, 10)],
                     ["building", "building"], ["building"])  # fmt: skip
    assert (found.appeared, found.disappeared) == ([], [])


def test_a_split_that_does_not_cover_the_old_footprint_is_still_news() -> None:
    found = _settled([box(0, 0, 40, 10)], [box(0, 0, 6, 10), box(32, 0, 38, 10)],
                     ["building"], ["building", "building"])  # fmt: skip
    assert found.disappeared == [0] and sorted(found.appeared) == [0, 1]


def test_pieces_of_another_class_are_no_split() -> None:
    found = _settled([box(0, 0, 20, 10)], [box(0, 0, 10, 10), box(10, 0, 20, 10)],
                     ["building"], ["building", "parking_lot"])  # fmt: skip
    assert found.appeared == [1]


def test_objects_below_the_minimum_mapping_unit_are_not_news() -> None:
    old = [box(100, 100, 102, 102)]  # 4 m² gone
    new = [box(0, 0, 3, 3), box(50, 50, 55, 55)]  # 9 m² and 25 m² new
    found = _settled(old, new, ["building"], ["building", "building"])
    assert found.disappeared == [] and found.appeared == [1]


def test_outline_wobble_within_the_line_tolerance_is_no_geometry_change() -> None:
    wobble = _settled([box(0, 0, 2.5, 2.5)], [box(0.95, 0, 3.45, 2.5)], ["building"], ["building"])
    moved = _settled([box(0, 0, 4, 4)], [box(1.8, 0, 5.8, 4)], ["building"], ["building"])
    ((w,), (m,)) = wobble.pairs, moved.pairs
    assert w.iou < THRESHOLDS.match_iou and (w.old, w.new) in wobble.steady
    assert m.iou >= THRESHOLDS.change_iou and (m.old, m.new) not in moved.steady


def test_changes_of_land_cover_alone_are_low_and_buildings_are_not() -> None:
    from graphdb.diff.changes import ChangeKind, ObjectChange, Severity, object_severity

    def severity(kind: ChangeKind, old: str | None, new: str | None) -> Severity:
        change = ObjectChange(kind, "o" if old else None, "n" if new else None, old, new, 0.3, 0, 0)
        return object_severity(change, THRESHOLDS)

    assert severity(ChangeKind.APPEARED, None, "vegetation") is Severity.LOW
    assert severity(ChangeKind.RECLASSIFIED, "vegetation", "bare_ground") is Severity.LOW
    assert severity(ChangeKind.GEOMETRY_CHANGED, "forest", "forest") is Severity.LOW
    assert severity(ChangeKind.APPEARED, None, "road") is Severity.MEDIUM  # a network, not cover
    assert severity(ChangeKind.APPEARED, None, "building") is Severity.MEDIUM
    assert severity(ChangeKind.RECLASSIFIED, "building", "vegetation") is Severity.HIGH
    assert severity(ChangeKind.GEOMETRY_CHANGED, "building", "building") is Severity.MEDIUM
