"""Read latency: bridges-over-rivers triplets in a bbox, and hierarchy drill-down.

Run: ``python -m bench.graph_query [--quick]`` (1M objects; quick: 100k). The synthetic state is
built once with the graph writer and kept in the bench Neo4j (``.orthograph/bench``), so later
runs only query. Each query bbox is placed at random and sized to hold about 800 bridge-over-river
triplets (target: p99 <= 50 ms for up to 1,000 triplets); the drill-down walks a settlement down
to its blocks and buildings (``consists_of``, depth 2, ~900 objects) and a block to its buildings.

The baseline is the same triplet query (same bboxes, same ~800 triplets a page, the same
``triplets_expand.cypher`` and decoding) without the spatial index: it anchors on the state's
bridges through the ``(state_id, class, scale)`` index (``objects_from_class.cypher``, the plan
the reader uses when no bbox is given) and filters every bridge of the state by the bbox,
instead of reading the bbox's grid cells (``objects_from_cells.cypher``). ``speedup_vs_no_index``
= baseline p50 / p50. The earlier baseline, every bridge-over-river triplet of the state as one
10,000-row page (``baseline_all_triplets_p50_ms``), is kept for reference only: it returns 15x
the rows.

Each sweep (``SAMPLES`` bboxes, or ``BASELINE_SAMPLES`` for the baselines, after ``WARMUP``
untimed) gives its percentiles; a figure is the median over ``--runs`` sweeps, with min and max.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
from shapely.geometry import box

from bench._common import (
    BLOCK_DEG,
    MIN_RUNS,
    ORIGIN,
    begin,
    bench_graph,
    bench_settings,
    flat,
    parser,
    percentile_ms,
    repeated,
    town,
    write_result,
)
from graphdb import queries
from graphdb.models import BBox, MapState, StateStatus
from graphdb.nodes import to_objects
from graphdb.params import bbox_params, class_filter, page_limit, scale_params, stored_reading
from graphdb.repository import Neo4jGraph

AREA = "bench-query"
TARGET_TRIPLETS = 800
SAMPLES, WARMUP, BASELINE_SAMPLES = 200, 20, 50
PAGE = 1_000


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


def no_index_triplets(graph: Neo4jGraph, state_id: str, bbox: BBox) -> int:
    """Bridge-over-river triplets in ``bbox`` read as the reader reads them but anchored on all
    the state's bridges (``objects_from_class``), decoded as the reader decodes them; how many."""
    rel_type, subject_end = stored_reading("passing_over")
    query = queries.load("objects_from_class") + queries.typed("triplets_expand", rel_type)
    params = {
        "state_id": state_id,
        "classes": class_filter(["bridge"]),
        "object_class": class_filter(["river"])[0],
        "rel_type": rel_type,
        "subject_end": subject_end,
        **scale_params(None),
        **bbox_params(bbox),
        "after_subject": "",
        "after_object": "",
        "limit": page_limit(PAGE),
        "subject_geometry": True,
        "object_geometry": True,
    }
    rows = graph.client.fetch(query, params)
    to_objects([r["subject"] for r in rows])
    to_objects([r["object"] for r in rows])
    return len(rows)


def timed(samples: int, run: Callable[[int], Any]) -> tuple[list[float], list[Any]]:
    """Seconds of ``run(i)`` for ``samples`` calls after ``WARMUP`` untimed ones."""
    for i in range(WARMUP):
        run(i)
    seconds, results = [], []
    for i in range(WARMUP, WARMUP + samples):
        started = time.perf_counter()
        results.append(run(i))
        seconds.append(time.perf_counter() - started)
    return seconds, results


def main() -> None:
    begun = begin()
    cli = parser(__doc__.splitlines()[0])
    cli.add_argument("--runs", type=int, default=MIN_RUNS, help="sweeps per figure")
    args = cli.parse_args()
    n = 100_000 if args.quick else 1_000_000
    rng = np.random.default_rng(7)
    with bench_graph(stop=args.stop, batch_size=10_000) as graph:
        state, side, bridges = ensure_state(graph, n)
        name = state.name
        span = side * BLOCK_DEG
        window = min(span, span * math.sqrt(TARGET_TRIPLETS / bridges))
        corners = rng.uniform(0, span - window, size=(WARMUP + SAMPLES, 2))

        def bbox(i: int) -> BBox:
            x, y = ORIGIN[0] + corners[i, 0], ORIGIN[1] + corners[i, 1]
            return x, y, x + window, y + window

        def triplets_in_window(i: int) -> int:
            page = graph.triplets(name, subject_class="bridge", predicate="passing_over",
                                  object_class="river", bbox=bbox(i), limit=PAGE)  # fmt: skip
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

        counts: dict[str, list[int]] = {}

        def sweep() -> dict[str, float]:
            """One sweep of every query: its percentiles (ms)."""
            triplet_s, counts["triplets"] = timed(SAMPLES, triplets_in_window)
            no_index_s, no_index_counts = timed(
                BASELINE_SAMPLES, lambda i: no_index_triplets(graph, state.id, bbox(i))
            )
            if no_index_counts != counts["triplets"][:BASELINE_SAMPLES]:
                raise RuntimeError("the no-index baseline and the reader disagree on triplets")
            hierarchy_s, counts["hierarchy"] = timed(SAMPLES, drill_settlement)
            block_s, _ = timed(SAMPLES, drill_block)
            all_s, _ = timed(20, everything)
            p50 = percentile_ms(triplet_s, 50)
            return {
                "p50_ms": p50,
                "p99_ms": percentile_ms(triplet_s, 99),
                "hierarchy_p50_ms": percentile_ms(hierarchy_s, 50),
                "hierarchy_p99_ms": percentile_ms(hierarchy_s, 99),
                "block_drilldown_p99_ms": percentile_ms(block_s, 99),
                "baseline_no_index_p50_ms": percentile_ms(no_index_s, 50),
                "baseline_no_index_p99_ms": percentile_ms(no_index_s, 99),
                "speedup_vs_no_index": percentile_ms(no_index_s, 50) / p50,
                "baseline_all_triplets_p50_ms": percentile_ms(all_s, 50),
                "ratio_p50_to_all_triplets": p50 / percentile_ms(all_s, 50),
            }

        figures = repeated(args.runs, sweep)

    write_result(
        "graph_query",
        {
            "mode": "quick" if args.quick else "full",
            "objects": state.object_count,
            "relations": state.relation_count,
            "bridge_over_river_triplets": bridges,
            "window_deg": round(window, 4),
            "triplets_per_query_mean": float(np.mean(counts["triplets"])),
            "triplets_per_query_max": int(np.max(counts["triplets"])),
            **flat(figures, digits=3),
            "target_p99_ms": 50,
            "hierarchy_objects_per_query_mean": float(np.mean(counts["hierarchy"])),
            "baseline": "the same bbox query without the spatial index: the state's bridges by "
            "(state_id, class, scale), each filtered by the bbox (objects_from_class.cypher + "
            "triplets_expand.cypher)",
            "runs": args.runs,
            "samples_per_run": {
                "query": SAMPLES,
                "baseline_no_index": BASELINE_SAMPLES,
                "baseline_all_triplets": 20,
                "warmup": WARMUP,
            },  # fmt: skip
        },
        started=begun,
        stack=bench_settings(),
    )


if __name__ == "__main__":
    main()
