"""Diff time of two map states as they grow: 10k and 100k objects (quick: 2k and 20k).

Run: ``python -m bench.graph_diff [--quick]``. The old state is the synthetic town; the new one
is a copy with known changes at 1:2,000 (2% of buildings gone, 1% reclassified as parking lots,
2% moved by half their width, as many new buildings as were removed, 1% of the ``nearby``
relations dropped), so the counts are checked as well as timed. States are cached in the bench
Neo4j between runs. The baseline is reading both states' objects at the scale (``export``), the
I/O a diff cannot avoid; ``growth_10k_to_100k`` near 10-12.5 means linear to N log N.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from datetime import date

import numpy as np
from shapely import affinity
from shapely.geometry import box

from bench._common import (
    MIN_RUNS,
    Figure,
    begin,
    bench_graph,
    bench_settings,
    parser,
    town,
    write_result,
)
from graphdb.models import StateStatus
from graphdb.repository import Neo4jGraph
from ingest.records import MapObject, Relation

AREA = "bench-diff"
SCALE = 2000


def changed_copy(
    objects: list[MapObject], relations: list[Relation], seed: int
) -> tuple[list[MapObject], list[Relation], dict[str, int]]:
    """The new state's records and the change counts a diff must find."""
    rng = np.random.default_rng(seed)
    buildings = [i for i, o in enumerate(objects) if o.cls == "building"]
    picked = rng.permutation(buildings)
    n_gone, n_swap, n_move = (max(1, round(len(buildings) * share)) for share in (0.02, 0.01, 0.02))
    gone = {objects[i].key for i in picked[:n_gone]}
    swap = {objects[i].key for i in picked[n_gone : n_gone + n_swap]}
    move = {objects[i].key for i in picked[n_gone + n_swap : n_gone + n_swap + n_move]}
    new_objects = []
    for obj in objects:
        if obj.key in gone:
            continue
        if obj.key in swap:
            obj = replace(obj, cls="parking_lot")
        elif obj.key in move:
            width = obj.geometry.bounds[2] - obj.geometry.bounds[0]
            obj = replace(obj, geometry=affinity.translate(obj.geometry, xoff=width / 2))
        new_objects.append(obj)
    minx, _, _, maxy = town_bounds(objects)
    for k, key in enumerate(sorted(gone)):
        # new buildings in a row north of the town, where the old state has nothing.
        x = minx + k * 0.0005
        new_objects.append(
            MapObject(
                f"new/{key}", "building", SCALE, box(x, maxy + 0.001, x + 0.0003, maxy + 0.0015)
            )
        )
    nearby = [i for i, r in enumerate(relations) if r.predicate == "nearby"]
    kept_nearby = [i for i in nearby if relations[i].subject_key not in gone | swap | move
                   and relations[i].object_key not in gone | swap | move]  # fmt: skip
    dropped = set(rng.choice(kept_nearby, size=max(1, len(kept_nearby) // 100), replace=False))
    new_relations = [
        r for i, r in enumerate(relations)
        if i not in dropped and r.subject_key not in gone and r.object_key not in gone
    ]  # fmt: skip
    expected = {
        "appeared": len(gone),
        "disappeared": len(gone),
        "reclassified": len(swap),
        "geometry_changed": len(move),
        "relation_vanished": len(dropped),
    }
    return new_objects, new_relations, expected


def town_bounds(objects: list[MapObject]) -> tuple[float, float, float, float]:
    """The bounds of all objects' geometries."""
    bounds = np.array([o.geometry.bounds for o in objects])
    return bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max()


def ensure_pair(graph: Neo4jGraph, n: int) -> dict[str, int]:
    """Old and new states of about ``n`` objects (built unless cached); expected change counts."""
    data = town(n, seed=n)
    new_objects, new_relations, expected = changed_copy(data.objects, data.relations, seed=n)
    minx, miny, maxx, maxy = town_bounds(new_objects)
    coverage = box(minx - 0.001, miny - 0.001, maxx + 0.001, maxy + 0.001)
    cached = {s.name: s.status for s in graph.states(AREA, include_private=True)}
    for name, as_of, objects, relations in (
        (f"bench-diff-{n}-old", date(2020, 1, 1), data.objects, data.relations),
        (f"bench-diff-{n}-new", date(2021, 1, 1), new_objects, new_relations),
    ):
        if cached.get(name) is StateStatus.COMMITTED:
            continue
        graph.begin_state(name, area=AREA, as_of=as_of, coverage=coverage, replace=True)
        graph.write(name, objects, relations)
        graph.commit(name)
    return expected


def measure(graph: Neo4jGraph, n: int) -> dict[str, object]:
    """Diff seconds (median of ``MIN_RUNS``, with min and max), export-both baseline seconds,
    and whether counts match."""
    expected = ensure_pair(graph, n)
    old, new = f"bench-diff-{n}-old", f"bench-diff-{n}-new"
    runs = []
    for _ in range(MIN_RUNS):
        started = time.perf_counter()
        diff = graph.diff(old, new, scale=SCALE)
        runs.append(time.perf_counter() - started)
    started = time.perf_counter()
    loaded = sum(1 for _ in graph.export(old, scale=SCALE)) + sum(
        1 for _ in graph.export(new, scale=SCALE)
    )
    load_s = time.perf_counter() - started
    counts = diff.counts()
    seconds = Figure.of(runs)
    return {
        "objects_at_scale": loaded,
        **seconds.fields("seconds", digits=3),
        "load_seconds": round(load_s, 3),
        "ratio_to_load": round(seconds.median / load_s, 3),
        "counts": counts,
        "counts_ok": all(counts[k] == v for k, v in expected.items()),
    }


def main() -> None:
    begun = begin()
    args = parser(__doc__.splitlines()[0]).parse_args()
    small, large = (2_000, 20_000) if args.quick else (10_000, 100_000)
    with bench_graph(stop=args.stop, batch_size=10_000) as graph:
        first = measure(graph, small)
        second = measure(graph, large)
    growth = second["seconds"] / first["seconds"]  # type: ignore[operator]
    write_result(
        "graph_diff",
        {
            "mode": "quick" if args.quick else "full",
            "small": small,
            "large": large,
            "small_run": first,
            "large_run": second,
            "seconds_100k" if not args.quick else "seconds_20k": second["seconds"],
            "growth_10k_to_100k" if not args.quick else "growth_2k_to_20k": round(growth, 2),
            "growth_if_linear": 10.0,
            "growth_if_n_log_n": round(10 * math.log(large) / math.log(small), 2),
            "runs": MIN_RUNS,
        },
        started=begun,
        stack=bench_settings(),
    )


if __name__ == "__main__":
    main()
