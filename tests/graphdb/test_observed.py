"""Observed classes: their stored form, the diff's class filter (pure geometry), and a diff
between a building-only map and an image that sees more, through the real graph."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pytest
from shapely.geometry import LineString, box

from graphdb.diff import ChangeKind, DiffThresholds
from graphdb.diff.compare import match_observed
from graphdb.errors import UnknownTerm
from graphdb.models import MapState, StateStatus
from graphdb.observed import decode, encode, observed_by_scale, observes, shared_classes
from graphdb.publish import publish_scene_graph
from graphdb.repository import Neo4jGraph
from ingest.ontology import SCALE_DENOMINATORS, classes_at
from ingest.records import MapObject, SceneGraph
from tests.graphdb.conftest import COVERAGE

MODEL_CLASSES = ("building", "road", "vegetation", "water_body", "bare_ground")
"""What the default imagery model predicts (its observed classes at 1:2,000)."""

W = 0.001  # one building is W x W degrees


def house(x: float, y: float = 47.15) -> box:
    return box(x, y, x + W, y + W)


def state(observed: dict[int, tuple[str, ...]] | None) -> MapState:
    return MapState(
        id="s1", name="s", area="a", as_of=date(2024, 1, 1), coverage=COVERAGE, source="test",
        status=StateStatus.COMMITTED, observed=observed,
    )  # fmt: skip


def classes(*names: str) -> np.ndarray:
    return np.array(names, dtype=object)


def boxes(*shapes: box) -> np.ndarray:
    return np.array(shapes, dtype=object)


def test_stored_form_is_a_queryable_list_in_ladder_and_ontology_order() -> None:
    observed = {10000: ("residential_block",), 2000: ("road", "building")}

    stored = encode(observed)

    assert stored == ["building@2000", "road@2000", "residential_block@10000"]
    assert decode(stored) == {2000: ("building", "road"), 10000: ("residential_block",)}
    assert decode([]) == {}
    assert decode(None) is None


@pytest.mark.parametrize(
    ("observed", "named"),
    [
        ({2000: ("settlement",)}, "settlement"),  # drawn at 1:50,000 only
        ({2000: ("castle",)}, "castle"),
        ({5000: ("building",)}, "5000"),
    ],
)
def test_stored_form_refuses_what_the_ontology_does_not_draw(
    observed: dict[int, tuple[str, ...]], named: str
) -> None:
    with pytest.raises(UnknownTerm, match=named):
        encode(observed)


def test_a_state_that_does_not_say_observes_everything() -> None:
    old = state(None)
    osm = state({2000: ("building",), 10000: ("residential_block",)})

    assert observes(old, 10000) == classes_at(10000)
    assert observed_by_scale(old) == {d: classes_at(d) for d in SCALE_DENOMINATORS}
    assert observes(osm, 50000) == ()
    assert observed_by_scale(osm) == {2000: ("building",), 10000: ("residential_block",)}
    assert shared_classes(old, osm, 2000) == ("building",)
    assert shared_classes(osm, state({2000: MODEL_CLASSES}), 10000) == ()


def test_objects_of_classes_one_side_cannot_see_are_not_reported() -> None:
    old = boxes(box(0, 0, 10, 10), box(20, 0, 30, 10), box(40, 0, 50, 10))
    new = boxes(box(0, 0, 10, 10), box(20, 0, 30, 10), box(60, 0, 70, 10), box(80, 0, 90, 10))
    old_classes = classes("building", "building", "building")
    new_classes = classes("building", "vegetation", "road", "building")
    thresholds = DiffThresholds()

    both = match_observed(old_classes, old, new_classes, new, ["building"], thresholds)

    # the first building is kept; the second is vegetation to a source that sees no vegetation
    # before: no call; the third is gone; the fourth is new; vegetation and road are not news.
    assert [(p.old, p.new) for p in both.pairs] == [(0, 0)]
    assert both.disappeared == [2]
    assert both.appeared == [3]

    everything = match_observed(
        old_classes, old, new_classes, new, ["building", "vegetation", "road"], thresholds
    )
    assert [(p.old, p.new) for p in everything.pairs] == [(0, 0), (1, 1)]
    assert everything.disappeared == [2]
    assert everything.appeared == [2, 3]


def test_shared_classes_pair_among_themselves_before_any_other_class() -> None:
    # the new building overlaps the old one by 9/11; vegetation covers it exactly (IoU 1).
    old = boxes(box(20, 0, 30, 10))
    new = boxes(box(21, 0, 31, 10), box(20, 0, 30, 10))

    found = match_observed(
        classes("building"), old, classes("building", "vegetation"), new, ["building"],
        DiffThresholds(),
    )  # fmt: skip

    assert [(p.old, p.new, round(p.iou, 3)) for p in found.pairs] == [(0, 0, round(9 / 11, 3))]
    assert found.disappeared == [] and found.appeared == []


def test_a_new_object_where_the_old_map_had_a_class_the_new_cannot_see_is_not_news() -> None:
    old = boxes(box(0, 0, 10, 10), box(40, 0, 50, 10))
    new = boxes(box(0, 0, 10, 10), box(40, 0, 50, 10), box(80, 0, 90, 10))

    found = match_observed(
        classes("building", "park"), old, classes("building", "building", "building"), new,
        ["building"], DiffThresholds(),
    )  # fmt: skip

    assert [(p.old, p.new) for p in found.pairs] == [(0, 0)]
    assert found.appeared == [2]
    assert found.disappeared == []


def test_commit_records_what_a_state_observes(repo: Neo4jGraph) -> None:
    observed = {2000: ("building",), 10000: ("residential_block",), 50000: ("settlement",)}
    repo.begin_state("osm", area="vaduz", as_of=date(2023, 1, 1), coverage=COVERAGE)
    repo.write("osm", [MapObject("b", "building", 2000, house(9.51))])

    committed = repo.commit("osm", observed=observed)

    assert committed.observed == observed
    assert repo.state("osm").observed == observed
    assert repo.states("vaduz")[0].observed == observed
    rows = repo.client.fetch(
        "MATCH (s:MapState) WHERE 'building@2000' IN s.observed RETURN s.name AS name", {}
    )
    assert [r["name"] for r in rows] == ["osm"]


def test_a_commit_with_classes_off_the_ontology_is_refused_and_nothing_changes(
    repo: Neo4jGraph, publish: Callable[..., MapState]
) -> None:
    publish("old", [MapObject("b", "building", 2000, house(9.51))])
    repo.begin_state("osm", area="vaduz", as_of=date(2024, 1, 1), coverage=COVERAGE)

    with pytest.raises(UnknownTerm, match="not drawn at 1:2000"):
        repo.commit("osm", observed={2000: ("building", "forest", "settlement")})

    assert repo.state("osm", include_private=True).status is StateStatus.UNCOMMITTED
    assert repo.state("old").observed is None  # committed without saying: sees everything


OSM_BUILDINGS = [
    MapObject("kept", "building", 2000, house(9.510)),
    MapObject("gone", "building", 2000, house(9.520)),
    MapObject("green", "building", 2000, house(9.530)),
]
"""A building-only map: one building stays, one is gone, one the model calls vegetation."""

IMAGE_OBJECTS = [
    MapObject("kept'", "building", 2000, house(9.510)),
    MapObject("green'", "vegetation", 2000, house(9.530)),
    MapObject("new", "building", 2000, house(9.540)),
    MapObject("park", "vegetation", 2000, box(9.55, 47.14, 9.57, 47.16)),
    MapObject("pond", "water_body", 2000, box(9.58, 47.14, 9.59, 47.15)),
    MapObject("street", "road", 2000, LineString([(9.50, 47.13), (9.59, 47.13)])),
]
"""The image of the same place a year later: more classes, and one new building."""


def test_a_building_map_and_an_image_are_compared_on_buildings_only(repo: Neo4jGraph) -> None:
    osm = SceneGraph(OSM_BUILDINGS, [], COVERAGE, observed={2000: ("building",)})
    image = SceneGraph(IMAGE_OBJECTS, [], COVERAGE, observed={2000: MODEL_CLASSES})
    publish_scene_graph(repo, osm, state="osm", area="vaduz", as_of=date(2023, 1, 1))

    published = publish_scene_graph(
        repo, image, state="image", area="vaduz", as_of=date(2024, 1, 1)
    )

    (diff,) = published.diffs
    id_of = {o.key: o.id for name in ("osm", "image") for o in repo.export(name)}
    assert diff.classes == ("building",)
    assert {(c.kind, c.old_id, c.new_id) for c in diff.objects} == {
        (ChangeKind.APPEARED, None, id_of["new"]),
        (ChangeKind.DISAPPEARED, id_of["gone"], None),
    }
    assert diff.unchanged == 1
    assert published.alerts == 2
    stored = {(a.kind, a.old_class, a.new_class) for a in repo.alerts("image")}
    assert stored == {
        (ChangeKind.APPEARED, None, "building"),
        (ChangeKind.DISAPPEARED, "building", None),
    }


def test_without_observed_classes_the_same_pair_reports_every_class(repo: Neo4jGraph) -> None:
    """The control: committed without saying what they observe, both states see everything."""
    osm = SceneGraph(OSM_BUILDINGS, [], COVERAGE)
    image = SceneGraph(IMAGE_OBJECTS, [], COVERAGE)
    publish_scene_graph(repo, osm, state="osm", area="vaduz", as_of=date(2023, 1, 1))
    publish_scene_graph(repo, image, state="image", area="vaduz", as_of=date(2024, 1, 1))

    diff = repo.diff("osm", "image", scale=2000)

    assert diff.classes == classes_at(2000)
    assert diff.counts()["reclassified"] == 1  # the green building
    assert diff.counts()["appeared"] == 4  # the new building, the park, the pond, the street
    assert diff.counts()["disappeared"] == 1


def test_the_first_release_diff_is_kept_for_the_baseline(repo: Neo4jGraph) -> None:
    """``naive`` compares every class of states that do say what they see."""
    osm = SceneGraph(OSM_BUILDINGS, [], COVERAGE, observed={2000: ("building",)})
    image = SceneGraph(IMAGE_OBJECTS, [], COVERAGE, observed={2000: MODEL_CLASSES})
    publish_scene_graph(repo, osm, state="osm", area="vaduz", as_of=date(2023, 1, 1))
    publish_scene_graph(repo, image, state="image", area="vaduz", as_of=date(2024, 1, 1))

    assert repo.diff("osm", "image", scale=2000).counts()["appeared"] == 1
    every = repo.diff("osm", "image", scale=2000, naive=True)
    assert every.classes == classes_at(2000)
    assert (every.counts()["appeared"], every.counts()["reclassified"]) == (4, 1)
