"""Reads on a hand-built town: triplets (inverse and symmetric names), hierarchy, bbox, pages.

The town, all in state "town" (scale: objects)::

    50000  S settlement (whole town)
    10000  B1 block (west)            B2 block (east)
     2000  b1, b2 buildings in B1     b3 building in B2
     2000  br1 bridge over river r1 (west), br2 bridge over river r2 (east, outside WEST)
           br3 bridge over road rd1; railway rl1 crosses road rd2 (stored rl1 -> rd2)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from shapely.geometry import LineString, box

from graphdb.errors import InvalidQuery, ObjectNotFound, StateNotFound
from graphdb.models import MapState
from graphdb.repository import Neo4jGraph
from ingest.records import MapObject, Relation

WEST = (9.50, 47.10, 9.55, 47.20)


def line(x0: float, y0: float, x1: float, y1: float) -> LineString:
    return LineString([(x0, y0), (x1, y1)])


TOWN = [
    MapObject("S", "settlement", 50000, box(9.505, 47.105, 9.595, 47.195), name="Vaduz"),
    MapObject("B1", "residential_block", 10000, box(9.52, 47.12, 9.53, 47.13)),
    MapObject("B2", "residential_block", 10000, box(9.54, 47.12, 9.55, 47.13)),
    MapObject("b1", "building", 2000, box(9.521, 47.121, 9.522, 47.122), name="Rathaus"),
    MapObject("b2", "building", 2000, box(9.525, 47.125, 9.526, 47.126)),
    MapObject("b3", "building", 2000, box(9.541, 47.121, 9.542, 47.122)),
    MapObject("r1", "river", 2000, line(9.51, 47.145, 9.52, 47.145), name="Rhein"),
    MapObject("br1", "bridge", 2000, line(9.515, 47.14, 9.515, 47.15), name="Alte Rheinbrücke"),
    MapObject("r2", "river", 2000, line(9.58, 47.145, 9.59, 47.145), name="Samina"),
    MapObject("br2", "bridge", 2000, line(9.585, 47.14, 9.585, 47.15)),
    MapObject("rd1", "road", 2000, line(9.56, 47.145, 9.57, 47.145)),
    MapObject("br3", "bridge", 2000, line(9.565, 47.14, 9.565, 47.15)),
    MapObject("rl1", "railway", 2000, line(9.55, 47.16, 9.57, 47.16)),
    MapObject("rd2", "road", 2000, line(9.56, 47.155, 9.56, 47.165)),
]
RELATIONS = [
    Relation("b1", "part_of", "B1", cross_scale=True),
    Relation("b2", "part_of", "B1", cross_scale=True),
    Relation("B2", "consists_of", "b3", cross_scale=True),
    Relation("B1", "part_of", "S", cross_scale=True),
    Relation("S", "consists_of", "B2", cross_scale=True),
    Relation("br1", "passing_over", "r1"),
    Relation("r2", "passing_under", "br2"),
    Relation("br3", "passing_over", "rd1"),
    Relation("rl1", "crosses", "rd2"),
]


@pytest.fixture
def town(publish: Callable[..., MapState]) -> MapState:
    return publish("town", TOWN, RELATIONS)


def keys(pairs: object) -> set[tuple[str, str]]:
    return {(t.subject.key, t.object.key) for t in pairs.items}  # type: ignore[attr-defined]


def test_bridges_over_rivers(repo: Neo4jGraph, town: MapState) -> None:
    everywhere = repo.triplets(
        "town", subject_class="bridge", predicate="passing_over", object_class="river"
    )
    west = repo.triplets(
        "town", subject_class="bridge", predicate="passing_over", object_class="river", bbox=WEST
    )
    anything = repo.triplets("town", subject_class="bridge", predicate="passing_over")
    any_subject_west = repo.triplets("town", predicate="passing_over", bbox=WEST)

    assert keys(everywhere) == {("br1", "r1"), ("br2", "r2")}
    assert keys(west) == {("br1", "r1")}
    assert keys(anything) == {("br1", "r1"), ("br2", "r2"), ("br3", "rd1")}
    assert keys(any_subject_west) == {("br1", "r1")}
    (triplet,) = west.items
    assert (triplet.predicate, triplet.origin, triplet.cross_scale) == (
        "passing_over",
        "rules",
        False,
    )


def test_inverse_names_read_the_edge_backwards(repo: Neo4jGraph, town: MapState) -> None:
    under = repo.triplets("town", subject_class="river", predicate="passing_under")
    wholes = repo.triplets("town", subject_class="residential_block", predicate="consists_of")

    assert keys(under) == {("r1", "br1"), ("r2", "br2")}
    assert {t.predicate for t in under.items} == {"passing_under"}
    assert keys(wholes) == {("B1", "b1"), ("B1", "b2"), ("B2", "b3")}
    assert all(t.cross_scale for t in wholes.items)


def test_symmetric_predicates_match_either_stored_direction(
    repo: Neo4jGraph, town: MapState
) -> None:
    assert keys(repo.triplets("town", subject_class="railway", predicate="crosses")) == {
        ("rl1", "rd2")
    }
    assert keys(repo.triplets("town", subject_class="road", predicate="crosses")) == {
        ("rd2", "rl1")
    }


def test_triplet_filters_and_pages(repo: Neo4jGraph, town: MapState) -> None:
    assert (
        repo.triplets("town", subject_class="bridge", predicate="passing_over", scale=10000).items
        == []
    )

    first = repo.triplets("town", subject_class="bridge", predicate="passing_over", limit=2)
    rest = repo.triplets(
        "town", subject_class="bridge", predicate="passing_over", limit=2, after=first.next_after
    )

    assert len(first.items) == 2 and first.next_after is not None
    assert len(rest.items) == 1 and rest.next_after is None
    assert keys(first) | keys(rest) == {("br1", "r1"), ("br2", "r2"), ("br3", "rd1")}


def test_hierarchy_up_and_down(repo: Neo4jGraph, town: MapState) -> None:
    by_key = {o.key: o.id for o in repo.export("town")}

    up = repo.ancestors(by_key["b1"])
    one_up = repo.ancestors(by_key["b1"], depth=1)
    down = repo.descendants(by_key["S"])

    assert [(h.object.key, h.depth, h.via) for h in up] == [
        ("B1", 1, by_key["b1"]),
        ("S", 2, by_key["B1"]),
    ]
    assert [h.object.key for h in one_up] == ["B1"]
    assert {(h.object.key, h.depth, h.via) for h in down} == {
        ("B1", 1, by_key["S"]),
        ("B2", 1, by_key["S"]),
        ("b1", 2, by_key["B1"]),
        ("b2", 2, by_key["B1"]),
        ("b3", 2, by_key["B2"]),
    }
    assert [h.depth for h in down] == [1, 1, 2, 2, 2]
    assert repo.descendants(by_key["b3"]) == []


def test_bbox_reads_agree_on_every_plan(repo: Neo4jGraph, town: MapState) -> None:
    around_b1 = (9.5205, 47.1205, 9.5215, 47.1215)
    every_class = sorted({o.cls for o in TOWN})
    centroids = repo.objects("town", bbox=around_b1)
    cells = repo.objects("town", bbox=around_b1, classes=every_class)
    fine = repo.objects("town", bbox=around_b1, scale=2000)

    # b1 itself, its block B1 and the settlement S (large: found through its extent).
    assert {o.key for o in centroids.items} == {"b1", "B1", "S"}
    assert [o.id for o in cells.items] == [o.id for o in centroids.items]
    assert [o.key for o in fine.items] == ["b1"]

    # a bbox of more than MAX_CELLS grid cells scans the classes instead; same answer.
    east_half = (9.535, 47.0, 9.9, 47.9)
    expected = {"B2", "b3", "r2", "br2", "rd1", "br3", "rl1", "rd2", "S"}
    assert {
        o.key for o in repo.objects("town", bbox=east_half, classes=every_class).items
    } == expected
    assert {o.key for o in repo.objects("town", bbox=east_half).items} == expected


def test_object_pages_follow_ids(repo: Neo4jGraph, town: MapState) -> None:
    first = repo.objects("town", classes=["building"], limit=2)
    second = repo.objects("town", classes=["building"], limit=2, after=first.next_after)

    ids = [o.id for o in first.items + second.items]
    assert ids == sorted(ids) and len(ids) == 3
    assert {o.key for o in first.items + second.items} == {"b1", "b2", "b3"}
    assert second.next_after is None


def test_name_search(repo: Neo4jGraph, town: MapState) -> None:
    assert [o.key for o in repo.search("town", "rhein")] == ["r1"]
    assert [o.key for o in repo.search("town", "Alte Rheinbrücke")][0] == "br1"
    assert [o.key for o in repo.search("town", "Rathaus (alt)")] == ["b1"]


def test_reads_refuse_what_cannot_be_answered(repo: Neo4jGraph, town: MapState) -> None:
    with pytest.raises(StateNotFound):
        repo.objects("no-such-state")
    with pytest.raises(ObjectNotFound):
        repo.ancestors("o-missing")
    with pytest.raises(InvalidQuery):
        repo.triplets("town", predicate="flies_over")
    with pytest.raises(InvalidQuery):
        repo.objects("town", bbox=(9.6, 47.1, 9.5, 47.2))
    with pytest.raises(InvalidQuery):
        repo.objects("town", classes=["castle"])
    with pytest.raises(InvalidQuery):
        repo.objects("town", limit=0)
    with pytest.raises(InvalidQuery):
        repo.descendants(next(iter(repo.export("town"))).id, depth=9)
