"""Settings of everyone who controls jobs: the shared connections plus when a job counts as lost.

``running_stale_s`` is one setting for the workers' reconciler, which requeues a RUNNING job
whose heartbeat stopped that long ago, and for ``orthograph jobs retry``, which takes such a job
back by hand: both must agree on when a worker is gone. ``WorkerSettings`` extends this class.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from config.connections import Connections
from graphdb.jobs import STUCK_AFTER_S


class JobSettings(Connections):
    """Job control configuration; environment prefix ``ORTHOGRAPH_`` like every settings class."""

    running_stale_s: float = Field(
        default=STUCK_AFTER_S,
        gt=0,
        description="A RUNNING job without heartbeat (and no message waiting) for this long "
        "lost its worker: the reconciler requeues it and ``jobs retry`` may take it back.",
    )


@lru_cache(maxsize=1)
def get_job_settings() -> JobSettings:
    """The process's job settings, read from the environment on first use."""
    return JobSettings()
