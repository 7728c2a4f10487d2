"""Mutations of map states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import strawberry

from api.auth import KeyRequired
from api.context import Info
from api.errors import InvalidInput
from api.services import blocking
from api.states.types import MapState
from graphdb.states import Retention


@strawberry.type
class StateMutations:
    @strawberry.mutation(
        description="Mark a committed state as superseded history (still readable).",
        permission_classes=[KeyRequired],
    )
    async def retire_state(self, info: Info, name: str) -> MapState:
        return MapState.of(await blocking(info.context.services.graph.retire, name))

    @strawberry.mutation(
        description="Delete replaced versions past a retention rule (never a current version): "
        "beyond the newest `keep` of each name, replaced at least `olderThanDays` ago. "
        "Returns the versions deleted, or with `dryRun` those that would be.",
        permission_classes=[KeyRequired],
    )
    async def purge_replaced_versions(
        self,
        info: Info,
        name: str | None = None,
        keep: int = 1,
        older_than_days: int = 30,
        dry_run: bool = False,
    ) -> list[MapState]:
        if keep < 0 or older_than_days < 0:
            raise InvalidInput("keep and olderThanDays must be 0 or more")
        graph = info.context.services.graph
        if name is not None:
            await blocking(graph.versions, name)
        retention = Retention(
            keep=keep, replaced_before=datetime.now(UTC) - timedelta(days=older_than_days)
        )
        gone = await blocking(graph.purge_replaced, retention, name=name, dry_run=dry_run)
        return [MapState.of(s) for s in gone]
