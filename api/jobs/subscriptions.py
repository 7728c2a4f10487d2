"""Live progress of one job, from the events the workers publish on Redis."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.context import Info
from api.jobs.types import JobProgress
from api.pubsub import subscribed
from api.services import blocking
from config.tasks import job_channel


@strawberry.type
class JobSubscriptions:
    @strawberry.subscription(
        description="The job as it stands, then each status or progress change, until it is "
        "COMMITTED or FAILED."
    )
    async def job_progress(
        self, info: Info, id: strawberry.ID
    ) -> AsyncGenerator[JobProgress, None]:
        services = info.context.services
        channel = job_channel(str(id))
        async with subscribed(services.redis, channel) as events:
            current = JobProgress.of(await blocking(services.jobs.get, str(id)))
            yield current
            if current.terminal:
                return
            async for event in events:
                update = JobProgress.parse(event, str(id))
                if update is None:
                    continue
                yield update
                if update.terminal:
                    return
