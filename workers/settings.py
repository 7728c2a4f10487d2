"""Settings of a worker process: the job settings plus Celery's reliability knobs.

Read once per process through :func:`get_settings` (cached), never at import time. The
validators hold the invariants the Redis broker needs for exactly-once effects: a message that
is being worked on is handed to another worker once ``visibility_timeout_s`` has passed, so the
visibility timeout must outlast the longest a task holds its message: the hard time limit, or
the longest retry countdown (a retried task waits for its countdown holding the message). Left
unset it is derived from them (:attr:`WorkerSettings.visibility`). A dead worker's job does not
wait for it: the reconciler (``workers.reconcile``) requeues a job whose heartbeat stopped after
``running_stale_s``, which must in turn outlast the longest retry countdown and a few
heartbeats, or a job waiting for its retry would be taken for lost.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from dispatch.settings import JobSettings

HEARTBEATS_MISSED = 3
"""Heartbeat intervals a job may miss on top of the longest retry delay before it is stale."""
VISIBILITY_MARGIN_S = 300.0
"""Least margin of the derived visibility timeout over the longest hold."""


class WorkerSettings(JobSettings):
    """Worker configuration; environment prefix ``ORTHOGRAPH_`` like every settings class
    (``running_stale_s`` comes from :class:`~dispatch.settings.JobSettings`)."""

    soft_time_limit_s: float = Field(
        default=3_300.0, gt=0, description="A task past this gets SoftTimeLimitExceeded: FAILED."
    )
    hard_time_limit_s: float = Field(
        default=3_600.0, gt=0, description="A task past this is killed (its child is replaced)."
    )
    visibility_timeout_s: float | None = Field(
        default=None,
        gt=0,
        description="Unacknowledged messages go back to the queue after this; unset: the "
        "longest hold (hard time limit or longest retry delay) plus a margin.",
    )
    unacked_restore_interval_s: float = Field(
        default=10.0, gt=0, description="How often a worker sweeps for messages to restore."
    )
    max_retries: int = Field(
        default=6, ge=0, description="Retries of a task after a transient error (Neo4j, Redis)."
    )
    retry_backoff_s: float = Field(
        default=2.0, gt=0, description="First retry delay; doubles per retry (with jitter)."
    )
    retry_backoff_max_s: float = Field(default=300.0, gt=0, description="Cap of a retry delay.")
    max_deliveries: int = Field(
        default=4,
        ge=1,
        description="A job message that killed its worker process this often is FAILED.",
    )
    tile_wait_retries: int = Field(
        default=30,
        ge=0,
        description="How often the final step of an imagery job waits for missing tiles (with "
        "the retry backoff; the default outlasts the default visibility timeout, after which a "
        "tile lost with its worker is back).",
    )
    child_start_timeout_s: float = Field(
        default=180.0,
        gt=0,
        description="How long a new pool child may take to start, loading the model included "
        "(Celery's default, 4 s, is shorter than a model load: replacements of a lost child "
        "were killed in a loop).",
    )
    heartbeat_interval_s: float = Field(
        default=15.0,
        gt=0,
        description="How often the process running a job's task records the job's heartbeat "
        "(and notices a cancel).",
    )
    queued_stale_s: float = Field(
        default=600.0,
        gt=0,
        description="A QUEUED job without heartbeat or waiting message for this long since it "
        "was enqueued is enqueued again (its message was lost).",
    )
    reconcile_interval_s: float = Field(
        default=60.0, gt=0, description="How often one of the workers reconciles the jobs."
    )
    max_requeues: int = Field(
        default=3,
        ge=0,
        description="A job taken back from a lost worker this often is FAILED instead.",
    )
    max_memory_per_child_kb: int = Field(
        default=8_000_000, gt=0, description="A pool child above this RSS is replaced."
    )
    result_expires_s: int = Field(default=86_400, gt=0, description="Task results kept for.")
    segmenter: str = Field(
        default="model.inference:load_segmenter",
        description="``module:factory(checkpoint)`` returning the imagery segmenter.",
    )
    model_checkpoint: str | None = Field(
        default=None, description="Checkpoint the segmenter factory loads (None: its default)."
    )
    webhook_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated URLs that get alerts POSTed."
    )
    webhook_timeout_s: float = Field(default=10.0, gt=0, description="One webhook POST's limit.")
    metrics_port: int = Field(
        default=0, ge=0, le=65_535, description="Prometheus metrics port of a worker; 0: off."
    )

    @field_validator("webhook_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if isinstance(value, str):
            return [url.strip() for url in value.split(",") if url.strip()]
        return value

    @field_validator("webhook_urls")
    @classmethod
    def _check_urls(cls, urls: list[str]) -> list[str]:
        bad = [url for url in urls if not url.startswith(("http://", "https://"))]
        if bad:
            raise ValueError(f"webhook URLs must be http(s)://, got {bad}")
        return urls

    @model_validator(mode="after")
    def _check_limits(self) -> Self:
        if self.soft_time_limit_s >= self.hard_time_limit_s:
            raise ValueError(
                f"soft_time_limit_s ({self.soft_time_limit_s}) must be below hard_time_limit_s "
                f"({self.hard_time_limit_s}) so a job can record its failure before it is killed"
            )
        longest_hold = self._longest_hold()
        if self.visibility_timeout_s is not None and self.visibility_timeout_s <= longest_hold:
            raise ValueError(
                f"visibility_timeout_s ({self.visibility_timeout_s}) must exceed the hard time "
                f"limit and the longest retry delay ({longest_hold}); otherwise Redis hands a "
                "running task to a second worker"
            )
        quiet = self.retry_backoff_max_s + HEARTBEATS_MISSED * self.heartbeat_interval_s
        for name in ("running_stale_s", "queued_stale_s"):
            if getattr(self, name) <= quiet:
                raise ValueError(
                    f"{name} ({getattr(self, name)}) must exceed the longest retry delay plus "
                    f"{HEARTBEATS_MISSED} heartbeat intervals ({quiet}); otherwise a job "
                    "waiting for a retry is taken for lost"
                )
        return self

    @property
    def visibility(self) -> float:
        """The broker's visibility timeout in seconds: the setting, or the longest hold plus
        10% (at least :data:`VISIBILITY_MARGIN_S`)."""
        if self.visibility_timeout_s is not None:
            return self.visibility_timeout_s
        hold = self._longest_hold()
        return hold + max(VISIBILITY_MARGIN_S, hold / 10)

    def _longest_hold(self) -> float:
        """Seconds a task may hold its message: running to the hard limit, or in a countdown."""
        return max(self.hard_time_limit_s, self.retry_backoff_max_s)


@lru_cache(maxsize=1)
def get_settings() -> WorkerSettings:
    """The process's worker settings, read from the environment on first use."""
    return WorkerSettings()
