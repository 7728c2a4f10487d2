"""``orthograph jobs``: submit ingestion jobs to the workers, follow, list, retry and cancel them.

Submitting stages the input in the shared store, creates the job record and enqueues it, once:
the same file with the same parameters gives back the existing job. Errors become one line on
stderr and an exit code from ``cli.errors`` (6 for a followed job that FAILED); no traceback.
The job system (neo4j, celery) is imported inside the commands, so ``orthograph --help`` stays
fast. Jobs are enqueued by task name through ``dispatch`` and events read on the channel
``config.tasks`` names: this module imports nothing of ``workers``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from cli.errors import JOB_FAILED, BadInput, cli_errors
from cli.options import as_of_date, parse_ints
from config.connections import REDIS_PROTOCOL
from config.tasks import INGEST_TASKS, job_channel
from intake.checks import check_input_file, check_job_fields

if TYPE_CHECKING:
    from celery import Celery

    from graphdb.jobs import Job, JobStore

app = typer.Typer(help="Ingestion jobs run by the workers.", no_args_is_help=True)

KINDS = tuple(INGEST_TASKS)
STATUSES = ("QUEUED", "RUNNING", "COMMITTED", "FAILED")
FOLLOW_POLL_S = 2.0
BROKER_TIMEOUT_S = 10.0
"""How long enqueueing waits for the broker before the command gives up (exit 5)."""

T = TypeVar("T")


def _run(action: Callable[[], T]) -> T:
    """Run ``action``, ending the command on a known error (``cli.errors``)."""
    with cli_errors("jobs"):
        return action()


def _as_dict(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind.value,
        "status": job.status.value,
        "progress": job.progress,
        "stage": job.stage,
        "reason": job.reason,
        "state": job.state,
        "area": job.area,
        "as_of": job.as_of.isoformat(),
        "input": job.input_name,
        "runs": job.runs,
        "requeues": job.requeues,
        "worker": job.worker,
        "heartbeat_at": job.heartbeat_at.isoformat() if job.heartbeat_at else None,
        "objects": job.objects,
        "relations": job.relations,
        "alerts": job.alerts,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def _line(job: Job) -> str:
    detail = job.reason if job.reason else f"{job.progress:.0%} {job.stage}"
    return f"{job.id}  {job.kind.value:<7} {job.status.value:<9} {job.state:<24} {detail}"


def _print(job: Job, as_json: bool) -> None:
    typer.echo(json.dumps(_as_dict(job)) if as_json else _line(job))


@app.command("submit")
def submit(
    kind: Annotated[str, typer.Argument(help="imagery or vector.")],
    path: Annotated[Path, typer.Argument(help="GeoTIFF/COG, or a vector file (PBF, GPKG...).")],
    state: Annotated[str, typer.Option(help="Name of the map state the job commits.")],
    area: Annotated[
        str | None,
        typer.Option(
            help="Area the state maps (default: the file's stem); alerts compare "
            "states of one area."
        ),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Date the data shows (default: an image's acquisition tag, else file date).",
        ),
    ] = None,
    scales: Annotated[str | None, typer.Option(help="Scales, e.g. 2000,10000.")] = None,
    tile_size: Annotated[int | None, typer.Option(help="Imagery tile size (px).")] = None,
    overlap: Annotated[int | None, typer.Option(help="Imagery tile overlap (px).")] = None,
    bands: Annotated[str | None, typer.Option(help="Imagery bands as r,g,b or one.")] = None,
    layer: Annotated[str | None, typer.Option(help="Vector layer to read.")] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Vector class-mapping YAML for non-OSM layers.")
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            help="Write a new version of an existing state; the current one stays readable "
            "until the job commits, then is kept as history."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the job as JSON.")] = False,
) -> None:
    """Submit a job; prints the job (the existing one if this input was submitted before)."""

    def action() -> Job:
        from dispatch.settings import get_job_settings
        from dispatch.submit import submit_job
        from graphdb.jobs import JobKind

        if kind not in KINDS:
            raise BadInput(f"kind must be one of {KINDS}, got {kind!r}")
        check_input_file(path)
        if mapping is not None:
            check_input_file(mapping, "mapping")
        day = as_of_date(as_of) or _default_date(kind, path)
        name = area or path.name.split(".")[0]
        options = check_job_fields(
            state=state,
            area=name,
            as_of=day,
            options={
                "scales": parse_ints(scales, "scales"),
                "tile_size": tile_size,
                "overlap": overlap,
                "bands": parse_ints(bands, "bands"),
                "layer": layer,
                "mapping": str(mapping) if mapping else None,
                "replace": True if replace else None,
            },
        )
        settings = get_job_settings()
        with _task_client(settings.redis_url) as celery:
            submitted = submit_job(
                settings,
                celery,
                kind=JobKind(kind),
                path=path,
                state=state,
                area=name,
                as_of=day,
                options=options,
            )
        return submitted.job

    _print(_run(action), as_json)


@app.command("status")
def status(
    job_id: Annotated[str, typer.Argument(help="Job id (from submit or list).")],
    follow: Annotated[
        bool, typer.Option(help="Print progress until the job is COMMITTED or FAILED.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one job; with --follow, its progress until it ends (exit 6 if it FAILED)."""
    from graphdb.jobs import JobStatus

    job = _run(lambda: _with_store(lambda store: store.get(job_id)))
    _print(job, as_json)
    if follow:
        job = _run(lambda: _follow(job, as_json))
    if follow and job.status is JobStatus.FAILED:
        raise typer.Exit(JOB_FAILED)


@app.command("list")
def list_jobs(
    status: Annotated[str | None, typer.Option(help="Only jobs in this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """The latest jobs, newest first."""
    from graphdb.jobs import JobStatus

    def action() -> list[Job]:
        if status is not None and status.upper() not in STATUSES:
            raise BadInput(f"status must be one of {STATUSES}, got {status!r}")
        chosen = JobStatus(status.upper()) if status else None
        return _with_store(lambda store: store.recent(status=chosen, limit=limit))

    for job in _run(action):
        _print(job, as_json)


@app.command("retry")
def retry(
    job_id: Annotated[str, typer.Argument(help="Job id (from submit or list).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Queue a FAILED job again, or a QUEUED or RUNNING one that shows no sign of life (exit 3
    when it is COMMITTED or alive)."""

    def action() -> Job:
        from dispatch.queue import send_job
        from dispatch.settings import get_job_settings

        settings = get_job_settings()
        job = _with_store(lambda store: store.retry(job_id, stuck_after_s=settings.running_stale_s))
        with _task_client(settings.redis_url) as celery:
            send_job(celery, job.kind, job.id)
        return job

    _print(_run(action), as_json)


@app.command("cancel")
def cancel(
    job_id: Annotated[str, typer.Argument(help="Job id (from submit or list).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """End a QUEUED or RUNNING job as FAILED "cancelled" (exit 3 when it had ended); a running
    task stops at its next heartbeat and a worker deletes what the job left behind."""
    _print(_run(lambda: _with_store(lambda store: store.cancel(job_id))), as_json)


def _with_store(work: Callable[[JobStore], T]) -> T:
    """Run ``work`` with a job store on a fresh connection, closed afterwards."""
    from dispatch.settings import get_job_settings
    from graphdb.client import GraphClient
    from graphdb.jobs import JobStore

    client = GraphClient.connect(get_job_settings())
    try:
        return work(JobStore(client))
    finally:
        client.close()


@contextmanager
def _task_client(broker_url: str) -> Iterator[Celery]:
    """A Celery client that sends tasks by name (``dispatch.queue``), closed afterwards."""
    from dispatch.queue import task_client

    celery = task_client(broker_url, timeout_s=BROKER_TIMEOUT_S)
    try:
        yield celery
    finally:
        celery.close()


def _follow(job: Job, as_json: bool) -> Job:
    """Print each change of the job until it ends: Redis events, with the graph as the truth."""
    import redis

    from dispatch.settings import get_job_settings

    client = redis.Redis.from_url(get_job_settings().redis_url, protocol=REDIS_PROTOCOL)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(job_channel(job.id))
    try:
        seen = (job.status, job.stage)
        while not job.terminal:
            pubsub.get_message(timeout=FOLLOW_POLL_S)
            job = _reload(job.id)
            if (job.status, job.stage) != seen:
                seen = (job.status, job.stage)
                _print(job, as_json)
    finally:
        pubsub.close()
        client.close()
    return job


def _reload(job_id: str) -> Job:
    """The job as stored now."""
    return _with_store(lambda store: store.get(job_id))


def _default_date(kind: str, path: Path) -> date:
    """An image's acquisition date (TIFF tag, else file date); a map file's modification date."""
    if kind == "imagery":
        from ingest.imagery.acquired import acquisition_date

        return acquisition_date(path)[0]
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()
