"""Exactly-once effects under failure, with real Redis, Neo4j and worker processes.

Each disturbed run ingests the same synthetic scene, cut into 106 small tiles so there is time
to disturb it mid-way, and must commit a graph equal (canonical fingerprint) to an undisturbed
run's, leaving no uncommitted state and no tile results behind. Neo4j and Redis killed or
restarted mid-job are proven in ``test_worker_faults.py``, on a stack of its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from datetime import date
from pathlib import Path
from typing import TypedDict

import pytest
import redis
from neo4j import Driver

from config.connections import PROJECT_ROOT
from graphdb.jobs import Job, JobStatus, JobStore
from tests.workers.canonical import fingerprint
from tests.workers.harness import (
    BIN,
    Hold,
    Submit,
    Workers,
    deliveries,
    submit_now,
    wait_for_job,
    wait_until,
)
from tests.workers.maps import write_map
from tests.workers.scenes import write_corrupt, write_scene


class TileOptions(TypedDict):
    """The imagery job options these tests set (checked by ``intake.checks``)."""

    scales: list[int]
    tile_size: int
    overlap: int


SMALL_TILES: TileOptions = {"scales": [2000, 10000], "tile_size": 64, "overlap": 8}
"""81 tiles at 1:2000 and 25 at 1:10000."""
AS_OF = date(2024, 5, 1)
UNACKED = "unacked"
"""kombu's Redis hash of delivered, unacknowledged messages."""

LEFTOVERS = """
OPTIONAL MATCH (s:MapState) WHERE s.status <> 'committed'
WITH count(s) AS states
OPTIONAL MATCH (t:JobTile)
RETURN states, count(t) AS tiles
"""


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scene(tmp_path_factory.mktemp("scene") / "south.tif")


@pytest.fixture(scope="module")
def fingerprints() -> dict[str, tuple[str, int, int]]:
    """Fingerprints computed once per module (the undisturbed run is slow)."""
    return {}


@pytest.fixture
def baseline(
    fingerprints: dict[str, tuple[str, int, int]],
    workers: Workers,
    jobs: JobStore,
    scene: Path,
    graph: Driver,
    neo4j_database: str,
) -> tuple[str, int, int]:
    """Fingerprint of an undisturbed run of the scene, by a worker stopped before the test's."""
    if "baseline" not in fingerprints:
        worker = workers.start()
        submitted = submit_now("imagery", scene, state="baseline", as_of=AS_OF, **SMALL_TILES)
        job = wait_for_job(jobs, submitted.job.id, workers)
        assert job.status is JobStatus.COMMITTED, job.reason
        fingerprints["baseline"] = fingerprint(graph, neo4j_database, "baseline")
        worker.stop()
    return fingerprints["baseline"]


def assert_committed_like_baseline(
    job: Job, graph: Driver, database: str, baseline: tuple[str, int, int]
) -> None:
    assert job.status is JobStatus.COMMITTED, job.reason
    got = fingerprint(graph, database, job.state)
    assert got[1:] == baseline[1:], f"objects/relations {got[1:]} != undisturbed {baseline[1:]}"
    assert got[0] == baseline[0], "the committed graph differs from the undisturbed run's"
    with graph.session(database=database) as session:
        row = session.run(LEFTOVERS).single(strict=True)
    assert (row["states"], row["tiles"]) == (0, 0), "uncommitted states or tile results left"


def test_killed_pool_child_is_requeued(
    workers: Workers,
    jobs: JobStore,
    submit: Submit,
    scene: Path,
    baseline: tuple[str, int, int],
    graph: Driver,
    neo4j_database: str,
    redis_client: redis.Redis,
    tmp_path: Path,
) -> None:
    hold = Hold.armed(tmp_path / "hold")
    worker = workers.start(**hold.settings)
    job = submit("imagery", scene, state="killed-child", as_of=AS_OF, **SMALL_TILES).job
    killed = hold.held_pid(workers)
    assert killed in [child.pid for child in worker.children()]
    os.kill(killed, signal.SIGKILL)
    hold.release()
    done = wait_for_job(jobs, job.id, workers)
    assert_committed_like_baseline(done, graph, neo4j_database, baseline)
    assert max(deliveries(redis_client)) == 2, "the killed task must have run again"
    assert killed not in [child.pid for child in worker.children()]
    assert worker.process.poll() is None, "the worker itself must survive a lost child"


def test_killed_worker_messages_return_after_visibility_timeout(
    workers: Workers,
    jobs: JobStore,
    submit: Submit,
    scene: Path,
    baseline: tuple[str, int, int],
    graph: Driver,
    neo4j_database: str,
    redis_client: redis.Redis,
    tmp_path: Path,
) -> None:
    short = {
        "soft_time_limit_s": 15,
        "hard_time_limit_s": 18,
        "visibility_timeout_s": 20,
        "retry_backoff_max_s": 5,
    }
    hold = Hold.armed(tmp_path / "hold")
    first = workers.start(**short, **hold.settings)
    job = submit("imagery", scene, state="killed-worker", as_of=AS_OF, **SMALL_TILES).job
    hold.held_pid(workers)
    first.kill()
    assert redis_client.hlen(UNACKED) >= 1, "the dead worker's message must wait in unacked"
    hold.release()
    assert jobs.get(job.id).status is JobStatus.RUNNING
    workers.start(**short)
    done = wait_for_job(jobs, job.id, workers)
    assert_committed_like_baseline(done, graph, neo4j_database, baseline)
    assert max(deliveries(redis_client)) == 2, "the lost message must have been redelivered"


def test_same_job_submitted_twice_concurrently_runs_once(
    workers: Workers, jobs: JobStore, graph: Driver, neo4j_database: str, tmp_path: Path
) -> None:
    path = write_map(tmp_path / "vaduz.geojson")
    workers.start()
    command = [
        str(BIN / "orthograph"),
        "jobs",
        "submit",
        "vector",
        str(path),
        "--state",
        "vaduz-twice",
        "--area",
        "vaduz",
        "--as-of",
        "2024-01-01",
        "--json",
    ]
    clients = [
        subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [json.loads(client.communicate(timeout=600)[0]) for client in clients]
    assert all(client.returncode == 0 for client in clients)
    assert outputs[0]["id"] == outputs[1]["id"]
    done = wait_for_job(jobs, outputs[0]["id"], workers)
    assert done.status is JobStatus.COMMITTED, done.reason
    assert done.runs == 1, f"one execution expected, {done.runs} started"
    with graph.session(database=neo4j_database) as session:
        counts = session.run(
            "MATCH (j:Job) WITH count(j) AS jobs MATCH (s:MapState) RETURN jobs, count(s) AS states"
        ).single(strict=True)
    assert (counts["jobs"], counts["states"]) == (1, 1)


def test_corrupt_raster_fails_its_job_and_the_worker_goes_on(
    workers: Workers,
    jobs: JobStore,
    submit: Submit,
    scene: Path,
    tmp_path: Path,
    graph: Driver,
    neo4j_database: str,
) -> None:
    worker = workers.start()
    corrupt = write_corrupt(tmp_path / "broken.tif", scene)
    bad = submit("imagery", corrupt, state="broken", as_of=AS_OF).job
    good = submit("vector", write_map(tmp_path / "map.geojson"), state="after", as_of=AS_OF).job
    failed = wait_for_job(jobs, bad.id, workers)
    assert failed.status is JobStatus.FAILED
    assert failed.reason and "truncated or damaged" in failed.reason
    assert wait_for_job(jobs, good.id, workers).status is JobStatus.COMMITTED
    assert worker.process.poll() is None
    with graph.session(database=neo4j_database) as session:
        names = [r["name"] for r in session.run("MATCH (s:MapState) RETURN s.name AS name")]
    assert names == ["after"], "the failed job must leave no state behind"


def test_hard_time_limit_fails_the_job_and_leaves_no_state(
    workers: Workers,
    jobs: JobStore,
    submit: Submit,
    scene: Path,
    graph: Driver,
    neo4j_database: str,
    tmp_path: Path,
) -> None:
    hold = Hold.armed(tmp_path / "hold")
    limits = {
        "soft_time_limit_s": 2,
        "hard_time_limit_s": 4,
        "visibility_timeout_s": 10,
        "retry_backoff_max_s": 5,
    }
    worker = workers.start(**limits, **hold.settings)
    job = submit("imagery", scene, state="stuck", as_of=AS_OF, **SMALL_TILES).job
    stuck = hold.held_pid(workers)
    failed = wait_for_job(jobs, job.id, workers)
    assert failed.status is JobStatus.FAILED
    assert failed.reason and "hard time limit of 4 s" in failed.reason
    wait_until(
        lambda: stuck not in [c.pid for c in worker.children()], 60, "the child's replacement"
    )
    with graph.session(database=neo4j_database) as session:
        row = session.run(LEFTOVERS).single(strict=True)
        states = session.run("MATCH (s:MapState) RETURN count(s) AS n").single(strict=True)
    assert (states["n"], row["tiles"]) == (0, 0), "a failed job must leave no partial state"
