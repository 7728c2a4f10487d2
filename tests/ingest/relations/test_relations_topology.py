"""Topological rules on small hand-built scenes (metres, UTM 32N)."""

from __future__ import annotations

from shapely.geometry import LineString, Point, Polygon, box

from ingest.relations.topology import (
    adjacent_to,
    around,
    crosses,
    filled_outline,
    inside,
    part_of_within,
    passing_over,
    passing_through,
)


def test_inside_needs_most_of_the_subject_and_a_non_composite_object(make, frame, pairs_of):
    objects = [
        make("forest", "forest", box(0, 0, 100, 100)),
        make("grass", "vegetation", box(10, 10, 20, 20)),
        make("half", "vegetation", box(90, 10, 110, 20)),
        make("station", "railway_station", Point(50, 50)),
        make("track", "road", LineString([(5, 50), (95, 50), (104, 50)])),
        make("site", "industrial_site", box(200, 0, 300, 100)),
        make("hall", "building", box(210, 10, 230, 30)),
    ]
    built = frame(objects)
    found = pairs_of(built, inside(built))
    assert ("grass", "forest") in found
    assert ("station", "forest") in found
    assert ("track", "forest") in found  # 90 of 99 m inside
    assert ("half", "forest") not in found  # half of it outside
    assert ("hall", "site") not in found  # composite: part_of instead
    assert pairs_of(built, part_of_within(built)) == {("hall", "site")}


def test_inside_requires_the_subject_to_be_smaller(make, frame, pairs_of):
    big = make("big", "forest", box(0, 0, 105, 100))
    small = make("small", "water_body", box(0, 0, 100, 100))
    built = frame([big, small])
    assert pairs_of(built, inside(built)) == {("small", "big")}


def test_adjacent_to_is_contact_without_real_overlap(make, frame, pairs_of, undirected):
    objects = [
        make("a", "building", box(0, 0, 10, 10)),
        make("b", "building", box(10, 0, 20, 10)),  # shares a wall
        make("c", "building", box(20.3, 0, 30, 10)),  # 0.3 m gap <= 0.5 m at 1:2,000
        make("d", "building", box(32, 0, 40, 10)),  # 2 m gap
        make("e", "parking_lot", box(35, 0, 45, 10)),  # overlaps d by 5 of 8 m
    ]
    built = frame(objects)
    assert undirected(pairs_of(built, adjacent_to(built))) == {
        frozenset({"a", "b"}),
        frozenset({"b", "c"}),
    }


def test_crosses_is_an_at_grade_crossing_of_two_lines(make, frame, pairs_of, undirected):
    objects = [
        make("main", "road", LineString([(0, 0), (20, 0), (100, 0)])),  # shared node at 20
        make("cross", "road", LineString([(50, -50), (50, 50)])),
        make("tunnel", "road", LineString([(70, -50), (70, 50)]), tunnel="yes"),
        make("side", "road", LineString([(20, 0), (20, 50)])),  # T-junction: ends on main
    ]
    built = frame(objects)
    assert undirected(pairs_of(built, crosses(built))) == {frozenset({"main", "cross"})}


def test_passing_over_follows_layers(make, frame, pairs_of):
    objects = [
        make("bridge", "bridge", LineString([(0, -20), (0, 20)]), bridge="yes"),
        make("brook", "stream", LineString([(-50, 0), (50, 0)])),
        make("approach", "road", LineString([(0, 20), (0, 80)])),  # meets the bridge end
        make("lane", "road", LineString([(30, 40), (30, 80)])),
        make("culvert", "stream", LineString([(10, 60), (50, 60)]), tunnel="culvert"),
        make("flat", "bridge", LineString([(-30, -20), (-30, 20)]), bridge="yes", layer="0"),
        make("meadow", "vegetation", box(-45, -5, -35, 5)),
        make("span", "bridge", LineString([(-40, -20), (-40, 20)]), bridge="yes"),
    ]
    built = frame(objects)
    found = pairs_of(built, passing_over(built))
    assert found == {("bridge", "brook"), ("lane", "culvert"), ("span", "brook")}
    # lane crosses the culvert line at x=30: road layer 0 over culvert layer -1


def test_passing_over_counts_model_polygons(make, frame, pairs_of):
    river = make("river", "river", box(-100, -10, 100, 10))
    deck = make("raster/deck", "bridge", box(-3, -15, 3, 15))  # no tags: a model object
    built = frame([river, deck])
    assert pairs_of(built, passing_over(built)) == {("raster/deck", "river")}


def test_passing_through_needs_both_ends_outside_and_enough_length(make, frame, pairs_of):
    objects = [
        make("wood", "forest", box(0, 0, 100, 100)),
        make("through", "road", LineString([(-10, 50), (110, 50)])),
        make("dead_end", "road", LineString([(-10, 20), (50, 20)])),
        make("corner", "road", LineString([(-10, 97), (4, 103)])),  # clips ~3 m of a corner
    ]
    built = frame(objects)
    assert pairs_of(built, passing_through(built)) == {("through", "wood")}


def test_around_needs_an_enclosed_hole_or_ring(make, frame, pairs_of):
    clearing = Polygon(
        [(0, 0), (200, 0), (200, 200), (0, 200)],
        holes=[[(50, 50), (150, 50), (150, 150), (50, 150)]],
    )
    ring = LineString([(300, 0), (400, 0), (400, 100), (300, 100), (300, 0.2)])
    objects = [
        make("wood", "forest", clearing),
        make("lake", "water_body", box(60, 60, 140, 140)),
        make("hut", "building", box(10, 10, 20, 20)),  # in the forest itself, not the hole
        make("ring", "road", ring),
        make("house", "building", box(340, 40, 360, 60)),
        make("pond", "water_body", box(500, 0, 520, 20)),
    ]
    built = frame(objects)
    assert pairs_of(built, around(built)) == {("wood", "lake"), ("ring", "house")}


def test_filled_outline_only_for_holes_and_closed_lines():
    assert filled_outline(box(0, 0, 1, 1), 0.5) is None
    assert filled_outline(LineString([(0, 0), (10, 0), (10, 10)]), 0.5) is None
    ring = filled_outline(LineString([(0, 0), (10, 0), (10, 10), (0, 10), (0, 0.1)]), 0.5)
    assert ring is not None and abs(ring.area - 100) < 1.0
