"""Decisions on alerts."""

from __future__ import annotations

import strawberry

from api.alerts.types import Alert
from api.auth import KeyRequired, principal_of
from api.context import Info
from api.enums import AlertDecision
from api.errors import InvalidInput
from api.services import blocking

MAX_COMMENT = 2_000
"""Longest decision comment, in characters."""


@strawberry.type
class AlertMutations:
    @strawberry.mutation(
        description="Accept or reject an alert; the decision, comment and key name are kept for "
        "the record, and a second decision on the same alert is refused.",
        permission_classes=[KeyRequired],
    )
    async def acknowledge_alert(
        self,
        info: Info,
        id: strawberry.ID,
        decision: AlertDecision = AlertDecision.ACCEPT,
        comment: str | None = None,
    ) -> Alert:
        if comment is not None and len(comment) > MAX_COMMENT:
            raise InvalidInput(f"a comment may have at most {MAX_COMMENT} characters")
        by = principal_of(info)
        record = await blocking(
            info.context.services.alerts.decide, str(id), decision.value, by=by, comment=comment
        )
        return Alert.of(record)
