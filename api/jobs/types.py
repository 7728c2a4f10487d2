"""Ingest jobs and their progress events, as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.context import Info
from api.states.types import MapState
from graphdb import ids
from graphdb.jobs import Job as GraphJob
from graphdb.jobs import JobKind as GraphJobKind
from graphdb.jobs import JobStatus as GraphJobStatus


@strawberry.enum(description="What a job ingests.")
class JobKind(Enum):
    IMAGERY = GraphJobKind.IMAGERY
    VECTOR = GraphJobKind.VECTOR


@strawberry.enum(description="QUEUED -> RUNNING -> COMMITTED or FAILED.")
class JobStatus(Enum):
    QUEUED = GraphJobStatus.QUEUED
    RUNNING = GraphJobStatus.RUNNING
    COMMITTED = GraphJobStatus.COMMITTED
    FAILED = GraphJobStatus.FAILED


@strawberry.type(description="An ingest job: one input file becoming one map state.")
class Job:
    id: strawberry.ID
    kind: JobKind
    status: JobStatus
    state: str = strawberry.field(description="Name of the map state the job writes.")
    area: str
    as_of: date
    input_name: str = strawberry.field(description="File name of the input.")
    input_sha256: str
    options: JSON
    runs: int = strawberry.field(description="Executions started (more after a retry).")
    progress: float = strawberry.field(description="Fraction done, 0..1.")
    stage: str
    reason: str | None = strawberry.field(description="Why the job FAILED.")
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    objects: int | None
    relations: int | None
    alerts: int | None
    worker: str | None = strawberry.field(
        description="Node name of the worker that last sent a heartbeat for the job."
    )
    heartbeat_at: datetime | None = strawberry.field(
        description="When a worker last reported working on the job."
    )
    requeues: int = strawberry.field(
        description="Times the job was taken back from a lost worker since it was submitted "
        "or retried."
    )

    @classmethod
    def of(cls, job: GraphJob) -> Job:
        return cls(
            id=strawberry.ID(job.id),
            kind=JobKind(job.kind),
            status=JobStatus(job.status),
            state=job.state,
            area=job.area,
            as_of=job.as_of,
            input_name=job.input_name,
            input_sha256=job.input_sha256,
            options=JSON(dict(job.options)),
            runs=job.runs,
            progress=job.progress,
            stage=job.stage,
            reason=job.reason,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            objects=job.objects,
            relations=job.relations,
            alerts=job.alerts,
            worker=job.worker,
            heartbeat_at=job.heartbeat_at,
            requeues=job.requeues,
        )

    @strawberry.field(
        description="Id of the state version the job writes (the same for every run of the "
        "job); readable once the job has committed it."
    )
    def state_version(self) -> strawberry.ID:
        return strawberry.ID(ids.version_id(self.state, self.id))

    @strawberry.field(
        description="The state version the job committed (even after a newer version replaced "
        "it), else null."
    )
    async def map_state(self, info: Info) -> MapState | None:
        if self.status is not JobStatus.COMMITTED:
            return None
        loaders = info.context.loaders
        found = await loaders.states_by_id.load(ids.version_id(self.state, self.id))
        if found is None:  # a job of a release before versions wrote the name's first id
            named = await loaders.states_by_name.load(self.state)
            found = named if named is not None and named.source.endswith(self.id) else None
        return MapState.of(found) if found is not None else None


@strawberry.type(description="The job a submit resolved to.")
class JobSubmission:
    job: Job
    enqueued: bool = strawberry.field(
        description="True when this submit queued the job; false when the same input and "
        "parameters were submitted before (the existing job is returned)."
    )


@strawberry.type(description="A job's status and progress at one moment.")
class JobProgress:
    job_id: strawberry.ID
    status: JobStatus
    progress: float
    stage: str
    reason: str | None
    at: datetime | None

    @classmethod
    def of(cls, job: GraphJob) -> JobProgress:
        """The job as it stands in the graph."""
        return cls(
            job_id=strawberry.ID(job.id),
            status=JobStatus(job.status),
            progress=job.progress,
            stage=job.stage,
            reason=job.reason,
            at=job.finished_at or job.started_at or job.created_at,
        )

    @classmethod
    def parse(cls, event: Any, job_id: str) -> JobProgress | None:
        """An event published by the workers (``workers/events.py``), or None if it is not one."""
        if not isinstance(event, dict) or event.get("job_id") != job_id:
            return None
        try:
            return cls(
                job_id=strawberry.ID(job_id),
                status=JobStatus(GraphJobStatus(event["status"])),
                progress=float(event.get("progress") or 0.0),
                stage=str(event.get("stage") or ""),
                reason=event.get("reason"),
                at=datetime.fromisoformat(event["at"]) if event.get("at") else None,
            )
        except (KeyError, ValueError, TypeError):
            return None

    @property
    def terminal(self) -> bool:
        return self.status in (JobStatus.COMMITTED, JobStatus.FAILED)
