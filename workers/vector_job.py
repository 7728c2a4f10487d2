"""A vector job: one map file to one committed multi-scale map state, then its change alerts.

The scene graph is built in memory first (``ingest.vector.pipeline``; deterministic keys), and
only then written, so an uncommitted state exists just for the write. A rerun after a crash
writes the same records into the same owned state (MERGE) and commits it; a rerun after the
commit goes straight to the alerts (see ``workers.lifecycle``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from graphdb.jobs import Job
from graphdb.models import StateStatus
from graphdb.publish import scales_present
from ingest.vector.pipeline import build_scene_graph
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
    state = owned_state(ctx, job)
    if state is None or state.status is StateStatus.UNCOMMITTED:
        options = job.options
        mapping = options.get("mapping")
        scales = options.get("scales")
        layer = options.get("layer")
        built = build_scene_graph(
            job.input_path,
            mapping=str(mapping) if mapping else None,
            scales=[int(s) for s in scales] if isinstance(scales, list) else None,
            layer=str(layer) if layer else None,
            progress=_throttled(ctx, job),
        )
        graph = built.graph
        report(ctx, job, 0.6, f"writing {len(graph.objects)} objects")
        begin_state(ctx, job, graph.coverage)
        ctx.graph.write(job.state, graph.objects, graph.relations)
        report(ctx, job, 0.9, "committing")
        state = commit_state(ctx, job)
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
