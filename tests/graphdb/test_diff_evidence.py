"""How pixel evidence changes what a diff reports (``graphdb.diff.evidence``).

The evidence here is a plain table (``Table``) that satisfies the protocol, so the rules of the
judging step are checked apart from any model: the model's evidence itself is tested in
``tests/model/change`` and end to end in ``tests/workers/test_worker_change.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from graphdb.diff import ChangeKind, ObjectChange, RelationChange
from graphdb.diff.evidence import judge, standing_relations

HOUSE, SHED, FIELD = box(0, 0, 1, 1), box(5, 5, 6, 6), box(10, 10, 20, 20)


@dataclass
class Table:
    """Evidence that says a fixed confidence per (kind, class), None for no change."""

    said: dict[tuple[str, str | None], float | None]
    proposed: list[tuple[str, BaseGeometry, float]] = field(default_factory=list)
    classes: frozenset[str] = frozenset({"building", "vegetation"})

    def confidence(
        self,
        kind: str,
        old_class: str | None,
        new_class: str | None,
        old_footprint: BaseGeometry | None,
        new_footprint: BaseGeometry | None,
    ) -> float | None:
        return self.said.get((kind, new_class or old_class))

    def proposals(self, class_id: str, min_area_m2: float) -> list[tuple[str, BaseGeometry, float]]:
        return self.proposed if class_id == "building" else []


def change(kind: ChangeKind, cls: str, where: BaseGeometry, object_id: str) -> ObjectChange:
    appeared = kind is ChangeKind.APPEARED
    return ObjectChange(
        kind, None if appeared else object_id, object_id if appeared else None,
        None if appeared else cls, cls if appeared else None, None, 0.5, 0.5,
        old_footprint=None if appeared else where, new_footprint=where if appeared else None,
    )  # fmt: skip


def judged(changes: list[ObjectChange], evidence: Table) -> list[ObjectChange]:
    new_ids = ["n-house", "n-shed"]
    return judge(
        changes, evidence, min_area_m2=10.0,
        new_classes=np.array(["building", "building"], dtype=object), new_ids=new_ids,
        new_footprints=np.array([HOUSE, SHED], dtype=object),
        old_classes=np.array([], dtype=object), old_ids=[],
        old_footprints=np.array([], dtype=object),
    )  # fmt: skip


def test_a_change_the_pixels_do_not_support_is_dropped_a_supported_one_gets_a_confidence() -> None:
    evidence = Table({("appeared", "building"): 0.8, ("disappeared", "building"): None})
    kept = judged(
        [
            change(ChangeKind.APPEARED, "building", HOUSE, "n-house"),
            change(ChangeKind.DISAPPEARED, "building", SHED, "o-shed"),
        ],
        evidence,
    )
    assert [(c.kind, c.confidence) for c in kept] == [(ChangeKind.APPEARED, 0.8)]


def test_a_class_the_evidence_cannot_read_keeps_its_change_unjudged() -> None:
    road = change(ChangeKind.APPEARED, "road", FIELD, "n-road")
    (kept,) = judged([road], Table({}))
    assert kept == road and kept.confidence is None


def test_a_proposal_replaces_the_smaller_object_change_it_covers_and_names_its_object() -> None:
    covering = box(-1, -1, 2, 2)
    evidence = Table({("appeared", "building"): 0.3}, [("appeared", covering, 0.6)])
    (kept,) = judged([change(ChangeKind.APPEARED, "building", HOUSE, "n-house")], evidence)
    assert kept.proposed and kept.confidence == 0.6 and kept.new_footprint == covering
    assert kept.new_id == "n-house", "named by the new object it overlaps"


def test_a_proposal_where_no_object_is_still_a_change() -> None:
    (kept,) = judged([], Table({}, [("appeared", FIELD, 0.7)]))
    assert kept.proposed and kept.new_id is None and kept.kind is ChangeKind.APPEARED


def test_relation_changes_stand_only_at_a_standing_change_of_a_thing() -> None:
    def relation(subject: str, obj: str) -> RelationChange:
        return RelationChange(ChangeKind.RELATION_APPEARED, "nearby", ("o-" + subject, subject),
                              ("o-" + obj, obj), "building", "road", 0.0, 0.0)  # fmt: skip

    moved_house = ObjectChange(ChangeKind.GEOMETRY_CHANGED, "o-a", "a", "building", "building",
                               0.4, 0.0, 0.0, confidence=0.9)  # fmt: skip
    moved_edge = ObjectChange(ChangeKind.GEOMETRY_CHANGED, "o-v", "v", "vegetation",
                              "vegetation", 0.4, 0.0, 0.0, confidence=0.9)  # fmt: skip
    proposal = ObjectChange(ChangeKind.APPEARED, None, "p", None, "building", None, 0.0, 0.0,
                            confidence=0.5, proposed=True)  # fmt: skip
    kept = standing_relations(
        [relation("a", "r"), relation("v", "r"), relation("p", "r"), relation("x", "r")],
        [moved_house, moved_edge, proposal],
    )
    assert [r.subject[1] for r in kept] == ["a"]


def test_doubt_lowers_severity_and_lists_keep_a_doubtful_building_before_a_vegetation_edge() -> (
    None
):
    from datetime import date

    from graphdb.diff import DiffThresholds, Severity, StateDiff
    from graphdb.models import MapState, StateStatus

    def appeared(cls: str, confidence: float | None, key: str) -> ObjectChange:
        return ObjectChange(ChangeKind.APPEARED, None, key, None, cls, None, 0.0, 0.0,
                            confidence=confidence, new_footprint=HOUSE)  # fmt: skip

    state = MapState("v1", "s", "a", date(2024, 1, 1), FIELD, "", StateStatus.COMMITTED)
    changes = [
        appeared("vegetation", 0.9, "veg"),
        appeared("building", 0.2, "doubtful"),
        appeared("bridge", 0.8, "sure"),
        appeared("building", None, "unjudged"),
    ]
    diff = StateDiff(state, state, 2000, DiffThresholds(), 0, changes, [], ("building",))
    alerts = {a.new_object_id: a for a in diff.alerts()}
    assert (
        alerts["sure"].severity is Severity.HIGH and alerts["unjudged"].severity is Severity.MEDIUM
    )
    assert alerts["doubtful"].severity is Severity.LOW, "one step down from MEDIUM"
    assert alerts["veg"].severity is Severity.LOW
    assert [a.new_object_id for a in diff.alerts()] == ["sure", "unjudged", "doubtful", "veg"]
    assert alerts["doubtful"].footprint is not None and "POLYGON" in alerts["doubtful"].footprint
