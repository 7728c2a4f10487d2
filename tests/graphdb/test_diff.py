"""Diffs of hand-built states with known changes, and the pairing underneath (pure geometry)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pytest
from shapely.geometry import LineString, box

from graphdb.diff import ChangeKind, DiffThresholds, Severity
from graphdb.diff.compare import footprints, pair_objects
from graphdb.errors import AreaMismatch, StateNotFound
from graphdb.models import MapState
from graphdb.repository import Neo4jGraph
from ingest.records import MapObject, Relation

W = 0.001  # one building is W x W degrees


def house(x: float, y: float = 47.15) -> box:
    return box(x, y, x + W, y + W)


def test_pairing_takes_the_best_overlap_once() -> None:
    old = np.array([box(0, 0, 10, 10), box(20, 0, 30, 10), box(40, 0, 50, 10)], dtype=object)
    new = np.array([box(0, 0, 10, 10), box(25, 0, 35, 10), box(40, 0, 50, 10)], dtype=object)
    classes_old = np.array(["building", "building", "building"], dtype=object)
    classes_new = np.array(["building", "building", "cemetery"], dtype=object)

    pairs = pair_objects(classes_old, old, classes_new, new, DiffThresholds())

    # identical; same footprint, other class (IoU 1); shifted by half (IoU 5/15).
    assert [(p.old, p.new) for p in pairs] == [(0, 0), (2, 2), (1, 1)]
    assert [p.iou for p in pairs] == pytest.approx([1.0, 1.0, 1 / 3])


def test_pairing_ignores_weak_overlaps_and_other_classes_below_the_match() -> None:
    old = np.array([box(0, 0, 10, 10), box(20, 0, 30, 10)], dtype=object)
    new = np.array([box(8, 0, 18, 10), box(25, 0, 35, 10)], dtype=object)
    classes_old = np.array(["building", "building"], dtype=object)
    classes_new = np.array(["building", "park"], dtype=object)
    # IoU 2/18 (too weak) and 1/3 with another class (below match_iou): no pairs.
    assert pair_objects(classes_old, old, classes_new, new, DiffThresholds()) == []


def test_footprints_clip_to_the_common_coverage_and_buffer_lines() -> None:
    common = box(0, 0, 100, 100)
    metric = np.array(
        [box(90, 0, 110, 10), box(200, 0, 210, 10), LineString([(10, 50), (30, 50)])],
        dtype=object,
    )
    prints, kept = footprints(metric, common, tolerance_m=5.0)

    assert list(kept) == [0, 2]
    assert prints[0].equals(box(90, 0, 100, 10))
    assert prints[1].area == pytest.approx(20 * 10 + np.pi * 25, rel=0.01)


OLD = [
    MapObject("keep", "building", 2000, house(9.510)),
    MapObject("gone", "building", 2000, house(9.520)),
    MapObject("swap", "building", 2000, house(9.530)),
    MapObject("move", "building", 2000, house(9.540)),
    MapObject("k2", "building", 2000, house(9.5105, 47.152)),
    MapObject("road1", "road", 2000, LineString([(9.51, 47.16), (9.53, 47.16)])),
    MapObject("road2", "road", 2000, LineString([(9.52, 47.155), (9.52, 47.165)])),
    MapObject("far", "building", 2000, house(9.590)),
    MapObject("block", "residential_block", 10000, box(9.50, 47.14, 9.56, 47.17)),
]
OLD_RELATIONS = [
    Relation("road1", "crosses", "road2"),
    Relation("keep", "nearby", "k2"),
]
NEW = [
    MapObject("keep'", "building", 2000, house(9.510)),
    MapObject("swap'", "parking_lot", 2000, house(9.530)),
    MapObject("move'", "building", 2000, house(9.540 + W / 2)),
    MapObject("k2'", "building", 2000, house(9.5105, 47.152)),
    MapObject("road1'", "road", 2000, LineString([(9.51, 47.16), (9.53, 47.16)])),
    MapObject("road2'", "road", 2000, LineString([(9.52, 47.155), (9.52, 47.165)])),
    MapObject("bridge", "bridge", 2000, LineString([(9.55, 47.14), (9.55, 47.15)])),
    MapObject("block'", "residential_block", 10000, box(9.50, 47.14, 9.56, 47.17)),
]
NEW_RELATIONS = [
    Relation("k2'", "nearby", "keep'"),  # the same symmetric relation, stored the other way
    Relation("keep'", "adjacent_to", "swap'"),  # between paired objects: appeared
    Relation("bridge", "passing_over", "road1'"),  # at an appeared object: not separate
]


@pytest.fixture
def history(publish: Callable[..., MapState]) -> tuple[MapState, MapState]:
    old = publish("2023", OLD, OLD_RELATIONS, as_of=date(2023, 1, 1))
    # the new state does not cover "far" (lon 9.590): it is neither kept nor gone.
    new = publish(
        "2024", NEW, NEW_RELATIONS, as_of=date(2024, 1, 1), coverage=box(9.50, 47.10, 9.58, 47.20)
    )
    return old, new


def test_a_diff_finds_the_known_changes(
    repo: Neo4jGraph, history: tuple[MapState, MapState]
) -> None:
    diff = repo.diff("2023", "2024", scale=2000)
    id_of = {o.key: o.id for state in ("2023", "2024") for o in repo.export(state)}

    assert diff.counts() == {
        "appeared": 1,
        "disappeared": 1,
        "reclassified": 1,
        "geometry_changed": 1,
        "relation_appeared": 1,
        "relation_vanished": 1,
        "unchanged": 4,
    }
    found = {(c.kind, c.old_id, c.new_id) for c in diff.objects}
    assert found == {
        (ChangeKind.APPEARED, None, id_of["bridge"]),
        (ChangeKind.DISAPPEARED, id_of["gone"], None),
        (ChangeKind.RECLASSIFIED, id_of["swap"], id_of["swap'"]),
        (ChangeKind.GEOMETRY_CHANGED, id_of["move"], id_of["move'"]),
    }
    moved = next(c for c in diff.objects if c.kind is ChangeKind.GEOMETRY_CHANGED)
    assert moved.iou == pytest.approx(1 / 3, abs=0.01)
    # both predicates are symmetric: the pair is unordered.
    relations = {
        (r.kind, r.predicate, frozenset((r.subject[1], r.object[1]))) for r in diff.relations
    }
    assert relations == {
        (ChangeKind.RELATION_APPEARED, "adjacent_to", frozenset((id_of["keep'"], id_of["swap'"]))),
        (ChangeKind.RELATION_VANISHED, "crosses", frozenset((id_of["road1'"], id_of["road2'"]))),
    }
    coarse = repo.diff("2023", "2024", scale=10000)
    assert coarse.objects == [] and coarse.relations == [] and coarse.unchanged == 1


def test_alerts_have_the_documented_severities_and_are_stored_once(
    repo: Neo4jGraph, history: tuple[MapState, MapState], count: Callable[..., int]
) -> None:
    diff = repo.diff("2023", "2024", scale=2000)
    made = repo.record_alerts(diff)
    repo.record_alerts(diff)

    severity = {a.kind: a.severity for a in made}
    assert severity == {
        ChangeKind.APPEARED: Severity.HIGH,  # a bridge: critical class
        ChangeKind.RECLASSIFIED: Severity.HIGH,
        ChangeKind.DISAPPEARED: Severity.MEDIUM,
        ChangeKind.GEOMETRY_CHANGED: Severity.MEDIUM,  # IoU 1/3 < (0.2 + 0.5) / 2
        ChangeKind.RELATION_APPEARED: Severity.LOW,
        ChangeKind.RELATION_VANISHED: Severity.LOW,
    }
    assert count("MATCH (a:Alert) RETURN count(a) AS n") == 6
    assert (
        count(
            "MATCH (:MapState {name: '2023'})<-[:FROM_STATE]-(a:Alert)-[:TO_STATE]->"
            "(:MapState {name: '2024'}) RETURN count(a) AS n"
        )
        == 6
    )
    stored = repo.alerts("2024")
    assert [a.id for a in stored] == [a.id for a in made]
    assert [a.kind for a in repo.alerts("2024", min_severity=Severity.HIGH)] == sorted(
        [ChangeKind.APPEARED, ChangeKind.RECLASSIFIED]
    )


def test_only_committed_states_of_one_area_are_diffed(
    repo: Neo4jGraph, publish: Callable[..., MapState], history: tuple[MapState, MapState]
) -> None:
    publish("schaan-2024", NEW, area="schaan")
    repo.begin_state(
        "2025", area="vaduz", as_of=date(2025, 1, 1), coverage=box(9.5, 47.1, 9.6, 47.2)
    )

    with pytest.raises(AreaMismatch):
        repo.diff("2023", "schaan-2024", scale=2000)
    with pytest.raises(StateNotFound):
        repo.diff("2024", "2025", scale=2000)
