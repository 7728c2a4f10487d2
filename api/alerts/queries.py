"""The alert feed: most severe first, then newest, filtered by area, state, scale, time,
severity and decision."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import partial
from typing import Annotated

import strawberry

from api.alerts.types import Alert
from api.context import Info
from api.enums import Severity
from api.paging import Connection, First, connection, decode_cursor, page_size
from api.services import blocking
from graphdb.alerts import AlertRecord, DecisionFilter, FeedFilter


@strawberry.enum(description="Which alerts to list by the decision on them.")
class AlertDecisionState(Enum):
    ACCEPTED = DecisionFilter.ACCEPTED
    REJECTED = DecisionFilter.REJECTED
    UNDECIDED = DecisionFilter.UNDECIDED


@strawberry.type
class AlertQueries:
    @strawberry.field(
        description="Stored alerts of committed states, most severe first, then newest (then "
        "by id); every filter is optional and `totalCount` counts them all."
    )
    async def alerts(
        self,
        info: Info,
        area: str | None = None,
        state: Annotated[
            str | None,
            strawberry.argument(
                description="Only alerts into this map state (the newer state of their diff)"
            ),
        ] = None,
        scale: Annotated[
            int | None, strawberry.argument(description="Only alerts at this scale denominator")
        ] = None,
        since: Annotated[
            datetime | None,
            strawberry.argument(description="Only alerts recorded at or after this (UTC if naive)"),
        ] = None,
        min_severity: Severity = Severity.LOW,
        decision: Annotated[
            AlertDecisionState | None,
            strawberry.argument(description="Only accepted, rejected or undecided alerts"),
        ] = None,
        first: First = None,
        after: str | None = None,
    ) -> Connection[Alert]:
        size = page_size(first, info.context.settings)
        book = info.context.services.alerts
        where = FeedFilter(
            area=area,
            state=state,
            scale=scale,
            since=since,
            min_severity=min_severity.value,
            decision=decision.value if decision is not None else None,
        )
        page = await blocking(book.feed, where, after=decode_cursor("alert", after), limit=size + 1)
        count = partial(blocking, book.count, where)
        return connection(
            page.items, size, kind="alert", position=_position, node=Alert.of, count=count
        )

    @strawberry.field(description="One alert by id.")
    async def alert(self, info: Info, id: strawberry.ID) -> Alert | None:
        found = await info.context.loaders.alerts.load(str(id))
        return Alert.of(found) if found is not None else None


def _position(record: AlertRecord) -> str:
    return record.position
