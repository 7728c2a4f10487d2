"""Read latency: bridges-over-rivers triplets in a bbox, and hierarchy drill-down.

Run: ``python -m bench.graph_query [--quick]`` (1M objects; quick: 100k). The synthetic state is
built once with the graph writer and kept in the bench Neo4j (``.orthograph/bench``), so later
runs only query. Each query bbox is placed at random and sized to hold about 800 bridge-over-river
triplets (target: p99 <= 50 ms for up to 1,000 triplets); the drill-down walks a settlement down
to its blocks and buildings (``consists_of``, depth 2, ~900 objects) and a block to its buildings.
The baseline is the same triplet query with the bbox covering the whole town.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
from shapely.geometry import box

from bench._common import BLOCK_DEG, ORIGIN, bench_graph, parser, percentile_ms, town, write_result
from graphdb.models import MapState, StateStatus
from graphdb.repository import Neo4jGraph

AREA = "bench-query"
TARGET_TRIPLETS = 800
SAMPLES, WARMUP = 200, 20


def ensure_state(graph: Neo4jGraph, n: int) -> tuple[MapState, int, int]:
    """The cached state of about ``n`` objects (built now if missing), its side, its bridges."""
    name = f"bench-query-{n}"
    cached = {s.name: s for s in graph.states(AREA, include_private=True)}
    if name not in cached or cached[name].status is not StateStatus.COMMITTED:
        data = town(n)
        graph.begin_state(name, area=AREA, as_of=date(2000, 1, 1), coverage=box(*data.bounds),
                          replace=True)  # fmt: skip
        started = time.perf_counter()
        graph.write(name, data.objects, data.relations)
        graph.commit(name)
        print(f"built {name}: {len(data.objects)} objects in {time.perf_counter() - started:.1f} s")
    state = graph.state(name)
    count, after = 0, None
    while True:
        page = graph.triplets(name, subject_class="bridge", predicate="passing_over",
                              object_class="river", limit=10_000, after=after)  # fmt: skip
        count += len(page.items)
        if (after := page.next_after) is None:
            break
    west, _, east, _ = state.coverage.bounds
    return state, round((east - west) / BLOCK_DEG), count


def timed(samples: int, run: Callable[[int], Any]) -> tuple[list[float], list[Any]]:
    """Seconds of ``run(i)`` for ``samples`` calls after ``WARMUP`` untimed ones."""
    for i in range(WARMUP):
        run(i)
    seconds, results = [], []
    for i in range(samples):
        started = time.perf_counter()
        results.append(run(i))
        seconds.append(time.perf_counter() - started)
    return seconds, results


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    n = 100_000 if args.quick else 1_000_000
    rng = np.random.default_rng(7)
    with bench_graph(stop=args.stop, batch_size=10_000) as graph:
        state, side, bridges = ensure_state(graph, n)
        name = state.name
        span = side * BLOCK_DEG
        window = min(span, span * math.sqrt(TARGET_TRIPLETS / bridges))
        corners = rng.uniform(0, span - window, size=(WARMUP + SAMPLES, 2))

        def triplets_in_window(i: int) -> int:
            x, y = ORIGIN[0] + corners[i, 0], ORIGIN[1] + corners[i, 1]
            page = graph.triplets(name, subject_class="bridge", predicate="passing_over",
                                  object_class="river", bbox=(x, y, x + window, y + window),
                                  limit=1_000)  # fmt: skip
            return len(page.items)

        settlements = [o.id for o in graph.objects(name, classes=["settlement"], limit=1_000).items]
        blocks = [
            o.id for o in graph.objects(name, classes=["residential_block"], limit=1_000).items
        ]

        def drill_settlement(i: int) -> int:
            return len(graph.descendants(settlements[i % len(settlements)], depth=2, limit=2_000))

        def drill_block(i: int) -> int:
            return len(graph.descendants(blocks[i % len(blocks)], depth=1))

        def everything(i: int) -> int:
            page = graph.triplets(name, subject_class="bridge", predicate="passing_over",
                                  object_class="river", limit=10_000)  # fmt: skip
            return len(page.items)

        triplet_s, triplet_counts = timed(SAMPLES, triplets_in_window)
        hierarchy_s, hierarchy_counts = timed(SAMPLES, drill_settlement)
        block_s, _ = timed(SAMPLES, drill_block)
        baseline_s, _ = timed(20, everything)

    p99 = percentile_ms(triplet_s, 99)
    write_result(
        "graph_query",
        {
            "mode": "quick" if args.quick else "full",
            "objects": state.object_count,
            "relations": state.relation_count,
            "bridge_over_river_triplets": bridges,
            "window_deg": round(window, 4),
            "triplets_per_query_mean": float(np.mean(triplet_counts)),
            "triplets_per_query_max": int(np.max(triplet_counts)),
            "p50_ms": round(percentile_ms(triplet_s, 50), 2),
            "p99_ms": round(p99, 2),
            "target_p99_ms": 50,
            "hierarchy_objects_per_query_mean": float(np.mean(hierarchy_counts)),
            "hierarchy_p50_ms": round(percentile_ms(hierarchy_s, 50), 2),
            "hierarchy_p99_ms": round(percentile_ms(hierarchy_s, 99), 2),
            "block_drilldown_p99_ms": round(percentile_ms(block_s, 99), 2),
            "baseline_all_triplets_p50_ms": round(percentile_ms(baseline_s, 50), 2),
            "ratio_p50_to_all_triplets": round(
                percentile_ms(triplet_s, 50) / percentile_ms(baseline_s, 50), 3
            ),
        },
    )


if __name__ == "__main__":
    main()
