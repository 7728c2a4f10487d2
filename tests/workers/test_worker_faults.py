"""Faults survived, proven with real processes: the job commits the graph a clean run commits.

Every test here disturbs a small imagery job (the synthetic scene cut into 106 tiles, segmented
by the colour segmenter) once it is well under way, and then demands what a clean run of the same
submission gives in a fresh database: the job COMMITTED, the same state and object ids, the same
properties and the same relationships (:class:`tests.workers.canonical.Snapshot`), one job, one
state, no tile results or uncommitted states left. The faults are a Neo4j killed with SIGKILL and
started again, a Redis restart, and the whole worker killed five times over.

The module runs its own Neo4j and Redis (``tests/workers/private_stack.py``), so killing them
never disturbs another test; each test starts from an emptied graph and broker.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest

from graphdb.jobs import Job, JobStatus
from ingest.imagery.segmenter import TileSegmentation
from ingest.raster import RasterPixels
from tests.workers.canonical import Snapshot, job_state_id, snapshot
from tests.workers.harness import Workers, wait_for_job, wait_until
from tests.workers.private_stack import PrivateStack
from tests.workers.scenes import ColourSegmenter, write_scene

pytestmark = pytest.mark.integration

STATE = "faults"
TILES: dict[str, list[int] | int] = {"scales": [2000, 10000], "tile_size": 64, "overlap": 8}
"""106 tiles: 81 at 1:2000 and 25 at 1:10000."""
PACED_SEGMENTER = "tests.workers.test_worker_faults:paced_colour_segmenter"
TILE_S = 0.1
"""Seconds the paced segmenter spends per tile, so a job runs long enough to be disturbed."""
FAULT_SETTINGS: dict[str, object] = {
    "max_retries": 12,
    "retry_backoff_max_s": 10,
    "segmenter": PACED_SEGMENTER,
}
NEO4J_DOWN_S = 30.0
"""How long Neo4j stays dead: as long as the driver's own retry of a transaction (30 s)."""
UNDER_WAY_TILES = 12
"""A job counts as well under way once this many of its 106 tile results are stored."""
WORKER_KILLS = 5
RECONCILE_SOON: dict[str, object] = {
    "heartbeat_interval_s": 1,
    "running_stale_s": 15,
    "queued_stale_s": 15,
    "reconcile_interval_s": 2,
    "max_requeues": WORKER_KILLS + 1,
}
"""A job whose worker was killed is requeued by the reconciler within seconds (the visibility
timeout, which would bring its message back too, stays at the harness's 300 s); five losses
must not count as a job that kills its workers."""
KILL_EVERY_TILES = 4
"""Tile results stored between two kills of the worker, so each kill hits another task."""
COUNTS = """
OPTIONAL MATCH (j:Job) WITH count(j) AS jobs
OPTIONAL MATCH (s:MapState {name: $name}) WITH jobs, count(s) AS states
OPTIONAL MATCH (u:MapState) WHERE u.status <> 'committed' WITH jobs, states, count(u) AS open
OPTIONAL MATCH (t:JobTile) WITH jobs, states, open, count(t) AS tiles
OPTIONAL MATCH (a:Alert) RETURN jobs, states, open, tiles, count(a) AS alerts
"""


class PacedSegmenter(ColourSegmenter):
    """The colour segmenter, :data:`TILE_S` slower per tile (same results)."""

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        time.sleep(TILE_S * len(tiles))
        return super().segment(tiles, scale)


def paced_colour_segmenter(checkpoint: str | None = None) -> ColourSegmenter:
    """The factory a worker loads through ``ORTHOGRAPH_SEGMENTER`` (:data:`PACED_SEGMENTER`)."""
    return PacedSegmenter()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateStack]:
    private = PrivateStack.start(tmp_path_factory.mktemp("faults-stack"))
    yield private
    private.stop()


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scene(tmp_path_factory.mktemp("scene") / "south.tif")


@pytest.fixture
def workers(stack: PrivateStack, tmp_path: Path) -> Iterator[Workers]:
    """Workers on the private stack, emptied first; all stopped at the end of the test."""
    stack.clear()
    started = Workers(tmp_path, app=stack.app, defaults=stack.connections | FAULT_SETTINGS)
    yield started
    started.stop_all()


@pytest.fixture(scope="module")
def clean_runs() -> dict[str, tuple[Snapshot, dict[str, int]]]:
    """The clean run's snapshot and counts, made once per module."""
    return {}


@pytest.fixture
def clean(
    clean_runs: dict[str, tuple[Snapshot, dict[str, int]]],
    stack: PrivateStack,
    workers: Workers,
    scene: Path,
) -> tuple[Snapshot, dict[str, int]]:
    """What an undisturbed run of the submission commits in a fresh database (then emptied)."""
    if "clean" not in clean_runs:
        worker = workers.start()
        job = submit_scene(stack, scene)
        done = wait_for_job(stack.jobs, job.id, workers)
        assert done.status is JobStatus.COMMITTED, done.reason
        clean_runs["clean"] = (committed_snapshot(stack, done), counts(stack))
        worker.stop()
        stack.clear()
    return clean_runs["clean"]


def submit_scene(stack: PrivateStack, scene: Path) -> Job:
    """Submit the one submission of every run here: the same job id, so the same ids."""
    return stack.submit(
        "imagery", scene, state=STATE, area="vaduz-south", as_of=date(2024, 5, 1), **TILES
    ).job


def committed_snapshot(stack: PrivateStack, job: Job) -> Snapshot:
    return snapshot(
        stack.driver, stack.database, job_state_id(stack.driver, stack.database, job.id, job.state)
    )


def counts(stack: PrivateStack) -> dict[str, int]:
    """Jobs, states of the submission's name, uncommitted states, tile results and alerts."""
    with stack.driver.session(database=stack.database) as session:
        return dict(session.run(COUNTS, name=STATE).single(strict=True))


def under_way(stack: PrivateStack, job: Job, workers: Workers, more_than: int = 0) -> int:
    """Wait until the running job has stored more than ``more_than`` and at least
    :data:`UNDER_WAY_TILES` tile results; how many it has."""

    def progressed() -> int:
        tiles = stack.jobs.tile_count(job.id)
        return tiles if tiles > more_than and tiles >= UNDER_WAY_TILES else 0

    tiles = int(wait_until(progressed, 300, "the job to get under way", workers.logs))
    assert stack.jobs.get(job.id).status is JobStatus.RUNNING, "the fault must hit a running job"
    return tiles


def assert_as_clean(stack: PrivateStack, done: Job, clean: tuple[Snapshot, dict[str, int]]) -> None:
    """The job committed exactly what the clean run did, once, and left nothing behind."""
    assert done.status is JobStatus.COMMITTED, done.reason
    expected, expected_counts = clean
    got = committed_snapshot(stack, done)
    assert not got.differences(expected), got.differences(expected)
    assert counts(stack) == expected_counts | {"open": 0, "tiles": 0}


def test_neo4j_killed_mid_job_the_job_commits_as_a_clean_run(
    stack: PrivateStack,
    workers: Workers,
    scene: Path,
    clean: tuple[Snapshot, dict[str, int]],
) -> None:
    worker = workers.start()
    job = submit_scene(stack, scene)
    under_way(stack, job, workers)
    stack.kill_neo4j()
    time.sleep(NEO4J_DOWN_S)
    stack.start_neo4j()
    done = wait_for_job(stack.jobs, job.id, workers)
    assert "Couldn't connect" in worker.log.read_text(errors="replace"), "the kill must hit a task"
    assert_as_clean(stack, done, clean)


def test_redis_restarted_mid_job_the_job_commits_as_a_clean_run(
    stack: PrivateStack,
    workers: Workers,
    scene: Path,
    clean: tuple[Snapshot, dict[str, int]],
) -> None:
    # If the restart lands while a tile task stores its result, Celery fails the job's chord
    # (ChordError, a connection error) and no finish task comes: the reconciler must take the
    # silent job back, so it runs at the heal tests' pace here rather than after minutes.
    workers.start(**RECONCILE_SOON)
    job = submit_scene(stack, scene)
    under_way(stack, job, workers)
    stack.restart_redis()
    done = wait_for_job(stack.jobs, job.id, workers)
    assert_as_clean(stack, done, clean)


def test_worker_killed_five_times_on_one_job_commits_once_as_a_clean_run(
    stack: PrivateStack,
    workers: Workers,
    scene: Path,
    clean: tuple[Snapshot, dict[str, int]],
) -> None:
    job = submit_scene(stack, scene)
    tiles = 0
    workers.defaults |= RECONCILE_SOON
    for _ in range(WORKER_KILLS):
        worker = workers.start()
        tiles = under_way(stack, job, workers, more_than=tiles + KILL_EVERY_TILES)
        worker.kill()
    workers.start()
    done = wait_for_job(stack.jobs, job.id, workers)
    assert done.requeues >= 1, "the reconciler must have taken the job back from a dead worker"
    assert_as_clean(stack, done, clean)
