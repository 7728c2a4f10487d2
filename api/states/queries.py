"""Queries of areas and map states."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.services import blocking
from api.states.types import Area, MapState


@strawberry.type
class StateQueries:
    @strawberry.field(description="Every area, by name.")
    async def areas(self, info: Info) -> list[Area]:
        found = await blocking(info.context.services.graph.areas)
        return [Area.of(a) for a in found]

    @strawberry.field(description="An area's committed and retired map states, oldest first.")
    async def map_states(self, info: Info, area: str) -> list[MapState]:
        found = await blocking(info.context.services.graph.states, area)
        return [MapState.of(s) for s in found]

    @strawberry.field(
        description="One committed or retired map state by name, or one version by its id."
    )
    async def map_state(self, info: Info, name: str) -> MapState:
        return MapState.of(await blocking(info.context.services.graph.state, name))

    @strawberry.field(description="Every version of a state name, newest first.")
    async def state_versions(self, info: Info, name: str) -> list[MapState]:
        found = await blocking(info.context.services.graph.versions, name)
        return [MapState.of(s) for s in found]
