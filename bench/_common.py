"""Shared pieces of the graph benchmarks: their own Neo4j, a synthetic town, results as JSON.

Benchmarks never touch the test or development graph: they run the local stack with its own
home and ports (``.orthograph/bench``, Bolt 7689, Redis 6489; override with the usual
``ORTHOGRAPH_*`` variables) and leave it running unless ``--stop`` is given, so a cached graph
(the query benchmark's) is reused by the next run.

The synthetic town is a grid of blocks, each 0.002 x 0.002 degrees (about 150 x 220 m near
lat 47): a residential block (1:10,000) of eight buildings (1:2,000), a road along its south
edge, and on every fourth column a river crossed by a bridge at the road; ten by ten blocks make
a settlement (1:50,000). Relations: buildings ``part_of`` their block, blocks ``part_of`` their
settlement (cross-scale), buildings ``nearby`` the next two buildings and ``adjacent_to`` the
road, roads ``connected_to`` the next road east, bridges ``passing_over`` the river and
``connected_to`` the road: about three relations per object.

Every figure a benchmark reports is the median of at least ``MIN_RUNS`` runs, kept with its
minimum and maximum (:class:`Figure`, :func:`repeated`), because one run on a shared machine
says little; and every result file carries the run's context (machine, load average at start
and end, the Neo4j memory actually used, git commit, date), attached by :func:`write_result`
from :func:`run_context`, so no benchmark can leave it out. ``bench/report.py`` renders
``bench/RESULTS.md`` from these files.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import LineString, box

from config.connections import PROJECT_ROOT
from graphdb.repository import Neo4jGraph, open_graph
from ingest.records import MapObject, Relation
from stack import down, up
from stack.neo4j import Neo4jService
from stack.process import command_line
from stack.settings import StackSettings

RESULTS = PROJECT_ROOT / "bench" / "results"
BENCH_ENV = {
    "ORTHOGRAPH_HOME": str(PROJECT_ROOT / ".orthograph" / "bench"),
    "ORTHOGRAPH_NEO4J_URI": "bolt://127.0.0.1:7689",
    "ORTHOGRAPH_REDIS_URL": "redis://127.0.0.1:6489/0",
    "ORTHOGRAPH_NEO4J_HEAP": "2g",
    "ORTHOGRAPH_NEO4J_PAGE_CACHE": "2g",
}
BLOCK_DEG = 0.002
BUILDINGS_PER_BLOCK = 8
BLOCKS_PER_SETTLEMENT_SIDE = 10
ORIGIN = (9.0, 47.0)
MIN_RUNS = 3
"""Fewest runs a reported figure is the median of."""


def parser(description: str) -> argparse.ArgumentParser:
    """Arguments every benchmark takes."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    result.add_argument("--stop", action="store_true", help="stop the bench Neo4j afterwards")
    return result


def bench_settings() -> StackSettings:
    """The bench stack's settings: BENCH_ENV unless the environment says otherwise."""
    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)
    return StackSettings()


@contextmanager
def bench_graph(*, stop: bool, batch_size: int = 10_000) -> Iterator[Neo4jGraph]:
    """The bench Neo4j (started if needed) as a repository with the schema applied."""
    settings = bench_settings()
    up(settings)
    graph = open_graph(settings, batch_size=batch_size)
    try:
        yield graph
    finally:
        graph.close()
        if stop:
            down(settings)


@dataclass(frozen=True)
class Town:
    """Synthetic records of one state, and what a benchmark needs to know about them."""

    objects: list[MapObject]
    relations: list[Relation]
    blocks: int
    side: int

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        x0, y0 = ORIGIN
        return x0, y0, x0 + self.side * BLOCK_DEG, y0 + self.side * BLOCK_DEG


def town(target_objects: int, *, seed: int = 0) -> Town:
    """About ``target_objects`` objects laid out as described in the module docstring."""
    per_block = 1 + BUILDINGS_PER_BLOCK + 1 + 0.5
    blocks = max(1, round(target_objects / per_block))
    side = math.ceil(math.sqrt(blocks))
    rng = np.random.default_rng(seed)
    objects: list[MapObject] = []
    relations: list[Relation] = []
    settlements: set[tuple[int, int]] = set()
    for n in range(blocks):
        col, row = n % side, n // side
        x, y = ORIGIN[0] + col * BLOCK_DEG, ORIGIN[1] + row * BLOCK_DEG
        block = f"blk/{col}/{row}"
        objects.append(
            MapObject(block, "residential_block", 10000,
                      box(x + 0.0001, y + 0.0002, x + 0.0019, y + 0.0019))
        )  # fmt: skip
        settlement = (col // BLOCKS_PER_SETTLEMENT_SIDE, row // BLOCKS_PER_SETTLEMENT_SIDE)
        if settlement not in settlements:
            settlements.add(settlement)
            sx = ORIGIN[0] + settlement[0] * BLOCK_DEG * BLOCKS_PER_SETTLEMENT_SIDE
            sy = ORIGIN[1] + settlement[1] * BLOCK_DEG * BLOCKS_PER_SETTLEMENT_SIDE
            span = BLOCK_DEG * BLOCKS_PER_SETTLEMENT_SIDE
            objects.append(
                MapObject(f"set/{settlement[0]}/{settlement[1]}", "settlement", 50000,
                          box(sx, sy, sx + span, sy + span), name=f"Town {settlement}")
            )  # fmt: skip
        relations.append(
            Relation(block, "part_of", f"set/{settlement[0]}/{settlement[1]}", cross_scale=True)
        )
        road = f"road/{col}/{row}"
        objects.append(
            MapObject(
                road, "road", 2000, LineString([(x, y + 0.0001), (x + BLOCK_DEG, y + 0.0001)])
            )
        )
        if col + 1 < side and n + 1 < blocks:
            relations.append(Relation(road, "connected_to", f"road/{col + 1}/{row}"))
        jitter = rng.uniform(0, 0.00002, size=(BUILDINGS_PER_BLOCK, 2))
        for k in range(BUILDINGS_PER_BLOCK):
            bx = x + 0.0002 + (k % 4) * 0.0004 + jitter[k, 0]
            by = y + 0.0003 + (k // 4) * 0.0008 + jitter[k, 1]
            key = f"bld/{col}/{row}/{k}"
            objects.append(MapObject(key, "building", 2000, box(bx, by, bx + 0.0003, by + 0.0005)))
            relations.append(Relation(key, "part_of", block, cross_scale=True))
            relations.append(Relation(key, "adjacent_to", road))
            for step in (1, 2):
                if k + step < BUILDINGS_PER_BLOCK:
                    relations.append(Relation(key, "nearby", f"bld/{col}/{row}/{k + step}"))
        if col % 4 == 0 and n % 2 == 0:
            river, bridge = f"riv/{col}/{row}", f"brg/{col}/{row}"
            objects.append(
                MapObject(river, "river", 2000,
                          LineString([(x + 0.00005, y), (x + 0.00005, y + BLOCK_DEG)]))
            )  # fmt: skip
            objects.append(
                MapObject(bridge, "bridge", 2000,
                          LineString([(x, y + 0.0001), (x + 0.0001, y + 0.0001)]))
            )  # fmt: skip
            relations.append(Relation(bridge, "passing_over", river))
            relations.append(Relation(bridge, "connected_to", road))
    return Town(objects, relations, blocks, side)


def percentile_ms(samples_s: list[float], q: float) -> float:
    """The ``q``-th percentile of ``samples_s`` (seconds) in milliseconds."""
    return float(np.percentile(np.array(samples_s) * 1000.0, q))


@dataclass(frozen=True)
class Figure:
    """One reported figure: the median of ``runs`` measurements, with their extremes."""

    median: float
    min: float
    max: float
    runs: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Figure:
        """The figure of ``samples`` (one per run; at least ``MIN_RUNS``)."""
        if len(samples) < MIN_RUNS:
            raise ValueError(f"a figure needs >= {MIN_RUNS} runs, got {len(samples)}")
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))

    def fields(self, key: str, digits: int = 4) -> dict[str, float]:
        """``key`` (the median: the meaning the key had when runs were single), ``key_min``
        and ``key_max``, rounded to ``digits``."""
        return {
            key: round(self.median, digits),
            f"{key}_min": round(self.min, digits),
            f"{key}_max": round(self.max, digits),
        }


def repeated(runs: int, measure: Callable[[], Mapping[str, float]]) -> dict[str, Figure]:
    """Call ``measure`` ``runs`` times; each figure it returns, over the runs.

    ``measure`` is one whole run (a sweep of queries, a batch of jobs) returning its named
    figures; every run must name the same ones.
    """
    if runs < MIN_RUNS:
        raise ValueError(f"a figure needs >= {MIN_RUNS} runs, asked for {runs}")
    samples = [dict(measure()) for _ in range(runs)]
    return {key: Figure.of([sample[key] for sample in samples]) for key in samples[0]}


def timed(runs: int, call: Callable[[], object]) -> Figure:
    """Wall seconds of ``call`` over ``runs`` calls."""

    def seconds() -> dict[str, float]:
        started = time.perf_counter()
        call()
        return {"seconds": time.perf_counter() - started}

    return repeated(runs, seconds)["seconds"]


def flat(figures: Mapping[str, Figure], digits: int = 4) -> dict[str, float]:
    """Every figure's :meth:`Figure.fields`, for a result's top level."""
    return {
        name: value for key, f in figures.items() for name, value in f.fields(key, digits).items()
    }


@dataclass(frozen=True)
class Started:
    """When a benchmark began and the machine's load then: :func:`begin` at the top of
    ``main``, handed to :func:`write_result`."""

    at: str
    load_average_1m: float


def begin() -> Started:
    """The start of a benchmark run."""
    return Started(at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), load_average_1m=os.getloadavg()[0])


def run_context(started: Started, stack: StackSettings | None) -> dict[str, Any]:
    """What a reader needs to judge a result: the machine, its load at the start and the end,
    the Neo4j memory the run used (``stack``: the settings of the stack it ran against, None
    when it used no Neo4j), the code's commit and the dates."""
    return {
        "machine": _machine(),
        "load_average_1m": {
            "start": round(started.load_average_1m, 2),
            "end": round(os.getloadavg()[0], 2),
        },
        "neo4j": None if stack is None else _neo4j_memory(stack),
        "git_commit": _git_commit(),
        "started_at": started.at,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
              if line.startswith("model name")]  # fmt: skip
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").split()
    torch = sys.modules.get("torch")  # its version only where the benchmark imported it
    return {
        "cpus": os.cpu_count(),
        "cpu_model": models[0] if models else platform.processor(),
        "memory_gib": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 2**20, 1),
        "python": platform.python_version(),
        "torch": getattr(torch, "__version__", None),
    }


def _neo4j_memory(stack: StackSettings) -> dict[str, str]:
    """Heap and page cache of the stack's running Neo4j, read from its command line; the
    settings' values when it is not running (stopped by ``--stop``): a Neo4j that was already
    up keeps the sizes it was started with, whatever the settings say now."""
    pid = Neo4jService(stack).running_pid()
    args = command_line(pid) if pid is not None else []
    heap = [a.removeprefix("-Xmx") for a in args if a.startswith("-Xmx")]
    cache = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--page-cache"]
    if heap and cache:
        return {"heap": heap[0], "page_cache": cache[0], "from": "running process"}
    return {"heap": stack.neo4j_heap, "page_cache": stack.neo4j_page_cache, "from": "settings"}


def _git_commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, check=False)  # fmt: skip
    return done.stdout.strip() or None


def write_result(
    name: str,
    result: dict[str, Any],
    *,
    started: Started,
    stack: StackSettings | None,
    path: Path | None = None,
) -> Path:
    """Print ``result`` with its run context and store it as ``bench/results/<name>.json``
    (or ``path``). ``started`` and ``stack`` are required, so every result says how it ran.

    The top-level ``machine``, ``load_average_1m`` (at the end) and ``finished_at`` of the
    results before the context block keep their place for the readers of those files.
    """
    context = run_context(started, stack)
    result = result | {
        "context": context,
        "machine": context["machine"],
        "load_average_1m": context["load_average_1m"]["end"],
        "finished_at": context["finished_at"],
    }
    path = path or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return path
