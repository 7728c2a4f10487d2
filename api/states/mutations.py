"""Mutations of map states."""

from __future__ import annotations

import strawberry

from api.auth import KeyRequired
from api.context import Info
from api.services import blocking
from api.states.types import MapState


@strawberry.type
class StateMutations:
    @strawberry.mutation(
        description="Mark a committed state as superseded history (still readable).",
        permission_classes=[KeyRequired],
    )
    async def retire_state(self, info: Info, name: str) -> MapState:
        return MapState.of(await blocking(info.context.services.graph.retire, name))
