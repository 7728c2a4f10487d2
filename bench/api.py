"""GraphQL over HTTP against the same Cypher through the driver, and a loopback load run.

Run: ``python -m bench.api [--quick] [--stop]``. Uses the bench stack and the cached synthetic
state of ``bench.graph_query`` (1M objects, 100k with --quick; built when missing: minutes).
The API runs as its own uvicorn process on loopback, so client and server do not share a GIL.

Two queries, each timed through HTTP and directly through ``graphdb`` (the Cypher the resolvers
run, in this process): bridges ``PASSING_OVER`` rivers in a random bbox holding ~800 triplets,
and a settlement's ``consistsOf(depth: 2)`` (~900 objects). ``p50_ratio_to_cypher`` is the
HTTP p50 over the direct p50 (what GraphQL, JSON and HTTP add). The load run sends both
queries from concurrent clients for a bounded number of requests and a time cap, and counts
``load_errors`` (non-200 answers, GraphQL errors, transport failures).
"""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import numpy as np

from bench._common import (
    BLOCK_DEG,
    ORIGIN,
    bench_graph,
    bench_settings,
    parser,
    percentile_ms,
    write_result,
)
from bench.graph_query import ensure_state
from graphdb.lookups import Lookups

PORT = 8789
PAGE = 1_000
TRIPLETS = """
query($state: String!, $bbox: BBox!, $first: Int!) {
  triplets(state: $state, predicate: PASSING_OVER, subject: BRIDGE, object: RIVER,
           bbox: $bbox, first: $first) {
    edges { node { subject { id class name geometry } object { id class } confidence } }
  }
}
"""
HIERARCHY = """
query($id: ID!, $first: Int!) {
  object(id: $id) { id consistsOf(depth: 2, first: $first) { depth object { id class scale } } }
}
"""


@contextmanager
def served_api(**settings: str) -> Iterator[httpx.Client]:
    """``orthograph serve``'s app in a child uvicorn process on the bench stack; ``settings``
    are extra ``ORTHOGRAPH_*`` environment values (``neo4j_uri="bolt://..."``)."""
    env = os.environ | {"ORTHOGRAPH_MAX_PAGE_SIZE": str(PAGE), "ORTHOGRAPH_MAX_DEPTH": "12"}
    env |= {f"ORTHOGRAPH_{name.upper()}": value for name, value in settings.items()}
    command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(PORT), "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    client = httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=60)
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the API exited with {server.returncode}; see its log")
            try:
                if client.get("/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield client
    finally:
        client.close()
        server.terminate()
        server.wait()


def post(client: httpx.Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """One GraphQL request; raises on anything but a clean answer."""
    response = client.post("/graphql", json={"query": query, "variables": variables})
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"][0]["message"])
    return body["data"]


def timed(samples: int, warmup: int, run: Callable[[int], int]) -> tuple[list[float], list[int]]:
    """Seconds and result sizes of ``run(i)`` for ``samples`` calls after ``warmup`` calls."""
    for i in range(warmup):
        run(i)
    seconds, sizes = [], []
    for i in range(warmup, warmup + samples):
        started = time.perf_counter()
        sizes.append(run(i))
        seconds.append(time.perf_counter() - started)
    return seconds, sizes


def load_run(
    client_count: int, requests: int, cap_s: float, calls: list[Callable[[httpx.Client], int]]
) -> dict[str, Any]:
    """``requests`` calls spread over ``client_count`` clients, stopping early at ``cap_s``."""
    deadline = time.perf_counter() + cap_s
    per_client = math.ceil(requests / client_count)

    def client_loop(index: int) -> tuple[list[float], int]:
        seconds, errors = [], 0
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=60) as http:
            for k in range(per_client):
                if time.perf_counter() > deadline:
                    break
                started = time.perf_counter()
                try:
                    calls[(index + k) % len(calls)](http)
                except (httpx.HTTPError, RuntimeError):
                    errors += 1
                seconds.append(time.perf_counter() - started)
        return seconds, errors

    started = time.perf_counter()
    with ThreadPoolExecutor(client_count) as pool:
        results = list(pool.map(client_loop, range(client_count)))
    wall = time.perf_counter() - started
    seconds = [s for r in results for s in r[0]]
    return {
        "clients": client_count,
        "requests": len(seconds),
        "load_errors": sum(r[1] for r in results),
        "load_wall_s": round(wall, 2),
        "load_requests_per_s": round(len(seconds) / wall, 1),
        "load_p50_ms": round(percentile_ms(seconds, 50), 2),
        "load_p99_ms": round(percentile_ms(seconds, 99), 2),
    }


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    samples, warmup = (60, 10) if args.quick else (200, 20)
    clients, requests, cap_s = (8, 160, 60.0) if args.quick else (50, 5_000, 60.0)
    bench_settings()
    rng = np.random.default_rng(11)
    with bench_graph(stop=args.stop) as graph:
        state, side, bridges = ensure_state(graph, 100_000 if args.quick else 1_000_000)
        name, span = state.name, side * BLOCK_DEG
        window = min(span, span * math.sqrt(800 / bridges))
        corners = rng.uniform(0, span - window, size=(warmup + samples, 2)) + ORIGIN
        settlements = [o.id for o in graph.objects(name, classes=["settlement"], limit=1000).items]
        lookups = Lookups(graph.client)

        def bbox(i: int) -> tuple[float, float, float, float]:
            x, y = corners[i % len(corners)]
            return float(x), float(y), float(x + window), float(y + window)

        def direct_triplets(i: int) -> int:
            page = graph.triplets(name, predicate="passing_over", subject_class="bridge",
                                  object_class="river", bbox=bbox(i), limit=PAGE + 1)  # fmt: skip
            return len(page.items[:PAGE])

        def direct_hierarchy(i: int) -> int:
            start = settlements[i % len(settlements)]
            graph.objects_by_id([start])
            return len(lookups.hierarchy([start], upward=False, depth=2, limit=PAGE)[start])

        with served_api() as http:

            def http_triplets_with(client: httpx.Client, i: int) -> int:
                west, south, east, north = bbox(i)
                box = {"west": west, "south": south, "east": east, "north": north}
                data = post(client, TRIPLETS, {"state": name, "bbox": box, "first": PAGE})
                return len(data["triplets"]["edges"])

            def http_hierarchy_with(client: httpx.Client, i: int) -> int:
                variables = {"id": settlements[i % len(settlements)], "first": PAGE}
                return len(post(client, HIERARCHY, variables)["object"]["consistsOf"])

            results = measure(
                samples, warmup,
                (direct_triplets, lambda i: http_triplets_with(http, i)),
                (direct_hierarchy, lambda i: http_hierarchy_with(http, i)),
            )  # fmt: skip
            draws = itertools.count()
            load = load_run(
                clients, requests, cap_s,
                [lambda c: http_triplets_with(c, next(draws)),
                 lambda c: http_hierarchy_with(c, next(draws))],
            )  # fmt: skip
    write_result(
        "api",
        {
            "mode": "quick" if args.quick else "full",
            "graph": f"bench.graph_query's cached state {name} ({state.object_count} objects)",
            "window_deg": round(window, 4),
            **results,
            **load,
        },
    )


def measure(
    samples: int,
    warmup: int,
    triplets: tuple[Callable[[int], int], Callable[[int], int]],
    hierarchy: tuple[Callable[[int], int], Callable[[int], int]],
) -> dict[str, Any]:
    """Latency of each query directly and through HTTP, on the same arguments."""
    out: dict[str, Any] = {}
    for label, (direct, http) in (("triplets", triplets), ("hierarchy", hierarchy)):
        direct_s, direct_n = timed(samples, warmup, direct)
        http_s, http_n = timed(samples, warmup, http)
        if direct_n != http_n:
            raise RuntimeError(f"{label}: HTTP and direct reads disagree on result sizes")
        out[f"{label}_rows_mean"] = float(np.mean(http_n))
        out[f"{label}_cypher_p50_ms"] = round(percentile_ms(direct_s, 50), 2)
        out[f"{label}_http_p50_ms"] = round(percentile_ms(http_s, 50), 2)
        out[f"{label}_http_p99_ms"] = round(percentile_ms(http_s, 99), 2)
        out[f"{label}_p50_ratio_to_cypher"] = round(
            percentile_ms(http_s, 50) / percentile_ms(direct_s, 50), 2
        )
    out["p50_ratio_to_cypher"] = max(
        out["triplets_p50_ratio_to_cypher"], out["hierarchy_p50_ratio_to_cypher"]
    )
    out["p99_ms"] = max(out["triplets_http_p99_ms"], out["hierarchy_http_p99_ms"])
    return out


if __name__ == "__main__":
    main()
