"""Workers that heal, with real worker processes: a killed pool child, a killed worker, a cancel.

Each test stops one imagery task mid-way with the hold of ``tests/workers/scenes.py``, does
something drastic to it, and waits (bounded, ``JOB_WAIT_S``) for the job's end. The reconciler's
thresholds are set small through the settings environment, so a lost worker's job is taken back
in seconds; the visibility timeout stays at the harness's 300 s, so a recovery cannot have come
from the broker redelivering the lost message.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import redis
from neo4j import Driver

from config.connections import PROJECT_ROOT
from graphdb import ids
from graphdb.jobs import CANCELLED, Job, JobStatus, JobStore
from tests.ingest.imagery.imagery_files import nb_clip
from tests.workers.harness import (
    BIN,
    JOB_WAIT_S,
    Hold,
    Submit,
    Workers,
    wait_for_job,
    wait_until,
)
from tests.workers.scenes import write_scene

AS_OF = date(2024, 5, 1)
SMALL_TILES = {"scales": [2000], "tile_size": 64, "overlap": 8}
FAST_RECONCILE = {
    "heartbeat_interval_s": 1,
    "retry_backoff_max_s": 5,
    "running_stale_s": 10,
    "queued_stale_s": 20,
    "reconcile_interval_s": 2,
}
"""A lost worker's job is requeued about 10 s after its last heartbeat."""
DEFAULT_SEGMENTER = "model.inference:load_segmenter"
"""The workers' default segmenter setting: the MSGG-AI network with its shipped weights."""
UNACKED = "unacked"
"""kombu's Redis hash of delivered, unacknowledged messages."""

LEFTOVERS = """
OPTIONAL MATCH (s:MapState {id: $version})
WITH count(s) AS versions
OPTIONAL MATCH (t:JobTile {job_id: $job})
RETURN versions, count(t) AS tiles
"""


def leftovers(graph: Driver, database: str, job: Job) -> tuple[int, int]:
    """The job's uncommitted version (0 or 1) and its tile results."""
    params = {"version": ids.version_id(job.state, job.id), "job": job.id}
    with graph.session(database=database) as session:
        row = session.run(LEFTOVERS, params).single(strict=True)
    return int(row["versions"]), int(row["tiles"])


def cli(*args: str) -> dict[str, Any]:
    """Run ``orthograph jobs ... --json`` on the test stack; the job it prints."""
    done = subprocess.run(
        [str(BIN / "orthograph"), "jobs", *args, "--json"],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_a_killed_pool_child_is_replaced_and_its_worker_commits_the_job(
    workers: Workers, jobs: JobStore, submit: Submit, tmp_path: Path
) -> None:
    hold = Hold.armed(tmp_path / "hold")
    worker = workers.start(**hold.settings)
    job = submit("imagery", write_scene(tmp_path / "s.tif"), state="child", as_of=AS_OF,
                 **SMALL_TILES).job  # fmt: skip
    killed = hold.held_pid(workers)
    os.kill(killed, signal.SIGKILL)
    hold.release()
    done = wait_for_job(jobs, job.id, workers)
    assert done.status is JobStatus.COMMITTED, done.reason
    assert worker.process.poll() is None, "the same worker recovered"
    assert [c.pid for c in worker.children()] != [killed] and len(worker.children()) == 1
    assert done.worker == worker.name, "the heartbeat names the worker that ran the job"
    assert done.requeues == 0, "the worker healed itself; the reconciler had nothing to do"


def test_a_killed_worker_s_job_is_requeued_by_reconciliation_and_commits(
    workers: Workers,
    jobs: JobStore,
    submit: Submit,
    tmp_path: Path,
    redis_client: redis.Redis,
) -> None:
    hold = Hold.armed(tmp_path / "hold")
    first = workers.start(**FAST_RECONCILE, **hold.settings)
    job = submit("imagery", write_scene(tmp_path / "s.tif"), state="lost-worker", as_of=AS_OF,
                 **SMALL_TILES).job  # fmt: skip
    hold.held_pid(workers)
    wait_until(lambda: jobs.get(job.id).worker == first.name, 60, "a heartbeat", workers.logs)
    first.kill()
    hold.release()
    assert redis_client.hlen(UNACKED) >= 1, "the dead worker's message waits in unacked"
    second = workers.start(**FAST_RECONCILE)
    done = wait_for_job(jobs, job.id, workers)
    assert done.status is JobStatus.COMMITTED, done.reason
    assert done.requeues == 1, "reconciliation took the job back once"
    assert done.worker == second.name
    assert redis_client.hlen(UNACKED) >= 1, "recovered before the visibility timeout"
    assert "sent no heartbeat" in second.log.read_text(errors="replace"), second.tail()


def test_a_pool_child_killed_mid_job_with_the_default_model_is_replaced_once_and_commits(
    workers: Workers, jobs: JobStore, submit: Submit
) -> None:
    # The real model, loaded in each new pool child (seconds, longer than Celery's 4 s
    # start-up default): the replacement of the killed child must come up and stay up.
    worker = workers.start(segmenter=DEFAULT_SEGMENTER)
    job = submit("imagery", nb_clip(), state="nb-child", as_of=AS_OF, scales=[2000],
                 tile_size=64, overlap=8).job  # fmt: skip
    wait_until(lambda: jobs.tile_count(job.id) >= 1, JOB_WAIT_S, "a first tile", worker.tail)
    running = jobs.get(job.id)
    assert running.status is JobStatus.RUNNING and jobs.tile_count(job.id) < (
        running.tiles_expected or 0
    ), "the kill must land mid-job"
    killed = worker.kill_child()

    done = wait_for_job(jobs, job.id, workers)

    assert done.status is JobStatus.COMMITTED, done.reason
    assert done.objects and done.objects > 0
    (child,) = worker.children()
    assert child.pid != killed and worker.process.poll() is None
    log = worker.log.read_text(errors="replace")
    assert "Timed out waiting for UP message" not in log, worker.tail()


def test_cancel_stops_the_running_task_cleans_up_and_retry_runs_the_job_again(
    workers: Workers,
    jobs: JobStore,
    submit: Submit,
    tmp_path: Path,
    graph: Driver,
    neo4j_database: str,
) -> None:
    hold = Hold.armed(tmp_path / "hold")
    worker = workers.start(**FAST_RECONCILE, **hold.settings)
    job = submit("imagery", write_scene(tmp_path / "s.tif"), state="cancel-me", as_of=AS_OF,
                 **SMALL_TILES).job  # fmt: skip
    held = hold.held_pid(workers)
    cancelled = cli("cancel", job.id)
    assert (cancelled["status"], cancelled["reason"]) == ("FAILED", CANCELLED)
    wait_until(
        lambda: "was cancelled or failed while this task ran" in worker.log.read_text(),
        60,
        "the held task to notice the cancel",
        workers.logs,
    )
    wait_until(
        lambda: leftovers(graph, neo4j_database, job) == (0, 0),
        120,
        "the cancelled job's version and tiles to be deleted",
        workers.logs,
    )
    assert held in [c.pid for c in worker.children()], "the task stopped; its process lives"
    assert jobs.get(job.id).reason == CANCELLED
    hold.release()
    assert cli("retry", job.id)["status"] == "QUEUED"
    done = wait_for_job(jobs, job.id, workers)
    assert done.status is JobStatus.COMMITTED, done.reason
    assert leftovers(graph, neo4j_database, done) == (1, 0), "committed version, no tiles"
