"""Areas and map states as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.enums import ObjectClass, StateStatus
from api.scalars import GeoJSON
from graphdb.models import Area as GraphArea
from graphdb.models import MapState as GraphMapState
from graphdb.observed import observed_by_scale


@strawberry.type(description="The object classes a map state's source can see at one scale.")
class ObservedClasses:
    scale: int
    classes: list[ObjectClass]


@strawberry.type(
    description="One version of the graph of one area as of a date from one source. Its id is "
    "the version id: wherever a state name is accepted, a version id reads that version."
)
class MapState:
    id: strawberry.ID
    version: int = strawberry.field(description="Versions of this name, counted from 1.")
    name: str
    area: str
    as_of: date
    coverage: GeoJSON
    source: str
    status: StateStatus
    created_at: datetime | None
    committed_at: datetime | None
    object_count: int | None
    relation_count: int | None
    replaced_at: datetime | None = strawberry.field(
        description="When a newer version of the same name replaced this one."
    )
    replaced_by: strawberry.ID | None = strawberry.field(
        description="The version id that replaced this one."
    )
    observed: list[ObservedClasses] = strawberry.field(
        description="The classes its source can see, by scale, fine to coarse: an OSM layer of "
        "buildings sees buildings (and the blocks they form), a model the classes it was "
        "trained on. A diff compares only the classes both states observe. A state committed "
        "before this was recorded observes every class at every scale."
    )

    @classmethod
    def of(cls, state: GraphMapState) -> MapState:
        return cls(
            id=strawberry.ID(state.id),
            version=state.version,
            name=state.name,
            area=state.area,
            as_of=state.as_of,
            coverage=state.coverage,
            source=state.source,
            status=StateStatus(state.status),
            created_at=state.created_at,
            committed_at=state.committed_at,
            object_count=state.object_count,
            relation_count=state.relation_count,
            replaced_at=state.replaced_at,
            replaced_by=strawberry.ID(state.replaced_by) if state.replaced_by else None,
            observed=[
                ObservedClasses(scale=scale, classes=[ObjectClass(c) for c in classes])
                for scale, classes in observed_by_scale(state).items()
            ],
        )


@strawberry.type(description="A named place whose map states form one history.")
class Area:
    name: str
    coverage: GeoJSON | None
    state_count: int

    @classmethod
    def of(cls, area: GraphArea) -> Area:
        return cls(name=area.name, coverage=area.coverage, state_count=area.state_count)
