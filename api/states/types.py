"""Areas and map states as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.enums import StateStatus
from api.scalars import GeoJSON
from graphdb.models import Area as GraphArea
from graphdb.models import MapState as GraphMapState


@strawberry.type(description="The graph of one area as of a date from one source.")
class MapState:
    id: strawberry.ID
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

    @classmethod
    def of(cls, state: GraphMapState) -> MapState:
        return cls(
            id=strawberry.ID(state.id),
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
        )


@strawberry.type(description="A named place whose map states form one history.")
class Area:
    name: str
    coverage: GeoJSON | None
    state_count: int

    @classmethod
    def of(cls, area: GraphArea) -> Area:
        return cls(name=area.name, coverage=area.coverage, state_count=area.state_count)
