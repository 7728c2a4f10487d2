"""Job events on Redis pub/sub: status and progress on ``JOB_PROGRESS_CHANNEL_PREFIX + job_id``.

The graph holds the truth (``graphdb.jobs``); these events only tell live listeners (the API's
subscriptions, ``orthograph jobs status --follow``) that something changed. Pub/sub keeps no
history, so a listener that connects late reads the job from the graph first.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import redis

from config.tasks import job_channel
from graphdb.jobs import Job


def job_event(job: Job) -> dict[str, Any]:
    """The event payload of a job as it stands (plain JSON values)."""
    return {
        "job_id": job.id,
        "kind": job.kind.value,
        "status": job.status.value,
        "progress": round(job.progress, 4),
        "stage": job.stage,
        "reason": job.reason,
        "state": job.state,
        "runs": job.runs,
        "at": datetime.now(UTC).isoformat(),
    }


def publish_job(client: redis.Redis, job: Job) -> None:
    """Publish the job's current status and progress."""
    client.publish(job_channel(job.id), json.dumps(job_event(job)))
