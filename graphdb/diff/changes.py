"""What a diff found, how bad each finding is, and the alert records made from it.

Severity rule (also in ``graphdb/README.md``):

- ``LOW`` for any change of land cover alone (``ingest.ontology.LAND_COVER_CLASSES``: a
  reclassification from one such class to another, or one that appeared, disappeared or
  changed shape): a vegetation edge moving is no news for a map editor, whatever the rules
  below say.
- ``HIGH``: an object was reclassified; or an object of a critical class (transport and water
  infrastructure a map user navigates by: ``CRITICAL_CLASSES``) appeared or disappeared.
- ``MEDIUM``: any other object appeared or disappeared; a geometry change with IoU below the
  midpoint of ``change_iou`` and ``match_iou`` (a large change); a relation that appeared or
  vanished at a critical-class object.
- ``LOW``: a smaller geometry change; any other relation that appeared or vanished.

Confidence lowers it: an object change whose pixel evidence (``graphdb.diff.evidence``) gives it
a confidence below ``CONFIDENT`` is one step less severe (never below ``LOW``). A change the
evidence did not judge (no image, a class the model does not read) has no confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from graphdb import ids
from graphdb.diff.compare import DiffThresholds
from graphdb.models import MapState
from ingest.ontology import LAND_COVER_CLASSES

CONFIDENT = 0.5
"""Below this confidence an object change is one severity step lower."""

CRITICAL_CLASSES = frozenset(
    {"bridge", "dam", "tunnel_portal", "runway", "railway", "railway_station", "motorway",
     "airport", "port"}
)  # fmt: skip


class Severity(IntEnum):
    """Alert severity; ordered, so alerts sort and filter by it."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


class ChangeKind(StrEnum):
    """The kinds of change a diff reports."""

    APPEARED = "appeared"
    DISAPPEARED = "disappeared"
    RECLASSIFIED = "reclassified"
    GEOMETRY_CHANGED = "geometry_changed"
    RELATION_APPEARED = "relation_appeared"
    RELATION_VANISHED = "relation_vanished"


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """An object that appeared, disappeared, changed class or changed geometry.

    ``old_id``/``new_id`` are None on the side where the object does not exist; ``lon``/``lat``
    (WGS84) locate it, on the new side when it has one; ``old_footprint``/``new_footprint`` are
    the WGS84 outlines on each side. ``confidence`` is the pixel evidence's (None: not judged);
    ``proposed`` marks a change the evidence found where the objects showed none (its ids, if
    any, name the object of its class it overlaps most).
    """

    kind: ChangeKind
    old_id: str | None
    new_id: str | None
    old_class: str | None
    new_class: str | None
    iou: float | None
    lon: float
    lat: float
    confidence: float | None = None
    old_footprint: BaseGeometry | None = None
    new_footprint: BaseGeometry | None = None
    proposed: bool = False

    @property
    def footprint(self) -> BaseGeometry | None:
        """The outline an editor looks at: the new one, the old one when it is gone."""
        return self.new_footprint if self.new_footprint is not None else self.old_footprint


@dataclass(frozen=True, slots=True)
class RelationChange:
    """A stored relation between two paired objects that exists in one state only.

    ``subject``/``object`` are ``(old id, new id)`` of the paired objects; ``predicate`` is the
    stored predicate id.
    """

    kind: ChangeKind
    predicate: str
    subject: tuple[str, str]
    object: tuple[str, str]
    subject_class: str
    object_class: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class Alert:
    """One change a map editor can act on, as stored in an ``(:Alert)`` node."""

    id: str
    kind: ChangeKind
    severity: Severity
    old_state: str
    new_state: str
    scale: int
    message: str
    lon: float
    lat: float
    old_object_id: str | None = None
    new_object_id: str | None = None
    old_class: str | None = None
    new_class: str | None = None
    predicate: str | None = None
    iou: float | None = None
    old_state_id: str = ""
    new_state_id: str = ""
    """The version ids of the two states (a name may point to a newer version by now)."""
    confidence: float | None = None
    """The pixel evidence's calibrated confidence that the change is real (None: not judged)."""
    footprint: str | None = None
    """The WGS84 outline of the changed object (WKT), where the change has one."""
    class_severity: Severity | None = None
    """The severity the class rule alone gives (before confidence): lists order alerts of one
    severity by it, so a doubtful new building still comes before a doubtful vegetation edge."""


@dataclass(frozen=True, slots=True)
class StateDiff:
    """The changes from ``old`` to ``new`` at one scale, over their common coverage, among
    ``classes``: those both states observe there, the only ones compared."""

    old: MapState
    new: MapState
    scale: int
    thresholds: DiffThresholds
    unchanged: int
    objects: list[ObjectChange]
    relations: list[RelationChange]
    classes: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        """How many of each change kind (and ``unchanged`` pairs)."""
        result = {kind.value: 0 for kind in ChangeKind}
        for kind in [c.kind for c in self.objects] + [c.kind for c in self.relations]:
            result[kind.value] += 1
        return result | {"unchanged": self.unchanged}

    def alerts(self) -> list[Alert]:
        """One alert per change: most severe first, then by the class rule's severity, then
        the most confident."""
        made = [self._object_alert(c) for c in self.objects]
        made += [self._relation_alert(c) for c in self.relations]
        return sorted(made, key=alert_order)

    def _object_alert(self, change: ObjectChange) -> Alert:
        subjects: tuple[str, ...] = (change.old_id or "", change.new_id or "")
        if change.proposed:
            subjects += (f"at:{change.lon:.7f},{change.lat:.7f}",)
        outline = change.footprint
        return Alert(
            id=ids.alert_id(self.old.id, self.new.id, self.scale, change.kind, *subjects),
            kind=change.kind,
            severity=object_severity(change, self.thresholds),
            class_severity=_class_severity(change, self.thresholds),
            old_state=self.old.name,
            new_state=self.new.name,
            old_state_id=self.old.id,
            new_state_id=self.new.id,
            scale=self.scale,
            message=_object_message(change),
            lon=change.lon,
            lat=change.lat,
            old_object_id=change.old_id,
            new_object_id=change.new_id,
            old_class=change.old_class,
            new_class=change.new_class,
            iou=change.iou,
            confidence=change.confidence,
            footprint=None if outline is None else shapely.to_wkt(outline, rounding_precision=7),
        )

    def _relation_alert(self, change: RelationChange) -> Alert:
        subjects = (*change.subject, change.predicate, *change.object)
        verb = "appeared" if change.kind is ChangeKind.RELATION_APPEARED else "vanished"
        return Alert(
            id=ids.alert_id(self.old.id, self.new.id, self.scale, change.kind, *subjects),
            kind=change.kind,
            severity=relation_severity(change),
            class_severity=relation_severity(change),
            old_state=self.old.name,
            new_state=self.new.name,
            old_state_id=self.old.id,
            new_state_id=self.new.id,
            scale=self.scale,
            message=f"{change.subject_class} {change.predicate} {change.object_class} {verb}",
            lon=change.lon,
            lat=change.lat,
            old_object_id=change.subject[0],
            new_object_id=change.subject[1],
            old_class=change.subject_class,
            new_class=change.object_class,
            predicate=change.predicate,
        )


def alert_order(alert: Alert) -> tuple[int, int, float, str, str]:
    """The order of alert lists (``alerts_of_state.cypher`` orders stored alerts alike)."""
    by_class = alert.class_severity if alert.class_severity is not None else alert.severity
    return (-alert.severity, -by_class, -(alert.confidence or 0.0), alert.kind, alert.id)


def object_severity(change: ObjectChange, thresholds: DiffThresholds) -> Severity:
    """The documented rule for object changes (module docstring)."""
    severity = _class_severity(change, thresholds)
    if change.confidence is not None and change.confidence < CONFIDENT:
        return Severity(max(int(severity) - 1, int(Severity.LOW)))
    return severity


def _class_severity(change: ObjectChange, thresholds: DiffThresholds) -> Severity:
    classes = {c for c in (change.old_class, change.new_class) if c is not None}
    if classes <= LAND_COVER_CLASSES:
        return Severity.LOW
    if change.kind is ChangeKind.RECLASSIFIED:
        return Severity.HIGH
    if change.kind is ChangeKind.GEOMETRY_CHANGED:
        midpoint = (thresholds.change_iou + thresholds.match_iou) / 2
        return Severity.MEDIUM if (change.iou or 0.0) < midpoint else Severity.LOW
    cls = change.new_class or change.old_class
    return Severity.HIGH if cls in CRITICAL_CLASSES else Severity.MEDIUM


def relation_severity(change: RelationChange) -> Severity:
    """The documented rule for relation changes (module docstring)."""
    critical = {change.subject_class, change.object_class} & CRITICAL_CLASSES
    return Severity.MEDIUM if critical else Severity.LOW


def _object_message(change: ObjectChange) -> str:
    said = _kind_message(change)
    if change.proposed and change.confidence is not None:
        return f"{said} (seen in the pixels, confidence {change.confidence:.2f})"
    if change.confidence is not None:
        return f"{said} (confidence {change.confidence:.2f})"
    return said


def _kind_message(change: ObjectChange) -> str:
    match change.kind:
        case ChangeKind.APPEARED:
            return f"new {change.new_class}"
        case ChangeKind.DISAPPEARED:
            return f"{change.old_class} no longer seen"
        case ChangeKind.RECLASSIFIED:
            return f"{change.old_class} is now {change.new_class} (IoU {change.iou:.2f})"
        case _:
            return f"{change.new_class} changed shape (IoU {change.iou:.2f})"


def to_alert(row: dict[str, Any]) -> Alert:
    """An ``alert`` node with the names of its ``old_state`` and ``new_state`` as an
    :class:`Alert`."""
    a = row["alert"]
    return Alert(
        id=a["id"],
        kind=ChangeKind(a["kind"]),
        severity=Severity[a["severity"]],
        old_state=row["old_state"],
        new_state=row["new_state"],
        old_state_id=row.get("old_state_id") or "",
        new_state_id=row.get("new_state_id") or "",
        scale=int(a["scale"]),
        message=a["message"],
        lon=float(a["lon"]),
        lat=float(a["lat"]),
        old_object_id=a.get("old_object_id"),
        new_object_id=a.get("new_object_id"),
        old_class=a.get("old_class"),
        new_class=a.get("new_class"),
        predicate=a.get("predicate"),
        iou=a.get("iou"),
        confidence=a.get("confidence"),
        footprint=a.get("footprint"),
        class_severity=Severity[a["class_severity"]] if a.get("class_severity") else None,
    )
