"""Reconciliation: no job stays QUEUED or RUNNING for ever because a message or a worker was lost.

Every ``reconcile_interval_s``, one worker of the cluster (whichever takes the Redis lock
:data:`LOCK` first; it expires after the interval, so a dead holder blocks nobody) compares the
job records with the broker and acts on the jobs that show no sign of life:

- **QUEUED** for ``queued_stale_s`` since it was enqueued, no heartbeat and no message waiting
  in a queue: the message was lost (a crash between recording the job and enqueuing it, a
  flushed broker). It is enqueued again.
- **RUNNING** with no heartbeat (``workers.heartbeat``) for ``running_stale_s`` and no message
  waiting: its worker died with the task (``kill -9``, a lost host). It goes back to QUEUED and
  is enqueued, keeping its tile results; after ``max_requeues`` such losses it is FAILED and
  cleaned up instead, since the job itself may be what kills its workers.
- **FAILED** with its cleanup pending (a cancel) and no heartbeat for a few intervals: whatever
  it left behind (uncommitted state, tile results, registered raster) is deleted as
  ``workers.lifecycle.fail_job`` does.

A job that cannot be reconciled (a refusal of the graph) is logged and skipped, so it does not
block the others; an unreachable Neo4j or Redis ends the pass, and the next one tries again.

"Message waiting" is read from the queues themselves (:func:`waiting_jobs`): an imagery job whose
tiles wait behind another job's is alive, not lost. Enqueuing twice is safe: tasks are
idempotent and ``JobStore.start`` locks, and each transition re-checks the job's quiet time
under its write lock, so a heartbeat that arrives meanwhile wins.

The loop runs in a thread of each worker's parent process (:class:`ReconcileStep`, a Celery
bootstep), not in Celery beat: beat must run exactly once in a cluster, which ``-B`` on every
worker would break, while the lock lets any number of workers carry the loop.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import redis
from celery import Celery, bootsteps

from config.connections import REDIS_PROTOCOL
from config.tasks import QUEUES
from dispatch.queue import send_job
from graphdb.errors import GraphError
from graphdb.jobs import CANCELLED, Job, JobStatus
from workers.context import WorkerContext, passing_context
from workers.errors import TRANSIENT, WorkerError
from workers.events import publish_job
from workers.lifecycle import fail_job
from workers.settings import HEARTBEATS_MISSED, WorkerSettings, get_settings

log = logging.getLogger(__name__)

LOCK = "orthograph:reconcile"
"""Redis key held by the worker that reconciles in the current interval."""
SCAN_PAGE = 1_000
"""Messages read per ``LRANGE`` while looking for waiting jobs."""

Send = Callable[[Job], None]


@dataclass
class Reconciled:
    """What one pass did, by job id."""

    reenqueued: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)


def reconcile(ctx: WorkerContext, settings: WorkerSettings, send: Send) -> Reconciled:
    """One pass over the quiet jobs (see the module docstring); ``send`` enqueues a job."""
    done = Reconciled()
    waiting = waiting_jobs(ctx.redis)
    stale = ctx.jobs.stale(
        queued_s=settings.queued_stale_s,
        running_s=settings.running_stale_s,
        failed_s=HEARTBEATS_MISSED * settings.heartbeat_interval_s,
    )
    for job in stale:
        try:
            _act(ctx, settings, send, job, waiting, done)
        except TRANSIENT:
            raise
        except (GraphError, WorkerError) as exc:
            log.error("job %s (%s) cannot be reconciled: %s", job.id, job.status.value, exc)
    return done


def _act(
    ctx: WorkerContext,
    settings: WorkerSettings,
    send: Send,
    job: Job,
    waiting: set[str],
    done: Reconciled,
) -> None:
    """What to do with one quiet job (see the module docstring)."""
    if job.status is JobStatus.FAILED:
        clean_up(ctx, job)
        done.cleaned.append(job.id)
    elif job.id in waiting:
        return
    elif job.status is JobStatus.RUNNING and job.requeues >= settings.max_requeues:
        reason = (
            f"its worker was lost {job.requeues + 1} times while running it (no heartbeat "
            f"for {settings.running_stale_s:.0f} s); the input may crash or exhaust workers"
        )
        ended = ctx.jobs.give_up(job.id, reason, quiet_s=settings.running_stale_s)
        if ended is not None:
            clean_up(ctx, ended)
            done.failed.append(job.id)
    else:
        _take_back(ctx, settings, send, job, done)


def clean_up(ctx: WorkerContext, job: Job) -> None:
    """Delete what a FAILED job whose cleanup is pending left behind, then clear the mark.

    Safe against a concurrent retry: no job is requeued while its cleanup is pending, so
    ``fail_job`` finds it FAILED and only cleans.
    """
    fail_job(ctx, job.id, job.reason or CANCELLED)
    ctx.jobs.cleaned(job.id)


def _take_back(
    ctx: WorkerContext, settings: WorkerSettings, send: Send, job: Job, done: Reconciled
) -> None:
    """Requeue a quiet job (if it is still quiet under its lock) and send it."""
    lost = job.status is JobStatus.RUNNING
    quiet_s = settings.running_stale_s if lost else settings.queued_stale_s
    taken = ctx.jobs.reclaim(job.id, job.status, quiet_s=quiet_s)
    if taken is None:
        return
    send(taken)
    publish_job(ctx.redis, taken)
    if lost:
        log.warning(
            "job %s: worker %s (pid %s) sent no heartbeat since %s; requeued (%d)",
            job.id, job.worker, job.worker_pid, job.heartbeat_at, taken.requeues,
        )  # fmt: skip
        done.requeued.append(job.id)
    else:
        log.warning("job %s: QUEUED with no message since %s; sent again", job.id, job.enqueued_at)
        done.reenqueued.append(job.id)


def waiting_jobs(client: redis.Redis, queues: Iterable[str] = QUEUES) -> set[str]:
    """Ids of the jobs with a task message waiting in one of ``queues`` (not yet delivered).

    Reads each queue list whole, a page at a time; workers pop from the other end, so a page
    boundary can repeat a message but never skip one.
    """
    found: set[str] = set()
    for queue in queues:
        start = 0
        while batch := client.lrange(queue, start, start + SCAN_PAGE - 1):
            found.update(job for job in map(_job_of, batch) if job)
            start += SCAN_PAGE
    return found


def _job_of(raw: bytes | str) -> str | None:
    """The ``job_id`` keyword argument of one kombu message on Redis, if it has one."""
    try:
        envelope = json.loads(raw)
        body: Any = envelope["body"]
        if envelope.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        _, kwargs, _ = json.loads(body)
    except (ValueError, KeyError, TypeError):
        return None
    job_id = kwargs.get("job_id") if isinstance(kwargs, dict) else None
    return str(job_id) if job_id else None


class ReconcileLoop:
    """Runs :func:`reconcile` every interval in a daemon thread, when this worker holds the lock."""

    def __init__(self, settings: WorkerSettings, celery: Celery, node: str) -> None:
        self._settings = settings
        self._celery = celery
        self._node = node
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="reconcile", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def run_once(self, client: redis.Redis) -> Reconciled | None:
        """One pass if this worker takes the lock for the interval; None if another has it."""
        hold_ms = int(self._settings.reconcile_interval_s * 1000)
        if not client.set(LOCK, self._node, nx=True, px=hold_ms):
            return None
        with passing_context() as ctx:
            done = reconcile(
                ctx, self._settings, lambda job: send_job(self._celery, job.kind, job.id)
            )
        if done.reenqueued or done.requeued or done.failed or done.cleaned:
            log.info("reconciled: %s", done)
        return done

    def _loop(self) -> None:
        client = redis.Redis.from_url(
            self._settings.redis_url, protocol=REDIS_PROTOCOL, socket_timeout=30
        )
        try:
            while not self._stop.is_set():
                try:
                    self.run_once(client)
                except Exception:
                    # A supervisor loop: one bad pass (Neo4j or Redis away, a bug) must not end
                    # reconciliation for the life of the worker. The next pass tries again.
                    log.exception("reconciliation pass failed; next try in an interval")
                self._stop.wait(self._settings.reconcile_interval_s)
        finally:
            client.close()


class ReconcileStep(bootsteps.StartStopStep):
    """Worker bootstep: the reconcile loop in the worker's parent, after the pool started."""

    requires = {"celery.worker.components:Pool"}

    def create(self, parent: Any) -> ReconcileLoop:
        return ReconcileLoop(get_settings(), parent.app, parent.hostname)
