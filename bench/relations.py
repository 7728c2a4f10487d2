"""Benchmark of the relation engine on real Liechtenstein objects, replicated to 100k.

What is measured (CPU seconds, ``time.process_time``, so other load on shared cores does not
count; the engine is single-threaded):

- ``seconds_10k`` / ``seconds_100k``: the whole engine (every rule of ``RULES``) at 1:2,000 on
  10,000 and 100,000 objects, and their ratio (``growth_10k_to_100k``; 10 is linear);
- the candidate stage every rule selects from: all object pairs within ``nearby_m`` (20 m) with
  their distances, done three ways on the same 10,000 objects: the engine (subdivided pieces in
  an STRtree), a naive test of every unordered pair (``shapely.dwithin``, vectorised in blocks,
  then the distances of the hits), and geopandas ``sjoin(predicate="dwithin")`` followed by the
  same distances; the last two get the same geometries, unprepared (the engine's pieces are
  unprepared too). ``speedup_vs_naive_10k`` = naive / engine; ``ratio_to_sjoin`` = engine /
  sjoin (below 1 is faster). A second naive baseline computes every pair's distance outright
  (``speedup_vs_naive_distance_10k``, timed on 50 rows and scaled). All find the same pairs.

The 1:2,000 objects come from the real extract; 100,000 are made by copying the whole set side
by side (each copy shifted east by the extract's width plus 2 km, keys suffixed ``#k``), so the
density stays real. ``--quick`` times the naive ``dwithin`` test on 400 sampled rows and scales
it to the whole triangle of pairs. Each timing and ratio (``FIGURES``) is the median of
``--runs`` runs (ratios taken within a run), with ``_min`` and ``_max``. Writes
``bench/results/relations.json``.

    .venv/bin/python -m bench.relations [--quick] [--runs 3] [--pbf PATH]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import shapely

from bench._common import MIN_RUNS, begin, flat, repeated, write_result
from ingest.geo import metric_epsg
from ingest.ontology import get_scale
from ingest.records import MapObject
from ingest.relations.engine import relate_frame
from ingest.relations.frame import ScaleFrame
from ingest.vector.classify import OsmClassifier, ReadCounts, chunk_objects
from ingest.vector.readers import open_source

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PBF = ROOT.parent / "shared" / "data" / "osm" / "liechtenstein.osm.pbf"
SCALE = 2000
SIZES = (10_000, 100_000)
NAIVE_SAMPLE_ROWS = 400
NAIVE_BLOCK = 100
FIGURES = (
    "candidates_seconds_10k", "sjoin_seconds_10k", "naive_seconds_10k",
    "speedup_vs_naive_10k", "naive_distance_seconds_10k", "speedup_vs_naive_distance_10k",
    "ratio_to_sjoin", "seconds_10k", "seconds_100k", "growth_10k_to_100k",
)  # fmt: skip
"""The measured keys of :func:`run`'s result; the rest are counts and labels."""

T = TypeVar("T")


def cpu_seconds(task: Callable[[], T]) -> tuple[float, T]:
    """CPU seconds ``task`` takes, and its result."""
    start = time.process_time()
    result = task()
    return time.process_time() - start, result


def real_objects(pbf: Path) -> list[MapObject]:
    """The extract's objects drawn at 1:2,000, as the vector reader makes them."""
    info, chunks = open_source(pbf)
    counts = ReadCounts()
    objects = [o for chunk in chunks for o in chunk_objects(chunk, info, OsmClassifier(), counts)]
    return sorted((o for o in objects if o.scale == SCALE), key=lambda o: o.key)


def replicate(objects: Sequence[MapObject], count: int) -> list[MapObject]:
    """``count`` objects: the originals, then copies shifted east side by side."""
    minx, _, maxx, _ = shapely.total_bounds(np.array([o.geometry for o in objects], dtype=object))
    step = (maxx - minx) + 0.03  # about 2 km at 47 degrees north
    out: list[MapObject] = []
    copy = 0
    while len(out) < count:
        for obj in objects[: count - len(out)]:
            moved = shapely.transform(obj.geometry, lambda xy, dx=copy * step: xy + [dx, 0.0])
            out.append(replace(obj, key=f"{obj.key}#{copy}", geometry=moved))
        copy += 1
    return out


def naive_pairs(
    geoms: np.ndarray, distance: float, rows: np.ndarray, test: Callable[..., np.ndarray]
) -> tuple[set, float]:
    """All-pairs test for ``rows``: ``test`` (``shapely.dwithin`` or ``shapely.distance``)
    against every later geometry, vectorised in blocks, then the distances of the hits.

    Returns the unordered pairs found and the CPU seconds the whole triangle would take
    (measured on ``rows``, scaled by the number of pairs).
    """
    found: set[tuple[int, int]] = set()
    tested = 0
    start = time.process_time()
    for first in range(0, len(rows), NAIVE_BLOCK):
        block = rows[first : first + NAIVE_BLOCK]
        i, j = np.nonzero(np.arange(len(geoms))[None, :] > block[:, None])
        i = block[i]
        tested += len(i)
        if test is shapely.dwithin:
            hit = test(geoms[i], geoms[j], distance)
            i, j = i[hit], j[hit]
            shapely.distance(geoms[i], geoms[j])
        else:
            near = test(geoms[i], geoms[j]) <= distance
            i, j = i[near], j[near]
        found.update(zip(i.tolist(), j.tolist(), strict=True))
    seconds = time.process_time() - start
    return found, seconds * (len(geoms) * (len(geoms) - 1) / 2) / max(tested, 1)


def sjoin_pairs(geoms: np.ndarray, epsg: int, distance: float) -> tuple[set, float]:
    """geopandas ``sjoin(dwithin)`` of the geometries with themselves, then the distances."""
    frame = gpd.GeoDataFrame(geometry=geoms, crs=epsg)
    start = time.process_time()
    joined = gpd.sjoin(frame, frame, predicate="dwithin", distance=distance)
    i = joined.index.to_numpy()
    j = joined["index_right"].to_numpy()
    keep = i < j
    shapely.distance(geoms[i[keep]], geoms[j[keep]])
    seconds = time.process_time() - start
    return set(zip(i[keep].tolist(), j[keep].tolist(), strict=True)), seconds


def engine_pairs(frame: ScaleFrame) -> tuple[set, float]:
    """The engine's candidate stage (pieces, index, query, distances)."""
    seconds, found = cpu_seconds(lambda: frame.candidates)
    upper = found.i < found.j
    return set(zip(found.i[upper].tolist(), found.j[upper].tolist(), strict=True)), seconds


def run(pbf: Path, quick: bool) -> dict[str, object]:
    base = real_objects(pbf)
    epsg = metric_epsg([o.geometry for o in base])
    nearby = get_scale(SCALE).nearby_m
    results: dict[str, object] = {"scale": SCALE, "real_objects": len(base), "quick": quick}
    engine_seconds: dict[int, float] = {}
    for size in SIZES:
        objects = replicate(base, size)
        build, frame = cpu_seconds(partial(ScaleFrame.build, objects, SCALE, epsg))
        seconds, relations = cpu_seconds(partial(relate_frame, frame))
        engine_seconds[size] = build + seconds
        results[f"relations_{size // 1000}k"] = len(relations)
        print(f"{size:>7} objects: engine {build + seconds:7.2f} s CPU, {len(relations)} relations")
        if size != SIZES[0]:
            continue
        fresh = ScaleFrame.build(objects, SCALE, epsg)  # candidates not yet computed
        plain = shapely.from_wkb(shapely.to_wkb(fresh.geoms))  # the same shapes, unprepared
        mine, t_engine = engine_pairs(fresh)
        joined, t_sjoin = sjoin_pairs(plain, epsg, nearby)
        rows = np.arange(len(fresh))
        sample = np.sort(np.random.default_rng(0).choice(rows, NAIVE_SAMPLE_ROWS, replace=False))
        naive, t_naive = naive_pairs(plain, nearby, sample if quick else rows, shapely.dwithin)
        by_distance, t_distance = naive_pairs(plain, nearby, sample[:50], shapely.distance)
        assert joined == mine, "sjoin and the engine disagree on the candidate pairs"
        for found, timed in ((naive, sample if quick else rows), (by_distance, sample[:50])):
            assert found == {p for p in mine if p[0] in set(timed.tolist())}, (
                "the naive test and the engine disagree on the candidate pairs"
            )
        print(
            f"candidates within {nearby:g} m at 10k: engine {t_engine:.3f} s, sjoin "
            f"{t_sjoin:.3f} s, naive dwithin {t_naive:.1f} s, naive distance {t_distance:.0f} s"
        )
        results |= {
            "candidate_pairs_10k": len(mine),
            "candidates_seconds_10k": round(t_engine, 4),
            "sjoin_seconds_10k": round(t_sjoin, 4),
            "naive_seconds_10k": round(t_naive, 2),
            "naive_rows_timed": int(len(sample) if quick else len(rows)),
            "speedup_vs_naive_10k": round(t_naive / t_engine, 1),
            "naive_distance_seconds_10k": round(t_distance, 1),
            "speedup_vs_naive_distance_10k": round(t_distance / t_engine, 1),
            "ratio_to_sjoin": round(t_engine / t_sjoin, 3),
        }
    results |= {
        "seconds_10k": round(engine_seconds[SIZES[0]], 2),
        "seconds_100k": round(engine_seconds[SIZES[1]], 2),
        "growth_10k_to_100k": round(engine_seconds[SIZES[1]] / engine_seconds[SIZES[0]], 2),
        "timer": "process_time (CPU seconds)",
    }
    return results


def main() -> None:
    begun = begin()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="time the naive test on a sample")
    parser.add_argument("--pbf", type=Path, default=DEFAULT_PBF, help="OSM extract to use")
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help="runs per figure")
    args = parser.parse_args()
    runs: list[dict[str, object]] = []

    def measured() -> dict[str, float]:
        runs.append(run(args.pbf, args.quick))
        return {key: float(runs[-1][key]) for key in FIGURES}  # type: ignore[arg-type]

    figures = repeated(args.runs, measured)
    write_result(
        "relations",
        {**runs[-1], **flat(figures), "runs": args.runs},
        started=begun,
        stack=None,
    )


if __name__ == "__main__":
    main()
