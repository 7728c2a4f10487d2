"""Job throughput through Celery workers, against the same work done in this process.

Run: ``python -m bench.jobs [--runs 3] [--quick]`` (16 vector and 2 imagery jobs a run; quick:
6 and 1). Uses the local stack named by ``ORTHOGRAPH_*`` (default: the bench stack of
``bench/_common.py``).

Vector: the same N jobs (distinct small town maps, one area each, so no diff work) three ways,
each timed from the first submit to the last job's ``finished_at``:

- ``in_process``: submit the record, then call the worker's service function
  (``workers.vector_job.run_vector_job``) in this process, one job after the other;
- ``workers_1``: submit all jobs to one worker process (concurrency 1);
- ``workers_2``: submit all jobs to two worker processes (concurrency 1 each).

``overhead_ratio`` = (workers_1 time - in_process time) / in_process time: what the broker and
the task protocol cost over the same service call (target <= 0.10); both arms keep the same job
records, so this measures the queue, not the job.

Imagery: M jobs of a real 0.5 m clip (``IMAGE``, 326 x 482 px; tiles of ``IMAGERY_OPTIONS``: 6 at
1:2,000 and 1 at 1:10,000) with the default model on the CPU, distinct states and areas:

- ``imagery_in_process``: what ``orthograph ingest imagery`` does, in this process: store the
  raster, ``build_imagery_scene_graph`` (every tile in one loop, pieces kept in memory), publish
  (write, commit, diff) with the model's evidence;
- ``imagery_workers_1`` / ``imagery_workers_2``: the job fanned out as the service runs it
  (``workers/imagery_job.py``): plan, one task per tile whose result is stored in Neo4j, the
  chord's finish step reading them back, merging, publishing.

``imagery_overhead_ratio`` (same formula) is what the fan-out costs on one worker;
``imagery_scaling_2_workers`` what two workers gain. The model loads untimed (a warm-up job on
each worker set, a warm-up pass in this process); worker start-up is not timed either. Every
figure is the median over ``--runs`` runs, with min and max.
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

from bench._common import (
    MIN_RUNS,
    begin,
    bench_settings,
    flat,
    parser,
    repeated,
    write_result,
)
from config.connections import PROJECT_ROOT
from dispatch.submit import submit_job
from graphdb.client import GraphClient
from graphdb.diff.evidence import evidence_of
from graphdb.jobs import JobKind, JobSpec, JobStatus, JobStore
from graphdb.publish import publish_scene_graph
from graphdb.repository import open_graph
from graphdb.schema import apply_schema
from ingest.imagery.pipeline import build_imagery_scene_graph
from ingest.imagery.segmenter import Segmenter
from ingest.raster import build_pyramid, open_raster
from ingest.rasterstore import RasterStore
from intake.store import stage_input
from model.inference import load_segmenter
from stack import up
from stack.settings import StackSettings
from workers.app import app as celery_app
from workers.imagery_job import tile_specs
from workers.settings import get_settings
from workers.vector_job import run_vector_job

HOUSES_PER_SIDE = 8
STEP_DEG = 0.0002
READY_WAIT_S = 300.0
JOB_WAIT_S = 1_800.0
IMAGE = PROJECT_ROOT.parent / "shared/data/imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif"
TILE_SIZE, OVERLAP = 256, 32
IMAGERY_OPTIONS = {"tile_size": TILE_SIZE, "overlap": OVERLAP}
AS_OF = date(2024, 1, 1)


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
                        "--queues=cpu,gpu,io",
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


def run_queued(
    jobs: JobStore, kind: JobKind, inputs: list[Path], states: list[str], options: dict[str, int]
) -> float:
    """Seconds from the first submit to the last commit through the running workers."""
    settings = get_settings()
    started = time.time()
    ids = [
        submit_job(settings, celery_app, kind=kind, path=path, state=state, area=state,
                   as_of=AS_OF, options=options).job.id
        for path, state in zip(inputs, states, strict=True)
    ]  # fmt: skip
    return wait_all(jobs, ids) - started


def run_in_process(maps: list[Path], states: list[str], jobs: JobStore) -> tuple[float, int]:
    """Seconds for the vector jobs through the service function, one after the other, and the
    objects of the last job."""
    settings = get_settings()
    started = time.time()
    outcome = None
    for path, state in zip(maps, states, strict=True):
        staged = stage_input(path, settings.home)
        spec = JobSpec(
            kind=JobKind.VECTOR,
            input_path=str(staged.path),
            input_sha256=staged.sha256,
            input_name=staged.name,
            state=state,
            area=state,
            as_of=AS_OF,
        )
        outcome = run_vector_job(jobs.submit(spec).job.id)
    elapsed = time.time() - started
    if outcome is None or outcome.job.status is not JobStatus.COMMITTED:
        raise RuntimeError(f"in-process bench job did not commit: {outcome}")
    return elapsed, outcome.job.objects or 0


def imagery_in_process(settings: StackSettings, segmenter: Segmenter, states: list[str]) -> float:
    """Seconds for the imagery jobs as ``orthograph ingest imagery`` runs them, one after the
    other: stage, store the raster, segment every tile in one loop, publish."""
    store = RasterStore(settings.raster_store_uri)
    started = time.time()
    with open_graph(settings) as graph:
        for state in states:
            staged = stage_input(IMAGE, settings.home)
            stored = store.put(open_raster(str(staged.path)))
            scene = build_imagery_scene_graph(
                stored.uri, segmenter, tile_size=TILE_SIZE, overlap=OVERLAP
            )
            evidence = evidence_of(segmenter, settings.raster_store_uri)
            publish_scene_graph(graph, scene, state=state, area=state, as_of=AS_OF,
                                source=f"bench:{IMAGE.name}", rasters=[stored],
                                evidence=evidence)  # fmt: skip
    return time.time() - started


def imagery_tiles() -> int:
    """Tiles of one imagery job (every scale the image serves)."""
    levels = build_pyramid(open_raster(str(IMAGE)))
    return len(tile_specs(levels, TILE_SIZE, OVERLAP))


def main() -> None:
    begun = begin()
    cli = parser(__doc__.splitlines()[0])
    cli.add_argument("--runs", type=int, default=MIN_RUNS, help="runs of every arm")
    args = cli.parse_args()
    count, images = (6, 1) if args.quick else (16, 2)
    if not IMAGE.exists():
        raise SystemExit(f"sample image not found: {IMAGE}")
    settings = bench_settings()
    up(settings)
    client = GraphClient.connect(get_settings())
    apply_schema(client)
    jobs = JobStore(client)
    segmenter = load_segmenter(device="cpu")
    runs = iter(range(args.runs))
    objects: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        maps = [write_town(folder / f"town-{i}.geojson", i) for i in range(count)]
        name = f"bench-jobs-{uuid.uuid4().hex[:8]}"
        run_in_process([write_town(folder / "warm.geojson", count)], [f"{name}-warm"], jobs)
        imagery_in_process(settings, segmenter, [f"{name}-warm-imagery"])

        def one_run() -> dict[str, float]:
            run = f"{name}-{next(runs)}"
            vector, imagery = {}, {}
            vector["in_process"], last = run_in_process(
                maps, [f"{run}-inproc-{i}" for i in range(count)], jobs
            )
            objects.append(last)
            imagery["in_process"] = imagery_in_process(
                settings, segmenter, [f"{run}-inproc-img-{i}" for i in range(images)]
            )
            for workers in (1, 2):
                arm = f"workers_{workers}"
                with worker_processes(workers, folder):
                    imagery_warm = f"{run}-w{workers}-warm-img"
                    run_queued(jobs, JobKind.IMAGERY, [IMAGE], [imagery_warm], IMAGERY_OPTIONS)
                    states = [f"{run}-w{workers}-{i}" for i in range(count)]
                    vector[arm] = run_queued(jobs, JobKind.VECTOR, maps, states, {})
                    imagery[arm] = run_queued(
                        jobs, JobKind.IMAGERY, [IMAGE] * images,
                        [f"{run}-w{workers}-img-{i}" for i in range(images)], IMAGERY_OPTIONS,
                    )  # fmt: skip
            return {
                **{f"seconds_{arm}": s for arm, s in vector.items()},
                **{f"imagery_seconds_{arm}": s for arm, s in imagery.items()},
                "overhead_ratio": (vector["workers_1"] - vector["in_process"])
                / vector["in_process"],
                "scaling_2_workers": vector["workers_1"] / vector["workers_2"],
                "imagery_overhead_ratio": (imagery["workers_1"] - imagery["in_process"])
                / imagery["in_process"],
                "imagery_scaling_2_workers": imagery["workers_1"] / imagery["workers_2"],
            }

        figures = repeated(args.runs, one_run)
    client.close()
    arms = ("in_process", "workers_1", "workers_2")
    seconds = {arm: figures[f"seconds_{arm}"].median for arm in arms}
    imagery_seconds = {arm: figures[f"imagery_seconds_{arm}"].median for arm in arms}
    write_result(
        "jobs",
        {
            "jobs": count,
            "objects_per_job": objects[-1],
            "seconds": seconds,
            "jobs_per_min": {arm: 60 * count / s for arm, s in seconds.items()},
            **flat(figures),
            "imagery_jobs": images,
            "imagery_image": f"{IMAGE.name} ({IMAGERY_OPTIONS})",
            "imagery_tiles_per_job": imagery_tiles(),
            "imagery_jobs_per_min": {arm: 60 * images / s for arm, s in imagery_seconds.items()},
            "runs": args.runs,
        },
        started=begun,
        stack=settings,
    )


if __name__ == "__main__":
    main()
