"""Submitting a job: stage the input, MERGE the job record, enqueue it once.

``orthograph jobs submit`` and the benchmarks call :func:`submit_job`; the API takes the same
steps with its own error answers (``api.jobs.mutations``). A resubmitted input with the same
parameters finds its job and enqueues nothing (``graphdb.jobs.Submitted.enqueue``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from celery import Celery

from config.connections import Connections
from dispatch.queue import send_job
from graphdb.client import GraphClient
from graphdb.jobs import JobKind, JobSpec, JobStore, Option, Submitted
from graphdb.schema import apply_schema
from intake.store import stage_input, stage_options


def submit_job(
    settings: Connections,
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
        send_job(celery, submitted.job.kind, submitted.job.id)
    return submitted
