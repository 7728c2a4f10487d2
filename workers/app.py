"""The one Celery app: broker and results on Redis, and every reliability rule in one place.

- **Acks late, requeue on a lost worker**: a message is acknowledged only after its task
  returns; a pool child killed mid-task (OOM, ``kill -9``) puts it back at once
  (``task_reject_on_worker_lost``). A whole worker that dies leaves it unacknowledged in Redis;
  its job's heartbeat stops (``workers.heartbeat``) and the reconciler (``workers.reconcile``,
  a thread of every worker's parent, one at a time) requeues the job after ``running_stale_s``.
  The message itself comes back only after the visibility timeout, derived from the longest
  hold (``WorkerSettings.visibility``), and then finds its job done. Tasks are idempotent
  (``workers.lifecycle``), so a second delivery leaves the graph as one would.
- **Cancel**: the heartbeat of a running job task reads the job's status; a job cancelled (or
  failed by another task) meanwhile interrupts the task, which cleans up like any failure.
- **Broker lost**: a task that runs while the connection to Redis drops runs on (Celery's
  ``worker_cancel_long_running_tasks_on_connection_loss`` is off): cancelling needs the result
  backend, the same Redis, so the cancel failed, the task was recorded REVOKED and its message
  acknowledged, which failed the imagery chord and left the job RUNNING. Its message may come
  back after the visibility timeout; the second run changes nothing.
- **Prefetch 1**: a worker reserves no more messages than it runs, so a long job does not hold
  others hostage and a dead worker strands as few as possible.
- **Retries** (:class:`OrthographTask`): errors in ``workers.errors.TRANSIENT`` are retried
  ``max_retries`` times with exponential backoff and jitter; anything else fails the job at
  once with its message as the reason (:class:`JobTask`). A retry that cannot be sent (Redis
  is down too) requeues the message itself rather than failing the job.
- **Poison messages**: a message that killed its worker process ``max_deliveries`` times fails
  its job instead of being redelivered forever.
- **Time limits**: past ``soft_time_limit_s`` a job is FAILED with a reason; past
  ``hard_time_limit_s`` (code stuck where the soft limit cannot reach it) its process is killed
  and replaced, and the parent records the job FAILED.
- **Memory**: a pool child above ``max_memory_per_child_kb`` is replaced after its task.
- **Child start-up**: a pool child loads the model before it reports up; the parent waits
  ``child_start_timeout_s`` for that (Celery's ``worker_proc_alive_timeout``, 4 s by default,
  would kill every replacement of a lost child whose model takes longer, for ever).

Configuration is computed from :class:`~workers.settings.WorkerSettings` when Celery first
needs it, not at import. The model is loaded in each pool child after the fork, and only on
workers that consume the ``gpu`` queue: the parent never touches CUDA.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from celery import Celery, Task
from celery.exceptions import Reject, Retry, SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import (
    celeryd_after_setup,
    worker_process_init,
    worker_process_shutdown,
    worker_ready,
)

from config.tasks import QUEUE_CPU, QUEUE_GPU, TASK_QUEUES
from graphdb.errors import GraphError
from ingest.errors import IngestError, SegmenterUnavailable
from intake.errors import IntakeError
from model.errors import ModelError
from workers.context import close_context, context, passing_context
from workers.errors import (
    TRANSIENT,
    JobCancelled,
    TilesPending,
    WorkerError,
    WorkerLostRepeatedly,
)
from workers.heartbeat import job_watch
from workers.lifecycle import fail_job
from workers.reconcile import ReconcileStep
from workers.settings import WorkerSettings, get_settings

log = logging.getLogger(__name__)

ROUTES: dict[str, dict[str, str]] = {task: {"queue": queue} for task, queue in TASK_QUEUES.items()}
"""Celery's ``task_routes``: the queue of every task, as ``config.tasks.TASK_QUEUES`` says."""

DOMAIN_ERRORS: tuple[type[Exception], ...] = (
    IngestError,
    IntakeError,
    GraphError,
    ModelError,
    WorkerError,
)
"""Refusals with a message for the user: the job fails with it, without a traceback."""

DELIVERY_KEY = "orthograph:deliveries:"


def celery_config(settings: WorkerSettings) -> dict[str, Any]:
    """Celery settings from the worker settings (the only place they are set)."""
    return {
        "broker_url": settings.redis_url,
        "result_backend": settings.redis_url,
        "broker_transport_options": {
            "visibility_timeout": settings.visibility,
            "unacked_restore_interval": settings.unacked_restore_interval_s,
            "unacked_restore_throttle": 1,
        },
        "broker_connection_retry_on_startup": True,
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": settings.soft_time_limit_s,
        "task_time_limit": settings.hard_time_limit_s,
        "task_default_queue": QUEUE_CPU,
        "task_routes": ROUTES,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_expires": settings.result_expires_s,
        "task_track_started": True,
        "task_send_sent_event": True,
        "worker_send_task_events": True,
        "worker_max_memory_per_child": settings.max_memory_per_child_kb,
        "worker_proc_alive_timeout": settings.child_start_timeout_s,
    }


def retry_delay(settings: WorkerSettings, retries: int) -> float:
    """Seconds before retry number ``retries + 1``: doubling from ``retry_backoff_s``, capped,
    with jitter (50-100%) so workers that failed together do not retry together."""
    delay = min(settings.retry_backoff_s * 2**retries, settings.retry_backoff_max_s)
    return delay * (0.5 + random.random() / 2)


class OrthographTask(Task):
    """Base of every task: retries transient errors with backoff, the same way everywhere."""

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.execute(*args, **kwargs)
        except TRANSIENT as exc:
            settings = get_settings()
            limit = (
                settings.tile_wait_retries
                if isinstance(exc, TilesPending)
                else settings.max_retries
            )
            if self.request.retries >= limit:
                raise
            log.info("%s: %s; retry %d of %d", self.name, exc, self.request.retries + 1, limit)
            try:
                raise self.retry(
                    exc=exc,
                    countdown=retry_delay(settings, self.request.retries),
                    max_retries=limit,
                ) from exc
            except Reject as unsent:
                # Celery could not send the retry (the broker is what failed) and would drop
                # this message; it goes back to the queue instead, or stays unacknowledged.
                raise Reject(unsent.reason, requeue=True) from exc

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        """One attempt at the task (what the retry policy wraps)."""
        return self.run(*args, **kwargs)


class JobTask(OrthographTask):
    """Base of the tasks of one job (keyword argument ``job_id``): errors fail the job.

    A domain error, a transient error that outlived its retries, the soft time limit or a
    cancel noticed mid-task (``workers.heartbeat``) marks the job FAILED with a reason (a
    cancelled job keeps its own) and cleans up its uncommitted state; the task then returns
    normally, so its message is acknowledged and the worker moves on. An unexpected error does
    the same and is re-raised, so its traceback reaches the log.
    """

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        job_id = str(kwargs["job_id"])
        try:
            with job_watch().running(job_id, str(self.request.hostname)):
                return super().__call__(*args, **kwargs)
        except (Retry, Reject):
            raise
        except JobCancelled as exc:
            self._stopped(job_id, exc)
        except SoftTimeLimitExceeded:
            limit = get_settings().soft_time_limit_s
            self._fail(job_id, f"{self.name} ran past the soft time limit of {limit:.0f} s")
        except TRANSIENT as exc:
            self._fail(job_id, f"gave up after {self.request.retries} retries: {exc}")
        except DOMAIN_ERRORS as exc:
            self._fail(job_id, str(exc))
        except Exception as exc:
            self._fail(job_id, f"internal error in {self.name}: {type(exc).__name__}: {exc}")
            raise
        return None

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        """Count the delivery first: a message that keeps killing its process fails the job."""
        if self._lost_too_often():
            raise WorkerLostRepeatedly(
                f"the worker process died {get_settings().max_deliveries} times running "
                f"{self.name}; the input may crash the reader or the model, or exhaust memory"
            )
        return super().execute(*args, **kwargs)

    def _lost_too_often(self) -> bool:
        """Count this delivery; True when it is one too many (see the module docstring)."""
        settings = get_settings()
        key = f"{DELIVERY_KEY}{self.request.id}:{self.request.retries}"
        pipe = context().redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, int(settings.visibility * 4))
        deliveries = int(pipe.execute()[0])
        return deliveries > settings.max_deliveries

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Record a job whose process was killed at the hard time limit (called in the worker's
        parent, which holds no connections: it opens and closes its own)."""
        if isinstance(exc, TimeLimitExceeded):
            limit = get_settings().hard_time_limit_s
            reason = f"{self.name} was killed at the hard time limit of {limit:.0f} s"
            try:
                with passing_context() as ctx:
                    fail_job(ctx, str(kwargs["job_id"]), reason)
            except TRANSIENT as error:
                log.error(
                    "job %s: %s, and the failure cannot be recorded: %s",
                    kwargs["job_id"],
                    reason,
                    error,
                )

    def _stopped(self, job_id: str, exc: JobCancelled) -> None:
        """Clean up after a task interrupted by a cancel, and clear the job's cleanup mark (or
        leave it to the reconciler). The interrupt may have landed inside a driver call, so the
        process's connections are replaced first."""
        close_context()
        try:
            fail_job(context(), job_id, str(exc))
            context().jobs.cleaned(job_id)
        except TRANSIENT as error:
            log.error("job %s stopped (%s); cleanup left to the reconciler: %s", job_id, exc, error)

    def _fail(self, job_id: str, reason: str) -> None:
        try:
            fail_job(context(), job_id, reason)
        except TRANSIENT as exc:
            log.error(
                "job %s failed (%s) and the failure cannot be recorded: %s", job_id, reason, exc
            )


app = Celery("orthograph", include=["workers.tasks"])
app.add_defaults(lambda: celery_config(get_settings()))
app.steps["worker"].add(ReconcileStep)

_serves_gpu = False
"""Set in the parent once the queues are known, inherited by every pool child."""


@celeryd_after_setup.connect
def _remember_queues(sender: str, instance: Any, **_: Any) -> None:
    global _serves_gpu
    _serves_gpu = QUEUE_GPU in instance.app.amqp.queues.consume_from


@worker_process_init.connect
def _open_process(**_: Any) -> None:
    """Connect (and load the model on ``gpu`` workers) in the fresh pool child."""
    try:
        ctx = context()
        if _serves_gpu:
            log.info("segmenter %r loaded", ctx.segmenter().name)
    except TRANSIENT as exc:
        log.warning("services not reachable at process start (%s); tasks will retry", exc)
    except SegmenterUnavailable as exc:
        log.error("%s; imagery tile tasks will fail until it is fixed", exc)


@worker_process_shutdown.connect
def _close_process(**_: Any) -> None:
    close_context()


@worker_ready.connect
def _serve_metrics(**_: Any) -> None:
    settings = get_settings()
    if settings.metrics_port:
        from workers.metrics import serve_metrics

        serve_metrics(settings)
