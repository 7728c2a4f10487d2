"""Queries of objects and triplets in committed map states (Relay connections)."""

from __future__ import annotations

from functools import partial

import strawberry

from api.context import Info
from api.enums import ObjectClass, Predicate
from api.lookahead import selects
from api.objects.types import MapObject, Triplet
from api.paging import (
    BBoxInput,
    Connection,
    First,
    bbox_of,
    connection,
    decode_cursor,
    page_size,
)
from api.services import blocking
from graphdb.models import GraphObject
from graphdb.models import Triplet as GraphTriplet


@strawberry.input(description="Which objects of a state to list; every filter is optional.")
class ObjectFilter:
    state: str = strawberry.field(description="Name of a committed or retired map state.")
    classes: list[ObjectClass] | None = None
    scale: int | None = strawberry.field(default=None, description="Scale denominator.")
    bbox: BBoxInput | None = strawberry.field(
        default=None, description="Objects whose bounding box meets this box."
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring of the object's name."
    )


@strawberry.type
class ObjectQueries:
    @strawberry.field(description="A page of a state's objects, ordered by id.")
    async def objects(
        self,
        info: Info,
        filter: ObjectFilter,
        first: First = None,
        after: str | None = None,
    ) -> Connection[MapObject]:
        services = info.context.services
        size = page_size(first, services.settings)
        classes = [c.value for c in filter.classes] if filter.classes else None
        bbox, position = bbox_of(filter.bbox), decode_cursor("object", after)
        with_geometry = selects(info, "geometry")
        if filter.name_contains is not None:
            state = await blocking(services.graph.state, filter.state)
            page = await blocking(
                services.lookups.objects_named, state.id, filter.name_contains,
                classes=classes, scale=filter.scale, bbox=bbox, after=position, limit=size + 1,
                with_geometry=with_geometry,
            )  # fmt: skip
        else:
            page = await blocking(
                services.graph.objects, filter.state,
                classes=classes, scale=filter.scale, bbox=bbox, after=position, limit=size + 1,
                with_geometry=with_geometry,
            )  # fmt: skip
        count = partial(
            blocking, services.graph.count_objects, filter.state,
            classes=classes, scale=filter.scale, bbox=bbox, name_contains=filter.name_contains,
        )  # fmt: skip
        return connection(
            page.items, size, kind="object", position=_object_id, node=MapObject.of, count=count
        )

    @strawberry.field(description="One object of a committed or retired state, by id.")
    async def object(self, info: Info, id: strawberry.ID) -> MapObject | None:
        found = await info.context.loaders.objects.load(str(id))
        return MapObject.of(found) if found is not None else None

    @strawberry.field(
        description="Triplets subject -predicate-> object of a state, e.g. BRIDGE PASSING_OVER "
        "RIVER. Inverse predicates (PASSING_UNDER, CONTAINS, CONSISTS_OF) read stored edges "
        "backwards; `scale` and `bbox` filter the subject."
    )
    async def triplets(
        self,
        info: Info,
        state: str,
        predicate: Predicate,
        subject: ObjectClass | None = None,
        object: ObjectClass | None = None,
        bbox: BBoxInput | None = None,
        scale: int | None = None,
        first: First = None,
        after: str | None = None,
    ) -> Connection[Triplet]:
        services = info.context.services
        size = page_size(first, services.settings)
        subject_class = subject.value if subject is not None else None
        object_class = object.value if object is not None else None
        box = bbox_of(bbox)
        page = await blocking(
            services.graph.triplets, state, predicate=predicate.value,
            subject_class=subject_class, object_class=object_class, scale=scale, bbox=box,
            after=decode_cursor("triplet", after), limit=size + 1,
            subject_geometry=selects(info, "geometry", ("edges", "node", "subject")),
            object_geometry=selects(info, "geometry", ("edges", "node", "object")),
        )  # fmt: skip
        count = partial(
            blocking, services.graph.count_triplets, state, predicate=predicate.value,
            subject_class=subject_class, object_class=object_class, scale=scale, bbox=box,
        )  # fmt: skip
        return connection(
            page.items, size, kind="triplet", position=_pair, node=Triplet.of, count=count
        )


def _object_id(obj: GraphObject) -> str:
    return obj.id


def _pair(triplet: GraphTriplet) -> str:
    return f"{triplet.subject.id}:{triplet.object.id}"
