"""Live alerts, as the workers publish them on Redis after each committed diff."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.alerts.types import Alert
from api.alerts.wire import parse_feature
from api.context import Info
from api.enums import Severity
from api.pubsub import subscribed
from config.tasks import ALERTS_CHANNEL


@strawberry.type
class AlertSubscriptions:
    @strawberry.subscription(
        description="Alerts as they are found, optionally of one area and at or above a severity."
    )
    async def alerts(
        self,
        info: Info,
        area: str | None = None,
        min_severity: Severity = Severity.LOW,
    ) -> AsyncGenerator[Alert, None]:
        async with subscribed(info.context.services.redis, ALERTS_CHANNEL) as messages:
            async for message in messages:
                parsed = parse_feature(message)
                if parsed is None:
                    continue
                alert, alert_area = parsed
                if area is not None and alert_area != area:
                    continue
                if alert.severity < min_severity.value:
                    continue
                yield Alert.build(alert, area=alert_area)
