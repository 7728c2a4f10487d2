"""Submitting ingest jobs (check the input, record the job, enqueue its task by name), and
retrying or cancelling one (the transitions of ``graphdb.jobs``, shared with the CLI and the
workers' reconciler)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import strawberry
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError
from strawberry.file_uploads import Upload

from api.auth import KeyRequired
from api.context import Info
from api.errors import InvalidInput, Unavailable
from api.jobs.inputs import ImageryJobInput, VectorJobInput, imagery_options, vector_options
from api.jobs.sources import path_source, store_upload
from api.jobs.types import Job, JobSubmission
from api.services import Services, blocking
from dispatch.queue import send_job
from graphdb.jobs import JobKind, JobSpec, Option
from intake.store import StagedInput, stage_options


@dataclass(frozen=True, slots=True)
class _Request:
    kind: JobKind
    state: str
    area: str
    as_of: date
    path: str | None
    upload: Upload | None
    options: dict[str, Option]


@strawberry.type
class JobMutations:
    @strawberry.mutation(
        description="Queue an imagery ingest job.", permission_classes=[KeyRequired]
    )
    async def submit_imagery_job(self, info: Info, input: ImageryJobInput) -> JobSubmission:
        request = _Request(
            JobKind.IMAGERY, input.state, input.area, input.as_of, input.path, input.upload,
            imagery_options(input),
        )  # fmt: skip
        return await _submit(info.context.services, request)

    @strawberry.mutation(description="Queue a vector ingest job.", permission_classes=[KeyRequired])
    async def submit_vector_job(self, info: Info, input: VectorJobInput) -> JobSubmission:
        root = info.context.settings.data_root_path
        request = _Request(
            JobKind.VECTOR, input.state, input.area, input.as_of, input.path, input.upload,
            vector_options(input, root),
        )  # fmt: skip
        return await _submit(info.context.services, request)

    @strawberry.mutation(
        description="Queue a FAILED job again, or a QUEUED or RUNNING one that shows no sign "
        "of life (CONFLICT when it is COMMITTED or its worker is alive).",
        permission_classes=[KeyRequired],
    )
    async def retry_job(self, info: Info, id: strawberry.ID) -> Job:
        services = info.context.services
        job = await blocking(services.jobs.retry, str(id))
        try:
            await blocking(send_job, services.queue, job.kind, job.id)
        except (OperationalError, RedisError, OSError) as exc:
            raise Unavailable(
                f"the task broker is unreachable ({exc}); the job stays QUEUED and the "
                "workers enqueue it again once the broker is back"
            ) from exc
        return Job.of(job)

    @strawberry.mutation(
        description='End a QUEUED or RUNNING job as FAILED "cancelled" (CONFLICT when it had '
        "ended): a running task stops at its next heartbeat, and a worker deletes what the "
        "job left behind.",
        permission_classes=[KeyRequired],
    )
    async def cancel_job(self, info: Info, id: strawberry.ID) -> Job:
        return Job.of(await blocking(info.context.services.jobs.cancel, str(id)))


async def _submit(services: Services, request: _Request) -> JobSubmission:
    source = await _source(services, request)
    options = await blocking(stage_options, request.options, services.settings.home)
    spec = JobSpec(
        kind=request.kind,
        input_path=str(source.path),
        input_sha256=source.sha256,
        input_name=source.name,
        state=request.state,
        area=request.area,
        as_of=request.as_of,
        options=options,
    )
    submitted = await blocking(services.jobs.submit, spec)
    if submitted.enqueue:
        try:
            await blocking(send_job, services.queue, request.kind, submitted.job.id)
        except (OperationalError, RedisError, OSError) as exc:
            reason = f"the task broker is unreachable ({exc}); submit the job again"
            await blocking(services.jobs.fail, submitted.job.id, reason)
            raise Unavailable(reason) from exc
    return JobSubmission(job=Job.of(submitted.job), enqueued=submitted.enqueue)


async def _source(services: Services, request: _Request) -> StagedInput:
    settings = services.settings
    if (request.path is None) == (request.upload is None):
        raise InvalidInput("give exactly one of `path` and `upload`")
    if request.path is not None:
        return await blocking(path_source, request.path, settings.data_root_path, settings.home)
    upload = request.upload
    return await blocking(
        store_upload,
        upload.file,  # type: ignore[union-attr]
        getattr(upload, "filename", None),
        settings.home,
        settings.upload_max_bytes,
    )
