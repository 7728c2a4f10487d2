"""Distance rules on small hand-built scenes (metres, UTM 32N; 1:2,000 thresholds:
contact 0.5 m, nearby 20 m, distant 200 m)."""

from __future__ import annotations

from shapely.geometry import LineString, box

from ingest.ontology import get_scale
from ingest.relations.proximity import along, distant, nearby, on_bank_of


def test_nearby_is_beyond_contact_and_within_nearby_m(make, frame, pairs_of, undirected):
    objects = [
        make("a", "building", box(0, 0, 10, 10)),
        make("b", "building", box(20, 0, 30, 10)),  # 10 m from a
        make("c", "building", box(30.2, 0, 40, 10)),  # 0.2 m from b: contact
        make("d", "building", box(70, 0, 80, 10)),  # 30 m from c
    ]
    built = frame(objects)
    assert undirected(pairs_of(built, nearby(built))) == {frozenset({"a", "b"})}


def test_distant_links_an_object_to_the_nearest_of_each_other_class(
    make, frame, pairs_of, undirected
):
    scale = get_scale(2000)
    objects = [
        make("house", "building", box(0, 0, 10, 10)),
        make("shed", "building", box(0, 100, 5, 110)),  # same class: never distant
        make("near_river", "river", LineString([(110, -100), (110, 300)])),  # 100 / 105 m
        make("far_river", "river", LineString([(160, -100), (160, 300)])),  # 150 / 155 m
        make("lake", "water_body", box(400, 0, 450, 50)),  # > distant_m from all
    ]
    built = frame(objects)
    assert undirected(pairs_of(built, distant(built))) == {
        frozenset({"house", "near_river"}),  # the house's nearest river
        frozenset({"shed", "near_river"}),  # the shed's nearest river
        frozenset({"far_river", "house"}),  # the far river's nearest building
    }
    assert scale.nearby_m < 100 and scale.distant_m >= 155


def test_distant_is_silent_when_the_nearest_of_the_class_is_nearby(
    make, frame, pairs_of, undirected
):
    objects = [
        make("house", "building", box(0, 0, 10, 10)),
        make("close", "road", LineString([(15, -50), (15, 50)])),  # 5 m from the house
        make("other", "road", LineString([(100, -50), (100, 50)])),  # 90 m from the house
        make("barn", "building", box(105, 0, 110, 5)),  # 5 m from the other road
    ]
    built = frame(objects)
    # every object's nearest of each other class is within 20 m: nothing is distant,
    # although house-other and barn-close are 90 m apart
    assert pairs_of(built, distant(built)) == set()


def test_along_needs_parallel_and_close_for_half_the_length(make, frame, pairs_of):
    objects = [
        make("brook", "stream", LineString([(0, 0), (200, 0)])),
        make("lane", "road", LineString([(0, 10), (200, 10)])),  # parallel, 10 m off
        make("cut", "road", LineString([(100, -100), (100, 100)])),  # perpendicular
        make("short", "road", LineString([(150, 15), (200, 15), (200, 115)])),  # 50 of 150 m
        make("wood", "forest", box(0, 25, 200, 300)),  # edge along lane at 15 m
    ]
    built = frame(objects)
    found = pairs_of(built, along(built))
    assert ("lane", "brook") in found
    assert ("brook", "lane") in found
    assert ("lane", "wood") in found
    assert ("cut", "brook") not in found
    assert ("short", "brook") not in found


def test_on_bank_of_is_by_water_without_entering_it(make, frame, pairs_of):
    objects = [
        make("river", "river", LineString([(0, 0), (200, 0)])),
        make("lake", "water_body", box(300, 0, 400, 100)),
        make("house", "building", box(10, 5, 20, 15)),  # 5 m from the river
        make("mill", "building", box(30, -5, 40, 5)),  # straddles the river
        make("barn", "building", box(60, 30, 70, 40)),  # 30 m away
        make("boathouse", "building", box(290, 10, 300, 20)),  # touches the lake's shore
        make("raft", "building", box(340, 40, 350, 50)),  # in the lake
        make("brook", "stream", LineString([(100, 5), (100, 50)])),  # water by water
    ]
    built = frame(objects)
    assert pairs_of(built, on_bank_of(built)) == {("house", "river"), ("boathouse", "lake")}
