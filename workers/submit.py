"""Submitting a job: stage the input, MERGE the job record, enqueue it once.

The CLI calls :func:`submit_job`. The API, which never imports ``workers``, does the same three
steps: ``intake.store.stage_input`` into the same store, ``JobStore.submit`` from
``graphdb.jobs``, then, only when ``Submitted.enqueue`` is True, ``send_task`` of the kind's
task (``config.tasks.INGEST_TASKS``) with ``kwargs={"job_id": id}`` on its queue
(``config.tasks.TASK_QUEUES``). The job id is in the message's arguments, so Flower and
``celery inspect`` show which job a message belongs to; the task id stays Celery's own, fresh
for each enqueue, so a requeued job starts with a clean delivery count.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from celery import Celery

from config.tasks import INGEST_TASKS, TASK_QUEUES
from graphdb.client import GraphClient
from graphdb.jobs import Job, JobKind, JobSpec, JobStore, Option, Submitted
from graphdb.schema import apply_schema
from intake.store import stage_input, stage_options
from workers.settings import WorkerSettings


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
    resolved = stage_options(options, settings.home)
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
        apply_schema(client)
        submitted = JobStore(client).submit(spec)
    finally:
        client.close()
    if submitted.enqueue:
        enqueue(celery, submitted.job)
    return submitted


def enqueue(celery: Celery, job: Job) -> None:
    """Send the job's first task by name to its queue (submit, retry and the reconciler)."""
    task = INGEST_TASKS[job.kind]
    celery.send_task(task, kwargs={"job_id": job.id}, queue=TASK_QUEUES[task])
