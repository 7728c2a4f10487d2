"""Write throughput of the graph writer against a plain ``UNWIND ... CREATE`` of the same rows.

Run: ``python -m bench.graph_write [--quick]`` (100k objects + ~300k relations; quick: 10k).

Both sides write the same prepared rows in the same batch size into states of their own, on the
same schema (so index upkeep costs both the same): the baseline CREATEs nodes and edges, the
writer validates, derives the rows and MERGEs them under the state-status guard.
``ratio_to_create`` is baseline time / writer time (1.0 = as fast as CREATE; target >= 0.8);
``ratio_db_only`` leaves the writer's validation and row building out.

Each of ``--runs`` rounds writes both sides (alternating which goes first, so JIT warm-up and
caches favour neither), rewrites the writer's batches and commits; every figure, the ratios
included (taken within a round), is the median over the rounds with its min and max.
``create_seconds`` and ``writer_seconds`` list the rounds.
"""

from __future__ import annotations

import itertools
import time
from datetime import date
from typing import LiteralString, cast

from shapely.geometry import box

from bench._common import (
    MIN_RUNS,
    Town,
    begin,
    bench_graph,
    bench_settings,
    flat,
    parser,
    repeated,
    town,
    write_result,
)
from graphdb import queries
from graphdb.client import GraphClient
from graphdb.models import MapState
from graphdb.repository import Neo4jGraph
from graphdb.rows import Row, object_rows, relation_rows
from graphdb.validate import canonical_relations, check_objects
from ingest.records import MapObject, Relation

AREA = "bench-write"
CREATE_OBJECTS: LiteralString = """
MATCH (s:MapState {id: $state_id})
UNWIND $rows AS row
CREATE (o:Object {id: row.id})
SET
  o:$(row.label), o.state_id = $state_id, o.state = s.name, o.key = row.key,
  o.class = row.class, o.scale = row.scale, o.name = row.name, o.geometry = row.geometry,
  o.source_crs = row.source_crs,
  o.centroid = point({longitude: row.cx, latitude: row.cy}), o.cell = row.cell,
  o.minx = row.minx, o.miny = row.miny, o.maxx = row.maxx, o.maxy = row.maxy,
  o.extent = row.extent, o.area_m2 = row.area_m2, o.length_m = row.length_m,
  o.confidence = row.confidence, o.source = row.source, o.provenance = row.provenance
"""
CREATE_RELATIONS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Object {id: row.a})
MATCH (b:Object {id: row.b})
CREATE (a)-[r:REL_TYPE]->(b)
SET r.confidence = row.confidence, r.origin = row.origin, r.cross_scale = row.cross_scale
"""


def baseline(
    client: GraphClient, state_id: str, objects: list[MapObject], relations: list[Relation],
    batch: int,
) -> tuple[float, float]:  # fmt: skip
    """Seconds to CREATE the prepared rows, and seconds it took to prepare them."""
    started = time.perf_counter()
    geoms = check_objects(objects)
    canonical = canonical_relations(relations)
    rows = object_rows(state_id, objects, geoms)
    id_of = {o.key: r["id"] for o, r in zip(objects, rows, strict=True)}
    grouped = relation_rows(canonical, id_of)
    prepared = time.perf_counter()
    _run_batches(client, CREATE_OBJECTS, rows, batch, state_id=state_id)
    for rel_type, rel_rows in grouped.items():
        if rel_type not in queries.stored_types():
            raise ValueError(f"{rel_type!r} is not a stored relationship type")
        query = cast(LiteralString, CREATE_RELATIONS.replace("REL_TYPE", rel_type))
        _run_batches(client, query, rel_rows, batch)
    return time.perf_counter() - prepared, prepared - started


def _run_batches(
    client: GraphClient, query: LiteralString, rows: list[Row], batch: int, **extra: str
) -> None:
    for start in range(0, len(rows), batch):
        params = {"rows": rows[start : start + batch], **extra}
        client.write(lambda tx, p=params: tx.run(query, p).consume())  # type: ignore[misc]


def write_round(
    graph: Neo4jGraph, data: Town, round_no: int, batch: int
) -> tuple[dict[str, float], MapState]:
    """Both sides once (CREATE first in even rounds), then the writer's rewrite and commit:
    the round's figures and the committed state."""
    coverage = box(*data.bounds)
    figures: dict[str, float] = {}
    committed: MapState | None = None
    for side in ("create", "writer") if round_no % 2 == 0 else ("writer", "create"):
        name = f"bench-write-{side}"
        _drop(graph, name)
        state = graph.begin_state(
            name, area=AREA, as_of=date(2000 + round_no, 1, 1), coverage=coverage
        )
        if side == "create":
            seconds, prepared = baseline(
                graph.client, state.id, data.objects, data.relations, batch
            )
            figures |= {"create_seconds": seconds, "writer_prepare_seconds": prepared}
        else:
            started = time.perf_counter()
            graph.write(name, data.objects, data.relations)
            figures["writer_seconds"] = time.perf_counter() - started
            started = time.perf_counter()
            graph.write(name, data.objects, data.relations)
            figures["rewrite_same_batches_seconds"] = time.perf_counter() - started
            started = time.perf_counter()
            committed = graph.commit(name)
            figures["commit_seconds"] = time.perf_counter() - started
        _drop(graph, name)
    assert committed is not None
    return figures | {
        "ratio_to_create": figures["create_seconds"] / figures["writer_seconds"],
        "ratio_db_only": figures["create_seconds"]
        / max(figures["writer_seconds"] - figures["writer_prepare_seconds"], 1e-9),
    }, committed


def main() -> None:
    begun = begin()
    cli = parser(__doc__.splitlines()[0])
    cli.add_argument("--runs", type=int, default=MIN_RUNS, help="rounds of both sides")
    args = cli.parse_args()
    n = 10_000 if args.quick else 100_000
    batch = 10_000
    data = town(n)
    elements = len(data.objects) + len(data.relations)
    rounds = itertools.count()
    samples: list[dict[str, float]] = []
    committed: list[MapState] = []

    def measured_round() -> dict[str, float]:
        figures, state = write_round(graph, data, next(rounds), batch)
        samples.append(figures)
        committed.append(state)
        return figures

    with bench_graph(stop=args.stop, batch_size=batch) as graph:
        figures = repeated(args.runs, measured_round)
    write_result(
        "graph_write",
        {
            "mode": "quick" if args.quick else "full",
            "objects": len(data.objects),
            "relations": len(data.relations),
            "batch_size": batch,
            "rounds": args.runs,
            **flat(figures, digits=3),
            "create_seconds": [round(s["create_seconds"], 3) for s in samples],
            "writer_seconds": [round(s["writer_seconds"], 3) for s in samples],
            "committed_objects": committed[-1].object_count,
            "committed_relations": committed[-1].relation_count,
            "create_elements_per_s": round(elements / figures["create_seconds"].median),
            "writer_elements_per_s": round(elements / figures["writer_seconds"].median),
            "target_ratio_to_create": 0.8,
        },
        started=begun,
        stack=bench_settings(),
    )


def _drop(graph: Neo4jGraph, name: str) -> None:
    """Delete a leftover bench state whatever its status."""
    existing = [s for s in graph.states(AREA, include_private=True) if s.name == name]
    for state in existing:
        if state.status == "committed":
            graph.retire(name)
            graph.purge(name)
        else:
            graph.cleanup(name)


if __name__ == "__main__":
    main()
