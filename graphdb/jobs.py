"""Job records: ``(:Job)`` nodes that the CLI and the API read, and the tile results of a fan-out.

A job is keyed by what it would do, not by when it was asked: :func:`job_id` hashes the input's
content hash with the normalised parameters, and :meth:`JobStore.submit` MERGEs on that id under
a uniqueness constraint (migration 3 of ``graphdb.schema``), so the same input submitted twice
(even concurrently, from two processes) gives one job, and only the submit that created it is
told to enqueue it.

Status moves ``QUEUED -> RUNNING -> COMMITTED | FAILED``. Every transition that reads a status
first takes the node's write lock (``SET j.locked_at``), so two workers that received the same
message cannot both see ``QUEUED`` and both start, and a late failure never overwrites a commit.

A job goes back to ``QUEUED`` (:meth:`JobStore.retry`, :meth:`JobStore.reclaim`, a resubmit)
when it FAILED, when it shows no sign of life (its ``heartbeat_at``, refreshed by the worker
process running one of its tasks, else the time it was last enqueued) for longer than a
threshold, or when it COMMITTED a state version that was purged since. The same rules serve the
CLI, the API and the workers' reconciler (``workers.reconcile``), so they cannot disagree.
:meth:`JobStore.cancel` (and :meth:`JobStore.give_up`, the reconciler's end of a job that kept
losing its workers) ends a job as FAILED and marks its cleanup pending; the worker running it
(or, once the job is quiet, the reconciler) deletes what it left behind and clears the mark
(:meth:`JobStore.cleaned`). No requeue happens while it is pending, so a rerun never starts
under a cleanup.

Tile results of an imagery fan-out live in :mod:`graphdb.job_tiles`; a ``JobStore`` hands out
its methods (``put_tile``, ``iter_tiles``...) so a job's callers hold one object.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from graphdb import ids, queries
from graphdb.client import GraphClient
from graphdb.errors import GraphError
from graphdb.job_tiles import JobTiles


class JobNotFound(GraphError, LookupError):
    """No job of that id; ``orthograph jobs list`` shows the jobs that exist."""


class JobConflict(GraphError, ValueError):
    """The job's status does not allow the transition (cancel a COMMITTED job, retry a RUNNING
    one whose worker is alive)."""


class JobKind(StrEnum):
    """What a job ingests."""

    IMAGERY = "imagery"
    VECTOR = "vector"


class JobStatus(StrEnum):
    """Life of a job (see the module docstring)."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMMITTED = "COMMITTED"
    FAILED = "FAILED"


TERMINAL = frozenset({JobStatus.COMMITTED, JobStatus.FAILED})
LIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
"""Statuses of a job that a task may still work on."""

STUCK_AFTER_S = 480.0
"""Default seconds without a sign of life after which a QUEUED or RUNNING job counts as stuck
(the workers' ``running_stale_s``; above their longest retry countdown, 300 s)."""

CANCELLED = "cancelled"
"""The reason of a cancelled job."""

Option = str | int | float | bool | None | list[int] | list[str]


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What to ingest and how: everything that decides the job's id.

    ``input_path`` is where workers read the input (a shared store, see ``intake.store``) and
    is *not* part of the id: the content hash ``input_sha256`` is. ``options`` are kind-specific
    parameters (scales, tile size, layer...) as plain JSON values; ``None`` values are dropped
    and lists of scales are sorted, so equivalent requests hash the same.
    """

    kind: JobKind
    input_path: str
    input_sha256: str
    input_name: str
    state: str
    area: str
    as_of: date
    options: Mapping[str, Option] = field(default_factory=dict)

    def normalised_options(self) -> dict[str, Option]:
        """``options`` without ``None`` values, keys sorted, scale lists sorted and unique."""
        result: dict[str, Option] = {k: v for k, v in sorted(self.options.items()) if v is not None}
        scales = result.get("scales")
        if isinstance(scales, list):
            result["scales"] = sorted({int(v) for v in scales})
        return result

    @property
    def id(self) -> str:
        """The job's id: a digest of kind, content hash and normalised parameters."""
        return job_id(self)


def job_id(spec: JobSpec) -> str:
    """Deterministic id of ``spec`` (``j`` + 32 hex digits)."""
    params = {
        "state": spec.state,
        "area": spec.area,
        "as_of": spec.as_of.isoformat(),
        "options": spec.normalised_options(),
    }
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return "j" + ids.digest("job", spec.kind.value, spec.input_sha256, canonical)


@dataclass(frozen=True, slots=True)
class Job:
    """A job as stored. ``progress`` is a fraction in [0, 1]; ``runs`` counts executions started
    (more than one after a redelivery or a retry); ``reason`` says why a job FAILED.

    ``worker`` (Celery node name) and ``worker_pid`` name the process that last sent a
    ``heartbeat_at``; ``requeues`` counts how often the reconciler took the job back from a lost
    worker since it was last submitted or retried; ``cleanup_pending`` is set by a cancel until
    a worker has deleted what the job left behind."""

    id: str
    kind: JobKind
    status: JobStatus
    state: str
    area: str
    as_of: date
    input_path: str
    input_sha256: str
    input_name: str
    options: dict[str, Option]
    runs: int
    progress: float
    stage: str
    reason: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    enqueued_at: datetime | None = None
    heartbeat_at: datetime | None = None
    worker: str | None = None
    worker_pid: int | None = None
    requeues: int = 0
    cleanup_pending: bool = False
    tiles_expected: int | None = None
    scales: list[int] = field(default_factory=list)
    objects: int | None = None
    relations: int | None = None
    alerts: int | None = None
    alerts_published: bool = False

    @property
    def terminal(self) -> bool:
        """True once the job is COMMITTED or FAILED."""
        return self.status in TERMINAL


@dataclass(frozen=True, slots=True)
class Submitted:
    """The job a submit resolved to; ``enqueue`` is True for exactly one submit per (re)start."""

    job: Job
    enqueue: bool


@dataclass(frozen=True, slots=True)
class JobStats:
    """Jobs of one kind and status: how many, executions started, and of those that finished,
    how many and their summed run time in seconds (for metrics)."""

    kind: str
    status: str
    jobs: int
    runs: int
    finished: int
    seconds: float


class JobStore:
    """Reads and transitions of job records, and (through :class:`JobTiles`) the tile results
    of imagery jobs."""

    def __init__(self, client: GraphClient, *, delete_batch: int = 1_000) -> None:
        self._client = client
        tiles = JobTiles(client, delete_batch=delete_batch)
        self.put_tile = tiles.put
        self.has_tile = tiles.has
        self.tile_count = tiles.count
        self.tile_keys = tiles.keys
        self.iter_tiles = tiles.iterate
        self.drop_tiles = tiles.drop

    def submit(self, spec: JobSpec) -> Submitted:
        """The job of ``spec``: created QUEUED, or the existing one. A FAILED one is requeued,
        and so is a COMMITTED one whose state version (``ids.version_id(state, job id)``) was
        purged since: its counts and alerts are reset (``runs`` is kept) and it runs again.
        Neither happens while the job's cleanup is pending (see the module docstring).

        ``enqueue`` is True when this call created or requeued the job, so exactly one of any
        number of concurrent submits sends the task.
        """
        token = uuid.uuid4().hex
        props = {
            "kind": spec.kind.value,
            "state": spec.state,
            "area": spec.area,
            "as_of": spec.as_of,
            "input_path": spec.input_path,
            "input_sha256": spec.input_sha256,
            "input_name": spec.input_name,
            "options": json.dumps(spec.normalised_options(), sort_keys=True),
        }
        params = {"id": spec.id, "props": props, "status": JobStatus.QUEUED, "token": token}
        row = self._write_one("job_submit", params)
        if row["created"]:
            return Submitted(_job(row["job"]), enqueue=True)
        rule = Requeue(
            unconditional=(JobStatus.FAILED,),
            gone=(JobStatus.COMMITTED,),
            version=ids.version_id(spec.state, spec.id),
            requeues="reset",
            reset_outputs=True,
        )
        job, requeued = self._requeue(spec.id, rule, token)
        return Submitted(job, enqueue=requeued)

    def retry(self, job_id: str, *, stuck_after_s: float = STUCK_AFTER_S) -> Job:
        """Put a FAILED job, or a QUEUED or RUNNING one quiet for ``stuck_after_s``, back to
        QUEUED (the caller enqueues it); ``JobConflict`` otherwise."""
        rule = Requeue(
            unconditional=(JobStatus.FAILED,),
            quiet=LIVE,
            quiet_s=stuck_after_s,
            requeues="reset",
        )
        job, requeued = self._requeue(job_id, rule)
        if requeued:
            return job
        if job.status is JobStatus.COMMITTED:
            raise JobConflict(f"job {job_id} is COMMITTED; there is nothing to retry")
        if job.cleanup_pending:
            raise JobConflict(
                f"job {job_id} is {job.status.value} and a worker has yet to delete what it "
                "left behind; retry once that is done (within a few heartbeat intervals of a "
                "running worker)"
            )
        raise JobConflict(
            f"job {job_id} is {job.status.value} and alive (last sign of life "
            f"{_seen(job)}, worker {job.worker or 'unknown'}); wait, or cancel it first"
        )

    def reclaim(self, job_id: str, status: JobStatus, *, quiet_s: float) -> Job | None:
        """The reconciler's requeue: a ``status`` job (QUEUED or RUNNING) still quiet for
        ``quiet_s`` under the lock goes (back) to QUEUED; a RUNNING one counts a requeue.
        None when it is no longer quiet or no longer in ``status``."""
        rule = Requeue(
            quiet=(status,),
            quiet_s=quiet_s,
            requeues="count" if status is JobStatus.RUNNING else "keep",
        )
        job, requeued = self._requeue(job_id, rule)
        return job if requeued else None

    def cancel(self, job_id: str) -> Job:
        """End a QUEUED or RUNNING job as FAILED (reason :data:`CANCELLED`), its cleanup
        pending; ``JobConflict`` when it had ended already."""
        props = {"reason": CANCELLED, "stage": CANCELLED, "cleanup_pending": True}
        job, finished = self._transition(job_id, LIVE, JobStatus.FAILED, props)
        if not finished:
            raise JobConflict(f"job {job_id} is {job.status.value} already; nothing to cancel")
        return job

    def give_up(self, job_id: str, reason: str, *, quiet_s: float) -> Job | None:
        """FAIL a RUNNING job still quiet for ``quiet_s`` under the lock with ``reason``, its
        cleanup pending (the reconciler, for a job that keeps losing its workers); None when it
        is no longer quiet or RUNNING."""
        props = {"reason": reason, "stage": "failed", "cleanup_pending": True}
        job, finished = self._transition(
            job_id, (JobStatus.RUNNING,), JobStatus.FAILED, props, quiet_s=quiet_s
        )
        return job if finished else None

    def heartbeat(self, job_id: str, worker: str, pid: int) -> JobStatus | None:
        """Record that ``worker`` (process ``pid``) is working on the job, if it is QUEUED or
        RUNNING; the job's status (None when there is no such job)."""
        params = {"id": job_id, "live": list(LIVE), "worker": worker, "pid": pid}
        rows = self._client.write(lambda tx: tx.run(queries.load("job_heartbeat"), params).data())
        return JobStatus(rows[0]["status"]) if rows else None

    def stale(
        self, *, queued_s: float, running_s: float, failed_s: float, limit: int = 100
    ) -> list[Job]:
        """Jobs quiet for longer than their status allows, oldest sign of life first: QUEUED
        for ``queued_s``, RUNNING for ``running_s``, FAILED with a cleanup pending for
        ``failed_s`` (seconds)."""
        params = {
            "queued": JobStatus.QUEUED,
            "running": JobStatus.RUNNING,
            "failed": JobStatus.FAILED,
            "queued_s": queued_s,
            "running_s": running_s,
            "failed_s": failed_s,
            "limit": limit,
        }
        return [_job(r["job"]) for r in self._client.fetch(queries.load("job_stale"), params)]

    def cleaned(self, job_id: str) -> Job:
        """Record that what the job left behind was deleted (its cleanup is no longer pending)."""
        return _job(self._write_one("job_cleaned", {"id": job_id})["job"])

    def get(self, job_id: str) -> Job:
        """The job ``job_id`` (``JobNotFound``)."""
        rows = self._client.fetch(queries.load("job_get"), {"id": job_id})
        if not rows:
            raise JobNotFound(f"no job {job_id!r}; `orthograph jobs list` shows existing jobs")
        return _job(rows[0]["job"])

    def recent(self, *, status: JobStatus | None = None, limit: int = 50) -> list[Job]:
        """The latest ``limit`` jobs, newest first, optionally of one status."""
        params = {"status": status.value if status else None, "limit": limit}
        return [_job(r["job"]) for r in self._client.fetch(queries.load("job_list"), params)]

    def start(self, job_id: str) -> Job | None:
        """Mark the job RUNNING and count the run; None when it is already COMMITTED or FAILED."""
        params = {
            "id": job_id,
            "from": [JobStatus.QUEUED, JobStatus.RUNNING],
            "to": JobStatus.RUNNING,
        }
        row = self._write_one("job_start", params)
        return _job(row["job"]) if row["started"] else None

    def progress(self, job_id: str, fraction: float, stage: str) -> Job | None:
        """Record progress of a RUNNING job (None when it is no longer running)."""
        params = {
            "id": job_id,
            "status": JobStatus.RUNNING,
            "progress": min(max(fraction, 0.0), 1.0),
            "stage": stage,
        }
        rows = self._client.write(lambda tx: tx.run(queries.load("job_progress"), params).data())
        return _job(rows[0]["job"]) if rows else None

    def plan_tiles(self, job_id: str, tiles: int, scales: Sequence[int]) -> None:
        """Record the scales of an imagery job and how many tile results its final step needs."""
        params = {
            "id": job_id,
            "status": JobStatus.RUNNING,
            "tiles": tiles,
            "scales": sorted(scales),
        }
        self._client.write(lambda tx: tx.run(queries.load("job_plan"), params).consume())

    def commit(self, job_id: str, *, objects: int, relations: int) -> Job:
        """Mark a RUNNING job COMMITTED with its counts (a COMMITTED job is returned as is)."""
        props = {"objects": objects, "relations": relations, "progress": 1.0, "stage": "committed"}
        return self._finish(job_id, (JobStatus.RUNNING,), JobStatus.COMMITTED, props)

    def fail(self, job_id: str, reason: str) -> Job:
        """Mark a QUEUED or RUNNING job FAILED with ``reason`` (never overwrites a commit)."""
        props = {"reason": reason, "stage": "failed"}
        return self._finish(job_id, (JobStatus.QUEUED, JobStatus.RUNNING), JobStatus.FAILED, props)

    def alerts_published(self, job_id: str, alerts: int) -> None:
        """Record that the job's alerts went out, so a rerun of the final step does not resend."""
        params = {"id": job_id, "alerts": alerts}
        self._client.write(
            lambda tx: tx.run(queries.load("job_alerts_published"), params).consume()
        )

    def stats(self) -> list[JobStats]:
        """Counts and run times by kind and status."""
        params = {"terminal": [status.value for status in TERMINAL]}
        return [
            JobStats(
                r["kind"],
                r["status"],
                int(r["jobs"]),
                int(r["runs"]),
                int(r["finished"]),
                float(r["seconds"]),
            )
            for r in self._client.fetch(queries.load("job_stats"), params)
        ]

    def _requeue(self, job_id: str, rule: Requeue, token: str | None = None) -> tuple[Job, bool]:
        params = rule.params() | {
            "id": job_id,
            "to": JobStatus.QUEUED,
            "token": token or uuid.uuid4().hex,
        }
        row = self._write_one("job_requeue", params)
        return _job(row["job"]), bool(row["requeued"])

    def _finish(
        self,
        job_id: str,
        allowed: Sequence[JobStatus],
        to: JobStatus,
        props: Mapping[str, Any],
    ) -> Job:
        return self._transition(job_id, allowed, to, props)[0]

    def _transition(
        self,
        job_id: str,
        allowed: Sequence[JobStatus],
        to: JobStatus,
        props: Mapping[str, Any],
        *,
        quiet_s: float | None = None,
    ) -> tuple[Job, bool]:
        params = {
            "id": job_id,
            "from": list(allowed),
            "to": to,
            "props": dict(props),
            "quiet_s": quiet_s,
        }
        row = self._write_one("job_finish", params)
        return _job(row["job"]), bool(row["finished"])

    def _write_one(self, query: str, params: Mapping[str, Any]) -> dict[str, Any]:
        rows = self._client.write(lambda tx: tx.run(queries.load(query), dict(params)).data())
        if not rows:
            raise JobNotFound(
                f"no job {params['id']!r}; `orthograph jobs list` shows existing jobs"
            )
        return rows[0]


@dataclass(frozen=True, slots=True)
class Requeue:
    """When ``job_requeue`` puts a job back to QUEUED: its status is in ``unconditional``; or
    in ``quiet`` and no sign of life for ``quiet_s`` seconds; or in ``gone`` and the state
    version ``version`` does not exist. ``requeues`` says what happens to the lost-worker
    count (``count``, ``keep``, ``reset``); ``reset_outputs`` clears counts and alerts."""

    unconditional: tuple[JobStatus, ...] = ()
    quiet: tuple[JobStatus, ...] = ()
    quiet_s: float = 0.0
    gone: tuple[JobStatus, ...] = ()
    version: str | None = None
    requeues: Literal["count", "keep", "reset"] = "keep"
    reset_outputs: bool = False

    def params(self) -> dict[str, Any]:
        """The query parameters of the rule."""
        return {
            "from": list(self.unconditional),
            "quiet": list(self.quiet),
            "quiet_s": self.quiet_s,
            "gone": list(self.gone),
            "version": self.version,
            "requeues": self.requeues,
            "reset_outputs": self.reset_outputs,
        }


def _seen(job: Job) -> str:
    """When the job last showed a sign of life, for messages."""
    seen = job.heartbeat_at or job.enqueued_at or job.created_at
    return seen.isoformat(timespec="seconds") if seen else "never"


def _job(node: Mapping[str, Any]) -> Job:
    """A ``Job`` from its node's properties (bookkeeping ones like ``token`` are left out)."""
    values = {f.name: node[f.name] for f in fields(Job) if node.get(f.name) is not None}
    values |= {
        "kind": JobKind(node["kind"]),
        "status": JobStatus(node["status"]),
        "options": json.loads(node.get("options") or "{}"),
        "scales": [int(s) for s in node.get("scales") or []],
    }
    for name in ("as_of", "created_at", "started_at", "finished_at", "enqueued_at", "heartbeat_at"):
        if name in values:
            values[name] = values[name].to_native()
    return Job(**values)
