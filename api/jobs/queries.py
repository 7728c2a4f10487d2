"""Job records."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.jobs.types import Job, JobStatus
from api.paging import First, page_size
from api.services import blocking
from graphdb.jobs import JobNotFound


@strawberry.type
class JobQueries:
    @strawberry.field(description="One job by id (null when there is none).")
    async def job(self, info: Info, id: strawberry.ID) -> Job | None:
        try:
            found = await blocking(info.context.services.jobs.get, str(id))
        except JobNotFound:
            return None
        return Job.of(found)

    @strawberry.field(description="The latest jobs, newest first, optionally of one status.")
    async def jobs(
        self, info: Info, status: JobStatus | None = None, first: First = None
    ) -> list[Job]:
        size = page_size(first, info.context.settings)
        found = await blocking(
            info.context.services.jobs.recent,
            status=status.value if status is not None else None,
            limit=size,
        )
        return [Job.of(j) for j in found]
