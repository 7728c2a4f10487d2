"""Change detection between two committed states of one area: the diff, and its alerts.

The diff reads both states' objects at one scale over the coverage they share (one indexed read
each), pairs them in memory (:mod:`graphdb.diff.compare`), and compares the stored relations
between paired objects. Symmetric predicates are compared as unordered pairs, since either
direction may be the stored one. Relations touching an object that appeared or disappeared are
not reported separately: the object's own change says it. Splits and merges of one footprint,
outline wobble and objects below the scale's minimum mapping unit are not changes
(:mod:`graphdb.diff.settle`).

With an evidence source (``graphdb.diff.evidence``) and an image behind the new state, the
pixels judge the object changes and propose those the objects missed; relation changes stand
only at objects whose change stands.

Only the classes both states observe at that scale are compared
(:func:`graphdb.observed.shared_classes`; a state that does not say observes everything). An
object of a class the other state cannot see is never reported: for a source blind to it, it
neither appeared nor disappeared. Nor is an object whose place the other state gives to such a
class: a reclassification into a class one side does not know is no alert either.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np
import shapely
from neo4j import ManagedTransaction
from shapely.geometry.base import BaseGeometry

from graphdb import queries
from graphdb.client import GraphClient
from graphdb.diff.changes import (
    Alert,
    ChangeKind,
    ObjectChange,
    RelationChange,
    Severity,
    StateDiff,
    to_alert,
)
from graphdb.diff.compare import DiffThresholds, Matching, match_observed
from graphdb.diff.compare import footprints as make_footprints
from graphdb.diff.evidence import ChangeEvidence, EvidenceSource, judge, standing_relations
from graphdb.diff.settle import settle
from graphdb.errors import AreaMismatch, InvalidQuery
from graphdb.geometry import GeometryArray, project, utm_epsg
from graphdb.models import MapState
from graphdb.observed import observes, shared_classes
from graphdb.rasters import RasterRegistry
from graphdb.states import StateStore
from ingest.ontology import get_predicate, get_scale

RelationKey = tuple[str, str, str]

_Window = tuple[int, BaseGeometry, Sequence[str]]
"""``(scale, common coverage, classes compared)`` of one diff."""


@dataclass(frozen=True, slots=True)
class _Side:
    """One state's objects at the diff scale that reach into the common coverage."""

    ids: list[str]
    classes: np.ndarray
    footprints: GeometryArray
    wgs84: GeometryArray
    scale: int
    lonlat: np.ndarray


class ChangeDetector:
    """Diffs committed states and keeps their alerts as ``(:Alert)`` nodes."""

    def __init__(self, client: GraphClient, states: StateStore, *, alert_batch: int = 2_000):
        self._client = client
        self._states = states
        self._alert_batch = alert_batch

    def diff(
        self,
        old: str,
        new: str,
        *,
        scale: int,
        thresholds: DiffThresholds | None = None,
        naive: bool = False,
        evidence: EvidenceSource | None = None,
    ) -> StateDiff:
        """Changes from state ``old`` to state ``new`` at ``scale``; reads only, writes nothing.

        ``naive`` is the first release's diff, kept as the baseline ``bench.change`` measures:
        every class of both states (as if neither said what it observes), instance by instance,
        nothing settled, no evidence. ``evidence`` judges changes by the states' pixels
        (``graphdb.diff.evidence``) when the new state has an image.
        """
        thresholds = thresholds or DiffThresholds()
        before, after = self._states.get(old), self._states.get(new)
        if naive:
            before, after = replace(before, observed=None), replace(after, observed=None)
        if before.area != after.area:
            raise AreaMismatch(
                f"states {old!r} ({before.area}) and {new!r} ({after.area}) map different "
                "areas; only states of one area can be diffed"
            )
        if before.id == after.id:
            raise InvalidQuery(f"a diff needs two different states, got {old!r} twice")
        try:
            get_scale(scale)
        except ValueError as exc:
            raise InvalidQuery(str(exc)) from exc
        shared = shared_classes(before, after, scale)
        common = shapely.intersection(before.coverage, after.coverage)
        empty = StateDiff(before, after, scale, thresholds, 0, [], [], shared)
        if not shared or shapely.is_empty(common) or shapely.area(common) == 0:
            return empty
        centre = shapely.centroid(common)
        epsg = utm_epsg(centre.x, centre.y)
        common_m = project(np.array([common], dtype=object), epsg)[0]
        tolerance = thresholds.tolerance_m(scale)
        a = self._side(before, scale, common, common_m, epsg, tolerance)
        b = self._side(after, scale, common, common_m, epsg, tolerance)
        matching = match_observed(
            a.classes, a.footprints, b.classes, b.footprints, shared, thresholds
        )
        if not naive:
            matching = settle(
                matching, a.classes, a.footprints, b.classes, b.footprints, thresholds, scale
            )
        changes, unchanged = _object_changes(a, b, matching, thresholds)
        new_of = {a.ids[p.old]: b.ids[p.new] for p in matching.pairs}
        window = (scale, common, shared)
        relations = self._relation_changes(before, after, window, a, b, new_of)
        pixels = None if naive or evidence is None else self._evidence(evidence, before, after, a)
        if pixels is not None:
            changes = judge(
                changes, pixels, min_area_m2=get_scale(scale).min_area_m2,
                new_classes=b.classes, new_ids=b.ids, new_footprints=b.wgs84,
                old_classes=a.classes, old_ids=a.ids, old_footprints=a.wgs84,
            )  # fmt: skip
            relations = standing_relations(relations, changes)
        return StateDiff(before, after, scale, thresholds, unchanged, changes, relations, shared)

    def _evidence(
        self, source: EvidenceSource, before: MapState, after: MapState, a: _Side
    ) -> ChangeEvidence | None:
        """The pixel evidence between the states, from their registered images; None when the
        new state has none."""
        registry = RasterRegistry(self._client)
        images = [
            [(r.record.sha256, r.record.uri) for r in registry.of_state(state.id)]
            for state in (before, after)
        ]
        old_objects: dict[str, list[BaseGeometry]] = {}
        for cls, outline in zip(a.classes, a.wgs84, strict=True):
            old_objects.setdefault(str(cls), []).append(outline)
        return source.between(images[0], images[1], a.scale, old_objects)

    def record(self, diff: StateDiff) -> list[Alert]:
        """Store the diff's alerts (MERGE on deterministic ids: recording twice is a no-op), and
        carry over the decisions made on the same changes into the version ``diff.new``
        replaced (``alerts_carry_decisions.cypher``)."""
        alerts = diff.alerts()
        rows = [_alert_row(a) for a in alerts]
        for start in range(0, len(rows), self._alert_batch):
            params = {
                "old_state_id": diff.old.id,
                "new_state_id": diff.new.id,
                "rows": rows[start : start + self._alert_batch],
            }
            self._client.write(_run_query("alerts_merge", params))
        carry = {"old_state_id": diff.old.id, "new_state_id": diff.new.id}
        self._client.write(_run_query("alerts_carry_decisions", carry))
        return alerts

    def alerts(
        self, state: str, *, min_severity: Severity = Severity.LOW, limit: int = 10_000
    ) -> list[Alert]:
        """Stored alerts of diffs into ``state`` (as the newer side), most severe first."""
        params = {
            "state_id": self._states.get(state).id,
            "min_rank": int(min_severity),
            "limit": limit,
        }
        return [to_alert(r) for r in self._client.fetch(queries.load("alerts_of_state"), params)]

    def _side(
        self,
        state: MapState,
        scale: int,
        common: BaseGeometry,
        common_m: BaseGeometry,
        epsg: int,
        tolerance_m: float,
    ) -> _Side:
        window = _window(state, scale, common, observes(state, scale))
        (found,) = self._client.fetch(queries.load("diff_objects"), window)
        wgs84 = shapely.from_wkb(np.array(found["geometries"], dtype=object))
        prints, kept = make_footprints(project(wgs84, epsg), common_m, tolerance_m)
        centres = shapely.centroid(wgs84[kept])
        return _Side(
            ids=[found["ids"][i] for i in kept],
            classes=np.array(found["classes"], dtype=object)[kept],
            footprints=prints,
            wgs84=wgs84[kept],
            scale=scale,
            lonlat=np.column_stack([shapely.get_x(centres), shapely.get_y(centres)]),
        )

    def _relation_changes(
        self,
        before: MapState,
        after: MapState,
        window: _Window,
        a: _Side,
        b: _Side,
        new_of: dict[str, str],
    ) -> list[RelationChange]:
        old_of = {n: o for o, n in new_of.items()}
        old_rels = {
            _normalise(new_of[s], t, new_of[o])
            for s, t, o in self._relations(before, *window)
            if s in new_of and o in new_of
        }
        new_rels = {
            _normalise(s, t, o)
            for s, t, o in self._relations(after, *window)
            if s in old_of and o in old_of
        }
        index = {nid: i for i, nid in enumerate(b.ids)}
        result = []
        for kind, found in (
            (ChangeKind.RELATION_APPEARED, new_rels - old_rels),
            (ChangeKind.RELATION_VANISHED, old_rels - new_rels),
        ):
            for s, t, o in sorted(found):
                i, j = index[s], index[o]
                result.append(
                    RelationChange(
                        kind=kind,
                        predicate=t.lower(),
                        subject=(old_of[s], s),
                        object=(old_of[o], o),
                        subject_class=str(b.classes[i]),
                        object_class=str(b.classes[j]),
                        lon=float(b.lonlat[i, 0]),
                        lat=float(b.lonlat[i, 1]),
                    )
                )
        return result

    def _relations(
        self, state: MapState, scale: int, common: BaseGeometry, classes: Sequence[str]
    ) -> list[RelationKey]:
        """A state's relations at ``scale`` from subjects of ``classes`` reaching into
        ``common``, as ``(subject id, type, object id)``."""
        params = _window(state, scale, common, classes)
        (found,) = self._client.fetch(queries.load("diff_relations"), params)
        return list(zip(found["subjects"], found["types"], found["objects"], strict=True))


def _run_query(name: str, params: dict[str, Any]) -> Callable[[ManagedTransaction], None]:
    """A unit of work running one write query to the end (bound now, not at call time)."""

    def work(tx: ManagedTransaction) -> None:
        tx.run(queries.load(name), params).consume()

    return work


def _window(
    state: MapState, scale: int, common: BaseGeometry, classes: Sequence[str]
) -> dict[str, Any]:
    """Parameters selecting a state's objects of ``classes`` at ``scale`` whose bbox meets
    ``common``'s."""
    west, south, east, north = (float(v) for v in shapely.bounds(common))
    return {
        "state_id": state.id,
        "classes": list(classes),
        "scale": scale,
        "west": west,
        "south": south,
        "east": east,
        "north": north,
    }


def _object_changes(
    a: _Side, b: _Side, matching: Matching, thresholds: DiffThresholds
) -> tuple[list[ObjectChange], int]:
    changes: list[ObjectChange] = []
    unchanged = 0
    for p in matching.pairs:
        old_cls, new_cls = str(a.classes[p.old]), str(b.classes[p.new])
        if old_cls != new_cls:
            kind = ChangeKind.RECLASSIFIED
        elif p.iou < thresholds.match_iou and (p.old, p.new) not in matching.steady:
            kind = ChangeKind.GEOMETRY_CHANGED
        else:
            unchanged += 1
            continue
        lon, lat = (float(v) for v in b.lonlat[p.new])
        changes.append(
            ObjectChange(
                kind,
                a.ids[p.old],
                b.ids[p.new],
                old_cls,
                new_cls,
                p.iou,
                lon,
                lat,
                old_footprint=a.wgs84[p.old],
                new_footprint=b.wgs84[p.new],
            )  # fmt: skip
        )
    for i in matching.disappeared:
        lon, lat = (float(v) for v in a.lonlat[i])
        changes.append(
            ObjectChange(
                ChangeKind.DISAPPEARED,
                a.ids[i],
                None,
                str(a.classes[i]),
                None,
                None,
                lon,
                lat,
                old_footprint=a.wgs84[i],
            )  # fmt: skip
        )
    for j in matching.appeared:
        lon, lat = (float(v) for v in b.lonlat[j])
        changes.append(
            ObjectChange(
                ChangeKind.APPEARED,
                None,
                b.ids[j],
                None,
                str(b.classes[j]),
                None,
                lon,
                lat,
                new_footprint=b.wgs84[j],
            )  # fmt: skip
        )
    return changes, unchanged


def _normalise(subject: str, rel_type: str, obj: str) -> RelationKey:
    """Symmetric relations as an ordered pair, so the stored direction does not matter."""
    if _symmetric(rel_type) and obj < subject:
        return obj, rel_type, subject
    return subject, rel_type, obj


@cache
def _symmetric(rel_type: str) -> bool:
    return get_predicate(rel_type.lower()).symmetric


def _alert_row(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "lon": alert.lon,
        "lat": alert.lat,
        "props": {
            "kind": alert.kind.value,
            "severity": alert.severity.name,
            "severity_rank": int(alert.severity),
            "scale": alert.scale,
            "message": alert.message,
            "old_object_id": alert.old_object_id,
            "new_object_id": alert.new_object_id,
            "old_class": alert.old_class,
            "new_class": alert.new_class,
            "predicate": alert.predicate,
            "iou": alert.iou,
            "confidence": alert.confidence,
            "footprint": alert.footprint,
            "class_severity": None if alert.class_severity is None else alert.class_severity.name,
            "class_rank": int(alert.class_severity or alert.severity),
        },
    }
