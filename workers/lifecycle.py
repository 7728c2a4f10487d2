"""The steps every ingest job shares: start, own a map state, commit, diff and alert, fail.

Exactly-once effects come from three rules, whatever the number of deliveries of a message:

1. Every write is idempotent (MERGE on deterministic ids in ``graphdb``), so a step that ran
   halfway and is run again ends with the same graph.
2. The job writes its own *version* of the map state, with id
   ``graphdb.ids.version_id(state, job id)``: a rerun picks up its own uncommitted version (or
   finds it committed and skips to the alerts); a current version of the same name is replaced
   only when the job asked for it (``replace``), and a version someone else is writing fails the
   job instead of being written into.
3. The commit is one transaction that only an uncommitted state passes; a second execution that
   loses the race finds the state committed by its own job and carries on with the alerts, which
   are MERGEd by id. Alert events go out at least once: the job records that they were
   published only after publishing, and receivers drop copies by the alert id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from graphdb import ids
from graphdb.diff.evidence import EvidenceSource
from graphdb.errors import StateExists, StateNotWritable
from graphdb.jobs import Job, JobKind, JobStatus
from graphdb.models import MapState, StateStatus
from graphdb.publish import record_changes
from graphdb.rasters import RasterRegistry
from graphdb.states import JOB_SOURCE_MARK
from ingest.records import ObservedClasses
from workers.alerts import alert_feature, publish_features
from workers.context import WorkerContext
from workers.errors import StateTaken
from workers.events import publish_job

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a job step ended with; ``notify`` is True when its alerts went out just now."""

    job: Job
    notify: bool = False


def start_job(ctx: WorkerContext, job_id: str) -> Job | None:
    """Mark the job RUNNING (one more run); None when it is already COMMITTED or FAILED."""
    job = ctx.jobs.start(job_id)
    if job is not None:
        publish_job(ctx.redis, job)
    return job


def report(ctx: WorkerContext, job: Job, fraction: float, stage: str) -> None:
    """Record and publish progress (nothing happens once the job stopped running)."""
    updated = ctx.jobs.progress(job.id, fraction, stage)
    if updated is not None:
        publish_job(ctx.redis, updated)


def state_source(job: Job) -> str:
    """The ``source`` of a job's map state: what it was made from, and which job wrote it."""
    return f"{job.kind.value}:{job.input_name}{JOB_SOURCE_MARK}{job.id}"


def version_of(job: Job) -> str:
    """The id of the state version ``job`` writes (the same for every run of the job)."""
    return ids.version_id(job.state, job.id)


def owned_state(ctx: WorkerContext, job: Job) -> MapState | None:
    """The job's version of its map state, unless it does not exist or is being deleted."""
    state = ctx.graph.version(version_of(job))
    if state is None or state.status is StateStatus.DISCARDING:
        return None
    return state


def begin_state(ctx: WorkerContext, job: Job, coverage: BaseGeometry) -> MapState:
    """The job's version: the existing one, or a new uncommitted one over ``coverage``
    (``StateTaken`` when the name has a version the job may not replace)."""
    state = owned_state(ctx, job)
    if state is not None:
        return state
    try:
        return ctx.graph.begin_state(
            job.state,
            area=job.area,
            as_of=job.as_of,
            coverage=coverage,
            source=state_source(job),
            replace=bool(job.options.get("replace")),
            token=job.id,
        )
    except StateExists as exc:
        raise StateTaken(f"{exc}; or submit again with another --state name") from exc


def commit_state(ctx: WorkerContext, job: Job, observed: ObservedClasses | None) -> MapState:
    """Commit the job's version with the classes its source ``observed`` at each scale; one
    its own job committed already is returned as is."""
    try:
        return ctx.graph.commit(version_of(job), job_id=job.id, observed=observed)
    except StateNotWritable:
        state = owned_state(ctx, job)
        if state is not None and state.status is not StateStatus.UNCOMMITTED:
            return state
        raise


def complete_job(
    ctx: WorkerContext,
    job: Job,
    state: MapState,
    scales: Iterable[int],
    evidence: EvidenceSource | None = None,
) -> Outcome:
    """After the commit: diff and alerts (``graphdb.publish.record_changes``, judged by
    ``evidence`` when given; published once), then the job is COMMITTED with its counts."""
    notify = False
    if not job.alerts_published:
        report(ctx, job, 0.95, "diffing")
        alerts = record_changes(ctx.graph, state, scales, evidence=evidence).alerts
        features = [alert_feature(a, job_id=job.id, area=job.area) for a in alerts]
        publish_features(ctx.redis, features)
        ctx.jobs.alerts_published(job.id, len(alerts))
        notify = bool(alerts)
    done = ctx.jobs.commit(
        job.id, objects=state.object_count or 0, relations=state.relation_count or 0
    )
    publish_job(ctx.redis, done)
    return Outcome(done, notify=notify)


def fail_job(ctx: WorkerContext, job_id: str, reason: str) -> Job:
    """FAIL the job with ``reason``: delete its uncommitted state, its image's registry entry
    (unless another state uses it) and its tile results first, so no partial map is left
    behind (a committed state is never touched)."""
    job = ctx.jobs.get(job_id)
    if job.status is JobStatus.COMMITTED:
        return job
    state = owned_state(ctx, job)
    if state is not None and state.status is StateStatus.UNCOMMITTED:
        ctx.graph.cleanup(state.id)
    if job.kind is JobKind.IMAGERY:
        RasterRegistry(ctx.graph.client).forget_unused([job.input_sha256])
    ctx.jobs.drop_tiles(job.id)
    failed = ctx.jobs.fail(job.id, reason)
    publish_job(ctx.redis, failed)
    log.warning("job %s failed: %s", job_id, reason)
    return failed
