"""The alert feed: newest first, by area, since a time, at or above a severity."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from api.alerts.types import Alert
from api.context import Info
from api.enums import Severity
from api.paging import Connection, connection, decode_cursor, page_size
from api.services import blocking
from graphdb.alerts import AlertRecord


@strawberry.type
class AlertQueries:
    @strawberry.field(description="Stored alerts of committed states, newest first.")
    async def alerts(
        self,
        info: Info,
        area: str | None = None,
        since: Annotated[
            datetime | None,
            strawberry.argument(description="Only alerts recorded at or after this (UTC if naive)"),
        ] = None,
        min_severity: Severity = Severity.LOW,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Alert]:
        size = page_size(first, info.context.settings)
        page = await blocking(
            info.context.services.alerts.feed,
            area=area,
            since=since,
            min_severity=min_severity.value,
            after=decode_cursor("alert", after),
            limit=size + 1,
        )
        return connection(page.items, size, kind="alert", position=_position, node=Alert.of)

    @strawberry.field(description="One alert by id.")
    async def alert(self, info: Info, id: strawberry.ID) -> Alert | None:
        found = await info.context.loaders.alerts.load(str(id))
        return Alert.of(found) if found is not None else None


def _position(record: AlertRecord) -> str:
    return record.position
