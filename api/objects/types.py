"""Map objects, their relations and their place in the cross-scale hierarchy, as GraphQL types.

Nested fields (``state``, ``partOf``, ``consistsOf``, ``relations``) go through the request's
DataLoaders, so a page of objects asking for them costs one query per field.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from api.context import Info
from api.enums import ObjectClass, Predicate, RelationDirection
from api.errors import NotFound
from api.loaders import HierarchyKey, RelationsKey
from api.lookahead import selects
from api.paging import First, page_size
from api.scalars import GeoJSON
from api.states.types import MapState
from graphdb.models import GraphObject
from graphdb.models import Triplet as GraphTriplet
from graphdb.params import MAX_HIERARCHY_DEPTH

DEPTH_HELP = f"How many part_of steps to follow (1..{MAX_HIERARCHY_DEPTH})."


async def load_object(info: Info, object_id: str | None) -> MapObject | None:
    """The object of ``object_id`` through the request's loader (None when absent)."""
    if object_id is None:
        return None
    found = await info.context.loaders.objects.load(object_id)
    return MapObject.of(found) if found is not None else None


@strawberry.type(description="One object of a committed map state at one scale.")
class MapObject:
    id: strawberry.ID
    key: str = strawberry.field(description="The producer's stable key (e.g. an OSM way/123).")
    class_: ObjectClass = strawberry.field(name="class")
    scale: int = strawberry.field(description="Map scale denominator: 2000, 10000 or 50000.")
    name: str | None
    confidence: float
    source: str
    source_crs: int | None = strawberry.field(description="EPSG code of the input's CRS.")
    area_m2: float | None = strawberry.field(description="Area of a polygon, square metres.")
    length_m: float | None = strawberry.field(description="Length of a line, metres.")
    provenance: JSON
    raw: strawberry.Private[GraphObject]

    @classmethod
    def of(cls, obj: GraphObject) -> MapObject:
        return cls(
            id=strawberry.ID(obj.id),
            key=obj.key,
            class_=ObjectClass(obj.cls),
            scale=obj.scale,
            name=obj.name,
            confidence=obj.confidence,
            source=obj.source,
            source_crs=obj.source_crs,
            area_m2=obj.area_m2,
            length_m=obj.length_m,
            provenance=JSON(obj.provenance),
            raw=obj,
        )

    @strawberry.field(description="The outline, WGS84.")
    def geometry(self) -> GeoJSON:
        if self.raw.geometry is None:
            raise RuntimeError(f"object {self.id} was read without its geometry")
        return GeoJSON(self.raw.geometry)

    @strawberry.field(description="The map state the object belongs to.")
    async def state(self, info: Info) -> MapState:
        state = await info.context.loaders.states_by_id.load(self.raw.state_id)
        if state is None:
            raise NotFound(f"the map state of object {self.id} is no longer readable")
        return MapState.of(state)

    @strawberry.field(description="What this object is part of, up to coarser scales.")
    async def part_of(
        self,
        info: Info,
        depth: Annotated[int, strawberry.argument(description=DEPTH_HELP)] = 1,
        first: First = None,
    ) -> list[HierarchyLink]:
        return await self._hierarchy(info, upward=True, depth=depth, first=first)

    @strawberry.field(description="What this object consists of, down to finer scales.")
    async def consists_of(
        self,
        info: Info,
        depth: Annotated[int, strawberry.argument(description=DEPTH_HELP)] = 1,
        first: First = None,
    ) -> list[HierarchyLink]:
        return await self._hierarchy(info, upward=False, depth=depth, first=first)

    @strawberry.field(
        description="This object's relations. With a predicate (inverse names too), triplets "
        "come back in its reading; without one, in the stored reading."
    )
    async def relations(
        self,
        info: Info,
        predicate: Predicate | None = None,
        direction: RelationDirection = RelationDirection.BOTH,
        first: First = None,
    ) -> list[Triplet]:
        key = RelationsKey(
            object_id=self.raw.id,
            predicate=predicate.value if predicate is not None else None,
            direction=direction.value,
            limit=page_size(first, info.context.settings),
            with_geometry=selects(info, "geometry"),
        )
        found = await info.context.loaders.relations.load(key)
        return [
            Triplet(
                subject=self if n.this_is_subject else MapObject.of(n.other),
                predicate=Predicate(n.predicate),
                object_=MapObject.of(n.other) if n.this_is_subject else self,
                confidence=n.confidence,
                origin=n.origin,
                cross_scale=n.cross_scale,
            )
            for n in found
        ]

    async def _hierarchy(
        self, info: Info, *, upward: bool, depth: int, first: int | None
    ) -> list[HierarchyLink]:
        key = HierarchyKey(
            object_id=self.raw.id,
            upward=upward,
            depth=depth,
            limit=page_size(first, info.context.settings),
            with_geometry=selects(info, "geometry"),
        )
        links = await info.context.loaders.hierarchy.load(key)
        return [
            HierarchyLink(
                object_=MapObject.of(link.object), depth=link.depth, via=strawberry.ID(link.via)
            )
            for link in links
        ]


@strawberry.type(description="An object reached through part_of edges.")
class HierarchyLink:
    object_: MapObject = strawberry.field(name="object")
    depth: int = strawberry.field(description="How many part_of edges away it is.")
    via: strawberry.ID = strawberry.field(description="Id of the object it was reached from.")


@strawberry.type(description="subject -predicate-> object, e.g. BRIDGE PASSING_OVER RIVER.")
class Triplet:
    subject: MapObject
    predicate: Predicate
    object_: MapObject = strawberry.field(name="object")
    confidence: float
    origin: str = strawberry.field(description="Who found it: model, rules or both.")
    cross_scale: bool

    @classmethod
    def of(cls, triplet: GraphTriplet) -> Triplet:
        return cls(
            subject=MapObject.of(triplet.subject),
            predicate=Predicate(triplet.predicate),
            object_=MapObject.of(triplet.object),
            confidence=triplet.confidence,
            origin=triplet.origin,
            cross_scale=triplet.cross_scale,
        )
