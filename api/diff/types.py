"""A diff between two map states at one scale, as GraphQL types."""

from __future__ import annotations

import strawberry
from shapely.geometry import Point

from api.context import Info
from api.enums import ChangeKind, ObjectClass, Predicate
from api.objects.types import MapObject, load_object
from api.paging import First, page_size
from api.scalars import GeoJSON
from api.states.types import MapState
from graphdb.diff import ObjectChange as GraphObjectChange
from graphdb.diff import RelationChange as GraphRelationChange


@strawberry.type(description="An object that appeared, disappeared, changed class or shape.")
class ObjectChange:
    kind: ChangeKind
    old_class: ObjectClass | None
    new_class: ObjectClass | None
    iou: float | None = strawberry.field(description="Footprint overlap of the paired objects.")
    location: GeoJSON
    old_id: strawberry.Private[str | None]
    new_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, change: GraphObjectChange) -> ObjectChange:
        return cls(
            kind=ChangeKind(change.kind),
            old_class=ObjectClass(change.old_class) if change.old_class else None,
            new_class=ObjectClass(change.new_class) if change.new_class else None,
            iou=change.iou,
            location=Point(change.lon, change.lat),
            old_id=change.old_id,
            new_id=change.new_id,
        )

    @strawberry.field(description="The object in the older state, if it had one.")
    async def old_object(self, info: Info) -> MapObject | None:
        return await load_object(info, self.old_id)

    @strawberry.field(description="The object in the newer state, if it has one.")
    async def new_object(self, info: Info) -> MapObject | None:
        return await load_object(info, self.new_id)


@strawberry.type(description="A relation between paired objects that exists in one state only.")
class RelationChange:
    kind: ChangeKind
    predicate: Predicate
    subject_class: ObjectClass
    object_class: ObjectClass
    location: GeoJSON
    subject_id: strawberry.Private[str]
    object_id: strawberry.Private[str]

    @classmethod
    def of(cls, change: GraphRelationChange) -> RelationChange:
        return cls(
            kind=ChangeKind(change.kind),
            predicate=Predicate(change.predicate),
            subject_class=ObjectClass(change.subject_class),
            object_class=ObjectClass(change.object_class),
            location=Point(change.lon, change.lat),
            subject_id=change.subject[1],
            object_id=change.object[1],
        )

    @strawberry.field(description="The subject, in the newer state.")
    async def subject(self, info: Info) -> MapObject | None:
        return await load_object(info, self.subject_id)

    @strawberry.field(name="object", description="The object, in the newer state.")
    async def object_(self, info: Info) -> MapObject | None:
        return await load_object(info, self.object_id)


@strawberry.type(description="How many changes of each kind (after the bbox filter).")
class DiffCounts:
    appeared: int
    disappeared: int
    reclassified: int
    geometry_changed: int
    relation_appeared: int
    relation_vanished: int
    unchanged: int = strawberry.field(description="Paired objects without change (whole diff).")


@strawberry.type(description="Changes from one state to another at one scale.")
class Diff:
    from_: MapState = strawberry.field(name="from")
    to: MapState
    scale: int
    compared_classes: list[ObjectClass] = strawberry.field(
        description="The classes both states observe at this scale: the only ones compared."
    )
    counts: DiffCounts
    all_objects: strawberry.Private[list[GraphObjectChange]]
    all_relations: strawberry.Private[list[GraphRelationChange]]

    @strawberry.field(description="Object changes (at most `first`).")
    def object_changes(self, info: Info, first: First = None) -> list[ObjectChange]:
        size = page_size(first, info.context.settings)
        return [ObjectChange.of(c) for c in self.all_objects[:size]]

    @strawberry.field(description="Relation changes (at most `first`).")
    def relation_changes(self, info: Info, first: First = None) -> list[RelationChange]:
        size = page_size(first, info.context.settings)
        return [RelationChange.of(c) for c in self.all_relations[:size]]
