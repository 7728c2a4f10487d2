"""Submitting a job: stage the input, MERGE the job record, enqueue it once.

The CLI calls :func:`submit_job`. The API, which never imports ``workers``, does the same three
steps with its own upload store: ``JobStore.submit`` from ``graphdb.jobs``, then, only when
``Submitted.enqueue`` is True, ``send_task(<config.tasks name>, kwargs={"job_id": id},
queue=QUEUE_CPU)``. The job id is in the message's arguments, so Flower and ``celery inspect``
show which job a message belongs to; the task id stays Celery's own, fresh for each enqueue, so
a requeued job starts with a clean delivery count.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from celery import Celery

from config.tasks import INGEST_IMAGERY, INGEST_VECTOR, QUEUE_CPU
from graphdb.client import GraphClient
from graphdb.jobs import JobKind, JobSpec, JobStore, Option, Submitted
from workers.inputs import stage_input
from workers.settings import WorkerSettings

TASK_OF_KIND = {JobKind.IMAGERY: INGEST_IMAGERY, JobKind.VECTOR: INGEST_VECTOR}


def submit_job(
    settings: WorkerSettings,
    celery: Celery,
    *,
    kind: JobKind,
    path: Path,
    state: str,
    area: str,
    as_of: date,
    options: Mapping[str, Option],
) -> Submitted:
    """Stage ``path``, create (or find) the job and enqueue it if this call created it.

    A ``mapping`` option naming a file is staged too, so workers read the same mapping.
    """
    staged = stage_input(path, settings.home)
    resolved = dict(options)
    mapping = resolved.get("mapping")
    if isinstance(mapping, str):
        resolved["mapping"] = str(stage_input(Path(mapping), settings.home).path)
    spec = JobSpec(
        kind=kind,
        input_path=str(staged.path),
        input_sha256=staged.sha256,
        input_name=staged.name,
        state=state,
        area=area,
        as_of=as_of,
        options=resolved,
    )
    client = GraphClient.connect(settings)
    try:
        jobs = JobStore(client)
        jobs.ensure_schema()
        submitted = jobs.submit(spec)
    finally:
        client.close()
    if submitted.enqueue:
        celery.send_task(
            TASK_OF_KIND[kind],
            kwargs={"job_id": submitted.job.id},
            queue=QUEUE_CPU,
        )
    return submitted
