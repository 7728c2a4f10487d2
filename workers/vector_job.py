"""A vector job: one map file to one committed multi-scale map state, then its change alerts.

The scene graph is built in memory first (``ingest.vector.pipeline``; deterministic keys), and
only then written, so an uncommitted state exists just for the write. A rerun after a crash
writes the same records into the same owned state (MERGE) and commits it; a rerun after the
commit goes straight to the alerts (see ``workers.lifecycle``). The stored input (and mapping)
is read by descriptor after its SHA-256 is checked (``intake.opened``): a file swapped or
changed since submission fails the job before anything is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack

from graphdb.jobs import Job
from graphdb.models import StateStatus
from graphdb.publish import scales_present
from ingest.vector.pipeline import build_scene_graph
from intake.checks import check_job_fields
from intake.opened import open_input, stored_sha256
from workers.context import WorkerContext, context
from workers.lifecycle import (
    Outcome,
    begin_state,
    commit_state,
    complete_job,
    owned_state,
    report,
    start_job,
)

PROGRESS_EVERY_S = 1.0
"""At most one progress record per second while the pipeline reads and relates."""


def run_vector_job(job_id: str) -> Outcome | None:
    """Run (or finish) the vector job ``job_id``; None when it had already ended."""
    ctx = context()
    job = start_job(ctx, job_id)
    if job is None:
        return None
    check_job_fields(
        input_path=job.input_path, state=job.state, area=job.area, as_of=job.as_of,
        options=job.options,
    )  # fmt: skip
    state = owned_state(ctx, job)
    if state is None or state.status is StateStatus.UNCOMMITTED:
        options = job.options
        mapping = options.get("mapping")
        scales = options.get("scales")
        layer = options.get("layer")
        with ExitStack() as held:
            source = held.enter_context(open_input(job.input_path, job.input_sha256))
            rules = (
                held.enter_context(open_input(str(mapping), stored_sha256(str(mapping)))).path
                if mapping
                else None
            )
            built = build_scene_graph(
                source.path,
                mapping=rules,
                scales=[int(s) for s in scales] if isinstance(scales, list) else None,
                layer=str(layer) if layer else None,
                progress=_throttled(ctx, job),
            )
        graph = built.graph
        report(ctx, job, 0.6, f"writing {len(graph.objects)} objects")
        version = begin_state(ctx, job, graph.coverage)
        ctx.graph.write(version.id, graph.objects, graph.relations)
        report(ctx, job, 0.9, "committing")
        state = commit_state(ctx, job, graph.observed)
    return complete_job(ctx, job, state, scales_present(ctx.graph, state))


def _throttled(ctx: WorkerContext, job: Job) -> Callable[[str], None]:
    """A pipeline progress callback that records a stage line at most every second."""
    last = 0.0

    def say(message: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S:
            last = now
            report(ctx, job, 0.3, message)

    return say
