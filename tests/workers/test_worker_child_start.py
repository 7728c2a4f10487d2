"""A lost pool child whose model loads slowly is replaced once, and its job still commits.

Each pool child loads the segmenter before it tells the parent it is up. Celery's parent gave a
replacement child 4 s for that; the default model takes longer on a busy machine, so after a
``kill -9`` every replacement was killed in turn and the job stayed RUNNING for ever. Here the
segmenter sleeps longer than Celery's default before it is ready, as a slow model load would.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import date
from pathlib import Path

from graphdb.jobs import JobStatus, JobStore
from tests.workers.harness import Hold, Submit, Workers, wait_for_job
from tests.workers.scenes import ColourSegmenter, colour_segmenter, write_scene

SLOW_SEGMENTER = "tests.workers.test_worker_child_start:slow_colour_segmenter"
"""How the worker imports :func:`slow_colour_segmenter` (pytest's own module name differs)."""
LOAD_S = 10.0
"""The segmenter's load time: longer than Celery's default child start-up timeout (4 s)."""


def slow_colour_segmenter(checkpoint: str | None = None) -> ColourSegmenter:
    """The test segmenter, ready only after :data:`LOAD_S` (a worker loads it by this path)."""
    time.sleep(LOAD_S)
    return colour_segmenter(checkpoint)


def test_a_killed_child_with_a_slow_model_is_replaced_once_and_the_job_commits(
    workers: Workers, jobs: JobStore, submit: Submit, tmp_path: Path
) -> None:
    scene = write_scene(tmp_path / "south.tif")
    hold = Hold.armed(tmp_path / "hold")
    worker = workers.start(segmenter=SLOW_SEGMENTER, **hold.settings)
    job = submit(
        "imagery", scene, state="slow-child", as_of=date(2024, 5, 1),
        scales=[2000], tile_size=64, overlap=8,
    ).job  # fmt: skip
    killed = hold.held_pid(workers)
    os.kill(killed, signal.SIGKILL)
    hold.release()
    done = wait_for_job(jobs, job.id, workers)
    assert done.status is JobStatus.COMMITTED, done.reason
    log = worker.log.read_text(errors="replace")
    assert "Timed out waiting for UP message" not in log, worker.tail()
    assert [child.pid for child in worker.children()] != [killed]
    assert len(worker.children()) == 1, "one replacement child, not a loop of them"
