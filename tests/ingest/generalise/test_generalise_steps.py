"""The single generalisation steps: closing, line merging, keys, sizes, settlement names."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import LineString, Point, box

from ingest.generalise.aggregate import close_areas
from ingest.generalise.ladder import copy_key, group_key, legible
from ingest.generalise.merge import merge_groups, merged_line
from ingest.generalise.naming import name_settlements
from ingest.records import MapObject


def test_close_areas_fuses_members_closer_than_the_gap():
    houses = np.array([box(0, 0, 10, 10), box(16, 0, 26, 10), box(60, 0, 70, 10)], dtype=object)
    groups = close_areas(houses, gap_m=10.0)
    members = [group.tolist() for _, group in groups]
    assert members == [[0, 1], [2]]
    fused, _ = groups[0]
    assert shapely.covers(fused, houses[0]) and shapely.covers(fused, houses[1])
    assert fused.geom_type == "Polygon"  # the 6 m gap is closed
    assert fused.area > houses[0].area + houses[1].area


def test_merge_groups_by_class_name_and_contact():
    lines = np.array(
        [
            LineString([(0, 0), (10, 0)]),
            LineString([(10, 0), (20, 0)]),
            LineString([(100, 0), (110, 0)]),  # same name, not touching
            LineString([(20, 0), (30, 0)]),  # touching, other class
            LineString([(30, 0), (40, 0)]),  # unnamed
        ],
        dtype=object,
    )
    groups = merge_groups(
        lines,
        ["road", "road", "road", "railway", "road"],
        ["Main", "Main", "Main", "Main", None],
        tolerance_m=2.5,
    )
    assert [g.tolist() for g in groups] == [[0, 1], [2], [3], [4]]
    merged = merged_line(lines[[0, 1]])
    assert merged.geom_type == "LineString" and merged.length == 20


def test_keys_are_deterministic_and_scale_specific():
    a = MapObject("way/1", "road", 2000, Point(0, 0))
    b = MapObject("way/2", "road", 2000, Point(1, 0))
    assert group_key("road", 10000, [a, b]) == group_key("road", 10000, [b, a])
    assert group_key("road", 10000, [a, b]) != group_key("road", 50000, [a, b])
    assert copy_key("way/1", 10000) == "way/1@10000"
    assert copy_key("way/1@10000", 50000) == "way/1@50000"
    merged = group_key("road", 10000, [a, b])
    assert copy_key(merged, 50000) == merged.replace("@10000", "@50000")


def test_legible_drops_what_is_too_small_for_the_scale():
    objects = [
        MapObject("big", "building", 2000, box(0, 0, 5, 5)),  # 25 m2
        MapObject("tiny", "building", 2000, box(0, 0, 3, 3)),  # 9 m2 < 10
        MapObject("stub", "road", 2000, LineString([(0, 0), (4, 0)])),  # 4 m < 5
        MapObject("halt", "railway_station", 2000, Point(0, 0)),
    ]
    kept, dropped = legible(objects, 2000)
    assert [o.key for o in kept] == ["big", "halt"]
    assert dropped == {"building": 1, "road": 1}


def test_settlement_names_rank_places_and_reach_just_outside():
    town = MapObject("s1", "settlement", 50000, box(0, 0, 1000, 1000))
    hamlet_only = MapObject("s2", "settlement", 50000, box(5000, 0, 6000, 1000))
    hints = [
        MapObject(
            "n1",
            "settlement",
            50000,
            Point(100, 100),
            name="Vaduz",
            provenance={"place": "village"},
        ),
        MapObject(
            "n2",
            "settlement",
            50000,
            Point(900, 900),
            name="Triesen",
            provenance={"place": "village"},
        ),
        MapObject(
            "n3",
            "settlement",
            50000,
            Point(500, 500),
            name="Ebenholz",
            provenance={"place": "hamlet"},
        ),
        MapObject(
            "n4", "settlement", 50000, Point(6300, 500), name="Steg", provenance={"place": "hamlet"}
        ),
        MapObject(
            "n5",
            "settlement",
            50000,
            Point(20000, 0),
            name="Nowhere",
            provenance={"place": "village"},
        ),
    ]
    named, unplaced = name_settlements([town, hamlet_only], hints, reach_m=500)
    assert [o.name for o in named] == ["Triesen / Vaduz", "Steg"]
    assert unplaced == 1
