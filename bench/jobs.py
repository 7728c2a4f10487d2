"""Job throughput through Celery workers, and the cost of the queue over an in-process call.

Run: ``python -m bench.jobs [--jobs N] [--quick]`` (default 16 jobs; quick: 6). Uses the local
stack named by ``ORTHOGRAPH_*`` (default: the bench stack of ``bench/_common.py``).

The same N vector jobs (distinct small town maps, one area each, so no diff work) are run three
ways, each timed from the first submit to the last job's ``finished_at``:

- ``in_process``: submit the record, then call the worker's service function
  (``workers.vector_job.run_vector_job``) in this process, one job after the other;
- ``workers_1``: submit all jobs to one worker process (concurrency 1);
- ``workers_2``: submit all jobs to two worker processes (concurrency 1 each).

``overhead_ratio`` = (workers_1 time - in_process time) / in_process time: what the broker, the
task protocol and the job bookkeeping around the service cost (target <= 0.10).
``scaling_2_workers`` = workers_1 time / workers_2 time (ideal 2.0 with two free cores).
Worker start-up is not timed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, box

from bench._common import bench_settings, parser, write_result
from config.connections import PROJECT_ROOT
from dispatch.submit import submit_job
from graphdb.client import GraphClient
from graphdb.jobs import JobKind, JobSpec, JobStatus, JobStore
from graphdb.schema import apply_schema
from intake.store import stage_input
from stack import up
from workers.app import app as celery_app
from workers.settings import get_settings
from workers.vector_job import run_vector_job

HOUSES_PER_SIDE = 8
STEP_DEG = 0.0002
READY_WAIT_S = 300.0
JOB_WAIT_S = 1_800.0


def write_town(path: Path, index: int) -> Path:
    """A small town map (OSM tags): 8 x 8 houses, a road under each row, a river; shifted by
    ``index`` so every map is a distinct input."""
    x0, y0 = 9.40 + 0.01 * index, 47.05
    rows: list[dict[str, object]] = []
    for i in range(HOUSES_PER_SIDE):
        y = y0 + 3 * i * STEP_DEG
        rows += [
            {
                "building": "yes",
                "geometry": box(
                    x0 + 3 * j * STEP_DEG, y, x0 + (3 * j + 2) * STEP_DEG, y + 2 * STEP_DEG
                ),
            }
            for j in range(HOUSES_PER_SIDE)
        ]
        rows.append(
            {
                "highway": "residential",
                "geometry": LineString(
                    [(x0 - STEP_DEG, y - 0.5 * STEP_DEG), (x0 + 25 * STEP_DEG, y - 0.5 * STEP_DEG)]
                ),
            }
        )
    rows.append(
        {
            "waterway": "river",
            "geometry": LineString(
                [(x0 + 26 * STEP_DEG, y0 - STEP_DEG), (x0 + 26 * STEP_DEG, y0 + 26 * STEP_DEG)]
            ),
        }
    )
    gpd.GeoDataFrame(rows, crs=4326).to_file(path, driver="GeoJSON")
    return path


@contextmanager
def worker_processes(count: int, folder: Path) -> Iterator[None]:
    """``count`` worker processes (concurrency 1 each), ready before the block runs."""
    processes = []
    names = []
    try:
        for i in range(count):
            name = f"bench{i}-{uuid.uuid4().hex[:6]}@bench"
            log = (folder / f"{name}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "orthograph"),
                        "worker",
                        "--queues=cpu,io",
                        "--concurrency=1",
                        f"--hostname={name}",
                        "--loglevel=warning",
                    ],
                    cwd=PROJECT_ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            names.append(name)
        deadline = time.monotonic() + READY_WAIT_S
        while len(celery_app.control.ping(destination=names, timeout=1.0)) < count:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError(f"workers did not start; see the logs in {folder}")
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=120)


def wait_all(jobs: JobStore, ids: list[str]) -> float:
    """Wait until every job ended; the latest ``finished_at`` (epoch seconds)."""
    deadline = time.monotonic() + JOB_WAIT_S
    while True:
        done = [jobs.get(i) for i in ids]
        if all(j.terminal for j in done):
            failed = [j.reason for j in done if j.status is JobStatus.FAILED]
            if failed:
                raise RuntimeError(f"{len(failed)} bench jobs failed: {failed[:3]}")
            return max(j.finished_at.astimezone(UTC).timestamp() for j in done if j.finished_at)
        if time.monotonic() > deadline:
            raise RuntimeError("bench jobs did not finish in time")
        time.sleep(0.05)


def run_queued(maps: list[Path], run: str, workers: int, folder: Path, jobs: JobStore) -> float:
    """Seconds from the first submit to the last commit through ``workers`` processes."""
    settings = get_settings()
    with worker_processes(workers, folder):
        started = time.time()
        ids = [
            submit_job(
                settings,
                celery_app,
                kind=JobKind.VECTOR,
                path=path,
                state=f"{run}-w{workers}-{i}",
                area=f"{run}-w{workers}-{i}",
                as_of=date(2024, 1, 1),
                options={},
            ).job.id
            for i, path in enumerate(maps)
        ]
        return wait_all(jobs, ids) - started


def run_in_process(maps: list[Path], run: str, jobs: JobStore) -> tuple[float, int]:
    """Seconds for the same jobs through the service function, one after the other, and the
    objects of the last job."""
    settings = get_settings()
    started = time.time()
    outcome = None
    for i, path in enumerate(maps):
        staged = stage_input(path, settings.home)
        spec = JobSpec(
            kind=JobKind.VECTOR,
            input_path=str(staged.path),
            input_sha256=staged.sha256,
            input_name=staged.name,
            state=f"{run}-inproc-{i}",
            area=f"{run}-inproc-{i}",
            as_of=date(2024, 1, 1),
        )
        outcome = run_vector_job(jobs.submit(spec).job.id)
    elapsed = time.time() - started
    if outcome is None or outcome.job.status is not JobStatus.COMMITTED:
        raise RuntimeError(f"in-process bench job did not commit: {outcome}")
    return elapsed, outcome.job.objects or 0


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    count = 6 if args.quick else 16
    settings = bench_settings()
    up(settings)
    run = f"bench-jobs-{uuid.uuid4().hex[:8]}"
    client = GraphClient.connect(get_settings())
    apply_schema(client)
    jobs = JobStore(client)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        maps = [write_town(folder / f"town-{i}.geojson", i) for i in range(count)]
        warm = write_town(folder / "warm-up.geojson", count)
        run_in_process([warm], f"{run}-warm", jobs)
        in_process, objects = run_in_process(maps, run, jobs)
        one = run_queued(maps, run, 1, folder, jobs)
        two = run_queued(maps, run, 2, folder, jobs)
    client.close()
    write_result(
        "jobs",
        {
            "jobs": count,
            "objects_per_job": objects,
            "seconds": {"in_process": in_process, "workers_1": one, "workers_2": two},
            "jobs_per_min": {
                "in_process": 60 * count / in_process,
                "workers_1": 60 * count / one,
                "workers_2": 60 * count / two,
            },
            "overhead_ratio": (one - in_process) / in_process,
            "scaling_2_workers": one / two,
        },
    )


if __name__ == "__main__":
    main()
