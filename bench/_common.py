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
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from collections.abc import Iterator
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


def write_result(name: str, result: dict[str, Any]) -> Path:
    """Print ``result`` and store it as ``bench/results/<name>.json`` with the machine's facts."""
    result = result | {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_1m": os.getloadavg()[0],
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return path
