"""The tasks: thin, keyword-only primitive arguments, stable names, one service call each.

Names and queues come from ``config.tasks``; acknowledgement, retries and time limits from
``workers.app``; what each task does is in the service it calls (``workers.vector_job``,
``workers.imagery_job``, ``workers.notify``).
"""

from __future__ import annotations

from celery import chord

from config.tasks import (
    FINISH_IMAGERY,
    INFER_TILE,
    INGEST_IMAGERY,
    INGEST_VECTOR,
    NOTIFY_WEBHOOK,
)
from workers.app import JobTask, OrthographTask, app
from workers.imagery_job import TileSpec, finish_imagery_job, plan_imagery_job, run_tile
from workers.lifecycle import Outcome
from workers.notify import deliver_alerts
from workers.settings import get_settings
from workers.vector_job import run_vector_job


@app.task(name=INGEST_VECTOR, base=JobTask)
def ingest_vector(*, job_id: str) -> str | None:
    """Read, generalise, relate, write and commit one vector file; diff and alert."""
    return _notify(run_vector_job(job_id))


@app.task(name=INGEST_IMAGERY, base=JobTask)
def ingest_imagery(*, job_id: str) -> int | None:
    """Validate and tile one image, then fan out one tile task per missing tile (a chord)."""
    plan = plan_imagery_job(job_id)
    if plan is None:
        return None
    finish = finish_imagery.si(job_id=job_id)
    if not plan.tiles:
        finish.apply_async()
        return 0
    chord(infer_tile.si(job_id=job_id, **tile.kwargs()) for tile in plan.tiles)(finish)
    return len(plan.tiles)


@app.task(name=INFER_TILE, base=JobTask)
def infer_tile(
    *,
    job_id: str,
    scale: int,
    row: int,
    col: int,
    col_off: int,
    row_off: int,
    width: int,
    height: int,
) -> bool:
    """Segment one tile of one scale and store its polygons (skipped if already stored)."""
    tile = TileSpec(scale, row, col, col_off, row_off, width, height)
    return run_tile(job_id, tile)


@app.task(name=FINISH_IMAGERY, base=JobTask)
def finish_imagery(*, job_id: str) -> str | None:
    """Once every tile is in the graph: merge, relate, commit, diff and alert."""
    return _notify(finish_imagery_job(job_id))


@app.task(name=NOTIFY_WEBHOOK, base=OrthographTask)
def notify_webhook(*, job_id: str, url: str) -> bool:
    """POST one job's alerts to one webhook receiver (retried while it is unreachable)."""
    return deliver_alerts(job_id, url)


def _notify(outcome: Outcome | None) -> str | None:
    """Queue a webhook delivery per configured receiver when alerts just went out."""
    if outcome is None:
        return None
    if outcome.notify:
        for url in get_settings().webhook_urls:
            notify_webhook.delay(job_id=outcome.job.id, url=url)
    return outcome.job.status.value
