"""Change alerts and editors' decisions on them, as GraphQL types."""

from __future__ import annotations

from datetime import datetime

import shapely
import strawberry
from shapely.geometry import Point

from api.context import Info
from api.enums import AlertDecision, ChangeKind, ObjectClass, Predicate, Severity
from api.objects.types import MapObject, load_object
from api.scalars import GeoJSON
from api.states.types import MapState
from graphdb.alerts import AlertDecision as GraphDecision
from graphdb.alerts import AlertRecord
from graphdb.diff import Alert as GraphAlert


@strawberry.type(description="A map editor's decision on an alert, kept for the record.")
class AlertDecisionRecord:
    decision: AlertDecision
    comment: str | None
    decided_by: str = strawberry.field(description="Name of the API key that decided.")
    decided_at: datetime

    @classmethod
    def of(cls, decision: GraphDecision) -> AlertDecisionRecord:
        return cls(
            decision=AlertDecision(decision.decision),
            comment=decision.comment,
            decided_by=decision.by,
            decided_at=decision.at,
        )


@strawberry.type(
    description="A change a map editor can act on. For object changes `oldClass`/`newClass` are "
    "the object's classes before and after; for relation changes they are the subject's and the "
    "object's class, and `oldObject`/`newObject` are the subject in both states."
)
class Alert:
    id: strawberry.ID
    kind: ChangeKind
    severity: Severity
    area: str
    scale: int
    message: str
    location: GeoJSON = strawberry.field(description="Where the change is (a GeoJSON Point).")
    old_class: ObjectClass | None
    new_class: ObjectClass | None
    predicate: Predicate | None
    iou: float | None
    confidence: float | None = strawberry.field(
        description="The pixel evidence's calibrated probability that the change is real "
        "(null: not judged by the pixels, e.g. a vector map or a relation change)."
    )
    footprint: GeoJSON | None = strawberry.field(
        description="The changed object's outline (WGS84), where the change has one."
    )
    created_at: datetime | None = strawberry.field(
        description="When the alert was recorded (null on live events not yet read back)."
    )
    decision: AlertDecisionRecord | None
    raw: strawberry.Private[GraphAlert]

    @classmethod
    def of(cls, record: AlertRecord) -> Alert:
        """A stored alert."""
        return cls.build(
            record.alert,
            area=record.area,
            created_at=record.created_at,
            decision=AlertDecisionRecord.of(record.decision) if record.decision else None,
        )

    @classmethod
    def build(
        cls,
        alert: GraphAlert,
        *,
        area: str,
        created_at: datetime | None = None,
        decision: AlertDecisionRecord | None = None,
    ) -> Alert:
        """An alert from its parts (a live event has no ``created_at`` or decision yet)."""
        return cls(
            id=strawberry.ID(alert.id),
            kind=ChangeKind(alert.kind),
            severity=Severity(alert.severity),
            area=area,
            scale=alert.scale,
            message=alert.message,
            location=Point(alert.lon, alert.lat),
            old_class=ObjectClass(alert.old_class) if alert.old_class else None,
            new_class=ObjectClass(alert.new_class) if alert.new_class else None,
            predicate=Predicate(alert.predicate) if alert.predicate else None,
            iou=alert.iou,
            confidence=alert.confidence,
            footprint=shapely.from_wkt(alert.footprint) if alert.footprint else None,
            created_at=created_at,
            decision=decision,
            raw=alert,
        )

    @strawberry.field(description="The older state of the diff.")
    async def from_state(self, info: Info) -> MapState | None:
        loaders = info.context.loaders
        found = await (
            loaders.states_by_id.load(self.raw.old_state_id)
            if self.raw.old_state_id
            else loaders.states_by_name.load(self.raw.old_state)
        )
        return MapState.of(found) if found is not None else None

    @strawberry.field(description="The newer state of the diff (the one the alert is about).")
    async def to_state(self, info: Info) -> MapState | None:
        loaders = info.context.loaders
        found = await (
            loaders.states_by_id.load(self.raw.new_state_id)
            if self.raw.new_state_id
            else loaders.states_by_name.load(self.raw.new_state)
        )
        return MapState.of(found) if found is not None else None

    @strawberry.field(description="The object (or relation subject) in the older state.")
    async def old_object(self, info: Info) -> MapObject | None:
        return await load_object(info, self.raw.old_object_id)

    @strawberry.field(description="The object (or relation subject) in the newer state.")
    async def new_object(self, info: Info) -> MapObject | None:
        return await load_object(info, self.raw.new_object_id)
