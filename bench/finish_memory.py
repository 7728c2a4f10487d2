"""Peak memory of the imagery job's finish step on stored tile results of a large mosaic.

Run: ``python -m bench.finish_memory [--size PX] [--quick] [--stop]`` (default a 20,000 x
20,000 px mosaic at 0.5 m; quick: 4,000 px). Uses the local stack named by ``ORTHOGRAPH_*``
(default: the bench stack of ``bench/_common.py``).

No model runs: a sparse GeoTIFF of the mosaic's size gives the grid, and synthetic tile results
are stored with ``JobStore.put_tile`` for every tile of every scale the mosaic serves, at the
default tile size and overlap, as the tile tasks would store them. The synthetic town is dense:
at 1:2,000 a building every 24 m in both directions (7-16 m wide, jittered), at 1:10,000 a
residential block every 120 m, at 1:50,000 a settlement every 2 km, and at every scale a water
body strip every 2.5 km across the whole mosaic (one object cut by every tile column). Each
tile's segmenter also reports ``nearby`` between consecutive buildings.

The finish step's assembly then runs twice, each in a fresh process whose peak RSS
(``ru_maxrss``) is reported:

- ``streamed``: ``workers.imagery_job.stored_scene_graph`` as the finish step calls it (tile
  results paged, one scale's pieces in memory at a time);
- ``baseline``: the old way, each scale's tile results read in one query and every scale's
  pieces kept until the relations are done (what the finish step did before it streamed).

``ratio`` = streamed peak / baseline peak; ``identical`` says both built the same scene graph
(a digest of every object and relation). ``bytes_per_pixel`` = the streamed run's peak over the
mosaic's pixels: the figure ``intake.limits`` turns into the largest raster admitted. The
peak after each assembly stage (``stage_peak_mib``) shows where memory goes.

One run, not the median of ``bench._common.MIN_RUNS``: the peaks are those of the same
allocations each time (a few MiB apart), and a run takes minutes of the whole machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import shapely
from affine import Affine

from bench._common import begin, bench_settings, parser, write_result
from graphdb.job_tiles import TileResult
from graphdb.jobs import Job, JobKind, JobSpec, JobStore
from graphdb.repository import open_graph
from ingest.imagery.assemble import LevelPieces, assemble_scene_graph
from ingest.imagery.profile import StageTimes
from ingest.raster import ScaleLevel, build_pyramid, footprint_wgs84, level_for, open_raster
from ingest.raster.tiles import tile_windows
from ingest.records import SceneGraph
from intake.store import stage_input
from stack import down, up
from workers.imagery_job import stored_level, stored_scene_graph

GSD_M = 0.5
ORIGIN = (700_000.0, 5_300_000.0)
EPSG = 32632

Layout = tuple[str, float, float, float]
"""(class, pitch, smallest size, largest size), lengths in metres."""
LAYOUT: dict[int, Layout] = {
    2000: ("building", 24.0, 7.0, 16.0),
    10000: ("residential_block", 120.0, 70.0, 105.0),
    50000: ("settlement", 2_000.0, 1_200.0, 1_800.0),
}
WATER_PITCH_M, WATER_WIDTH_M = 2_500.0, 60.0


def write_mosaic(path: Path, size: int) -> Path:
    """A sparse RGB GeoTIFF of ``size`` x ``size`` px at ``GSD_M`` (no pixel is written)."""
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 3,
        "dtype": "uint8",
        "crs": f"EPSG:{EPSG}",
        "transform": Affine(GSD_M, 0, ORIGIN[0], 0, -GSD_M, ORIGIN[1]),
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
        "photometric": "RGB",
        "SPARSE_OK": True,
    }
    with rasterio.open(path, "w", **profile):
        pass
    return path


def town(level: ScaleLevel) -> np.ndarray:
    """Boxes ``(x0, y0, x1, y1, water)`` in level pixels: the level's objects (see the module
    docstring), deterministic for a level."""
    cls, pitch_m, low_m, high_m = LAYOUT[level.scale]
    pitch, low, high = (v / level.gsd_m for v in (pitch_m, low_m, high_m))
    rng = np.random.default_rng(level.scale)
    cols, rows = np.meshgrid(
        np.arange(0, level.width, pitch), np.arange(0, level.height, pitch), indexing="xy"
    )
    x0, y0 = cols.ravel(), rows.ravel()
    sizes = rng.uniform(low, high, size=(x0.size, 2))
    shift = rng.uniform(0, pitch - sizes)
    boxes = np.column_stack(
        [x0 + shift[:, 0], y0 + shift[:, 1], x0 + shift[:, 0] + sizes[:, 0],
         y0 + shift[:, 1] + sizes[:, 1], np.zeros(x0.size)]
    )  # fmt: skip
    strips = np.arange(WATER_PITCH_M / 2, level.height * level.gsd_m, WATER_PITCH_M) / level.gsd_m
    water = np.column_stack(
        [np.zeros(strips.size), strips, np.full(strips.size, level.width),
         strips + WATER_WIDTH_M / level.gsd_m, np.ones(strips.size)]
    )  # fmt: skip
    return np.floor(np.vstack([boxes, water]))


def tile_results(level: ScaleLevel, boxes: np.ndarray) -> Iterator[TileResult]:
    """What the tile tasks would store for every tile of ``level`` over ``boxes``."""
    cls = LAYOUT[level.scale][0]
    t = level.transform
    for tile in tile_windows(level):
        w = tile.window
        c0, r0 = int(w.col_off), int(w.row_off)
        c1, r1 = c0 + int(w.width), r0 + int(w.height)
        clipped = np.column_stack(
            [np.maximum(boxes[:, 0], c0), np.maximum(boxes[:, 1], r0),
             np.minimum(boxes[:, 2], c1), np.minimum(boxes[:, 3], r1), boxes[:, 4]]
        )  # fmt: skip
        seen = clipped[(clipped[:, 2] > clipped[:, 0]) & (clipped[:, 3] > clipped[:, 1])]
        x0, x1 = t.c + t.a * seen[:, 0], t.c + t.a * seen[:, 2]
        y0, y1 = t.f + t.e * seen[:, 3], t.f + t.e * seen[:, 1]
        geometries = shapely.box(x0, y0, x1, y1)
        classes = ["water_body" if water else cls for water in seen[:, 4]]
        triplets = [
            (i, "nearby", i + 1, 0.6)
            for i in range(len(classes) - 1)
            if classes[i] == classes[i + 1] == "building"
        ]
        yield TileResult(
            scale=level.scale,
            row=tile.row,
            col=tile.col,
            window=(c0, r0, c1 - c0, r1 - r0),
            source="synthetic",
            classes=classes,
            scores=[0.9] * len(classes),
            geometries=list(shapely.to_wkb(geometries)),
            triplets=triplets,
        )


def store_job(jobs: JobStore, mosaic: Path) -> tuple[Job, int, int]:
    """A running imagery job over ``mosaic`` (staged in an input store beside it) with every
    tile result stored; (job, tiles, pieces)."""
    levels = build_pyramid(open_raster(str(mosaic)))
    staged = stage_input(mosaic, mosaic.parent / "home")
    spec = JobSpec(
        kind=JobKind.IMAGERY,
        input_path=str(staged.path),
        input_sha256=staged.sha256,
        input_name=mosaic.name,
        state=f"bench-finish-{uuid.uuid4().hex[:8]}",
        area="bench-finish",
        as_of=date(2024, 1, 1),
        options={"scales": [level.scale for level in levels]},
    )
    job_id = jobs.submit(spec).job.id
    jobs.start(job_id)
    tiles = pieces = 0
    for level in levels:
        boxes = town(level)
        for result in tile_results(level, boxes):
            jobs.put_tile(job_id, result)
            tiles += 1
            pieces += len(result.classes)
    jobs.plan_tiles(job_id, tiles, [level.scale for level in levels])
    return jobs.get(job_id), tiles, pieces


def peak_rss_mib() -> float:
    """This process's peak resident set so far (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemoryStages(StageTimes):
    """Stage times, plus the process's peak RSS (MiB) when each stage ended."""

    def __init__(self) -> None:
        super().__init__()
        self.peak_mib: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        with super().stage(name):
            yield
        self.peak_mib[name] = round(peak_rss_mib(), 1)


def baseline_scene_graph(jobs: JobStore, job: Job, times: StageTimes) -> SceneGraph:
    """The old finish step: each scale's results in one query, every scale's pieces kept."""
    info = open_raster(job.input_path)
    kept: list[LevelPieces] = []

    def levels() -> Iterator[LevelPieces]:
        for scale in job.scales:
            found = stored_level(jobs, job.id, level_for(info, scale), page=job.tiles_expected or 1)
            kept.append(found)
            yield found

    coverage = footprint_wgs84(info.transform, info.width, info.height, info.crs)
    return assemble_scene_graph(levels(), coverage=coverage, source_crs=info.epsg, times=times)


def digest(scene: SceneGraph) -> str:
    """A hash of every object and relation, in order: equal only for identical graphs."""
    h = hashlib.sha256()
    for o in scene.objects:
        h.update(repr((o.key, o.cls, o.scale, o.confidence, o.source, o.provenance)).encode())
        h.update(shapely.to_wkb(o.geometry))
    for r in scene.relations:
        h.update(repr(r).encode())
    return h.hexdigest()


def measure(mode: str, job_id: str) -> dict[str, Any]:
    """Run one assembly (``streamed`` or ``baseline``) in this process and describe it."""
    graph = open_graph(bench_settings(), migrate=False)
    try:
        jobs = JobStore(graph.client)
        job = jobs.get(job_id)
        start_mib = peak_rss_mib()
        times = MemoryStages()
        started = time.perf_counter()
        if mode == "streamed":
            scene = stored_scene_graph(jobs, job, times=times)
        else:
            scene = baseline_scene_graph(jobs, job, times)
        return {
            "peak_rss_mib": round(peak_rss_mib(), 1),
            "rss_before_mib": round(start_mib, 1),
            "seconds": round(time.perf_counter() - started, 1),
            "objects": len(scene.objects),
            "relations": len(scene.relations),
            "digest": digest(scene),
            "stage_peak_mib": times.peak_mib,
        }
    finally:
        graph.close()


def measured(mode: str, job_id: str) -> dict[str, Any]:
    """:func:`measure` in a fresh process, so each peak is its own."""
    command = [sys.executable, "-m", "bench.finish_memory", "--measure", mode, "--job", job_id]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    cli = parser(__doc__.splitlines()[0])
    cli.add_argument("--size", type=int, help="mosaic side in pixels (default 20000)")
    cli.add_argument("--measure", choices=["streamed", "baseline"], help=argparse.SUPPRESS)
    cli.add_argument("--job", help=argparse.SUPPRESS)
    args = cli.parse_args()
    begun = begin()
    if args.measure:
        print(json.dumps(measure(args.measure, args.job)))
        return
    size = args.size or (4_000 if args.quick else 20_000)
    settings = bench_settings()
    up(settings)
    graph = open_graph(settings)
    jobs = JobStore(graph.client)
    try:
        with tempfile.TemporaryDirectory(prefix="finish-memory-") as folder:
            mosaic = write_mosaic(Path(folder) / f"mosaic-{size}.tif", size)
            started = time.perf_counter()
            job, tiles, pieces = store_job(jobs, mosaic)
            store_s = time.perf_counter() - started
            print(f"stored {tiles} tile results ({pieces} pieces) in {store_s:.0f} s", flush=True)
            try:
                streamed = measured("streamed", job.id)
                print(f"streamed: {streamed['peak_rss_mib']} MiB", flush=True)
                baseline = measured("baseline", job.id)
            finally:
                jobs.drop_tiles(job.id)
                jobs.fail(job.id, "benchmark job: its tile results were synthetic")
    finally:
        graph.close()
        if args.stop:
            down(settings)
    pixels = size * size
    write_result(
        "finish_memory",
        {
            "mosaic_px": [size, size],
            "gsd_m": GSD_M,
            "scales": job.scales,
            "tiles": tiles,
            "pieces": pieces,
            "store_seconds": round(store_s, 1),
            "streamed": streamed,
            "baseline": baseline,
            "identical": streamed["digest"] == baseline["digest"],
            "ratio": round(streamed["peak_rss_mib"] / baseline["peak_rss_mib"], 3),
            "bytes_per_pixel": round(streamed["peak_rss_mib"] * 2**20 / pixels, 2),
        },
        started=begun,
        stack=settings,
    )


if __name__ == "__main__":
    main()
