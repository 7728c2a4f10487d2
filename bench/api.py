"""GraphQL over HTTP against the same Cypher through the driver, and loopback load runs.

Run: ``python -m bench.api [--quick] [--stop]``. Uses the bench stack and the cached synthetic
state of ``bench.graph_query`` (1M objects, 100k with --quick; built when missing: minutes).
The API runs as its own uvicorn process on loopback, so client and server do not share a GIL.

Two queries, each timed through HTTP and directly through ``graphdb`` (the Cypher the resolvers
run, in this process): bridges ``PASSING_OVER`` rivers in a random bbox holding ~800 triplets,
and a settlement's ``consistsOf(depth: 2)`` (~900 objects). ``p50_ratio_to_cypher`` is the
HTTP p50 over the direct p50 (what GraphQL, JSON and HTTP add), on places asked once each;
these latencies are the median of ``--runs`` sweeps (each on places of its own), with min and
max.

Three closed-loop runs of both queries alternating, from ``clients`` clients, each bounded by a
number of requests and a time cap, counting errors (non-200 answers, GraphQL errors, transport
failures):

- ``cold_*``: every request asks for a place no earlier one did (the response cache never hits);
- ``load_*`` (the keys earlier releases reported): the warm mix, ``POPULAR`` places drawn with
  popularity ~1/rank, as many users looking at the same towns and rivers, in steady state
  (each popular place asked once, untimed, before the run);
- ``cypher_*``: the cold mix through ``graphdb`` directly, without the API: the ceiling the
  graph itself sets on this machine.

The closed-loop runs are one each: each is thousands of requests over up to a minute.
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
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import httpx
import numpy as np

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
    write_result,
)
from bench.graph_query import ensure_state
from graphdb.errors import GraphError
from graphdb.lookups import Lookups

PORT = 8789
PAGE = 1_000
POPULAR = 40
"""Places (bboxes, settlements) the warm mix draws from."""
BEFORE_REQUESTS_PER_S = 7.4
"""``load_requests_per_s`` of the release before the response cache and the request-path
changes of issue 19 (2026-11-28, the same 1M graph and load), for the ratio the issue asks."""
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


def closed_loop(
    prefix: str,
    client_count: int,
    requests: int,
    cap_s: float,
    session: Callable[[], AbstractContextManager[Any]],
    call: Callable[[Any, int], int],
) -> dict[str, Any]:
    """``requests`` calls (``call(session, n)``, ``n`` counting over all clients) from
    ``client_count`` closed-loop clients, each with its own ``session()``, stopping at
    ``cap_s``; the counts and latencies as ``<prefix>_*`` keys."""
    deadline = time.perf_counter() + cap_s
    per_client = math.ceil(requests / client_count)
    numbers = itertools.count()

    def client_loop(_index: int) -> tuple[list[float], int]:
        seconds, errors = [], 0
        with session() as opened:
            for _ in range(per_client):
                if time.perf_counter() > deadline:
                    break
                started = time.perf_counter()
                try:
                    call(opened, next(numbers))
                except (httpx.HTTPError, RuntimeError, GraphError):
                    errors += 1
                seconds.append(time.perf_counter() - started)
        return seconds, errors

    started = time.perf_counter()
    with ThreadPoolExecutor(client_count) as pool:
        results = list(pool.map(client_loop, range(client_count)))
    wall = time.perf_counter() - started
    seconds = [s for r in results for s in r[0]]
    return {
        f"{prefix}_requests": len(seconds),
        f"{prefix}_errors": sum(r[1] for r in results),
        f"{prefix}_wall_s": round(wall, 2),
        f"{prefix}_requests_per_s": round(len(seconds) / wall, 1),
        f"{prefix}_p50_ms": round(percentile_ms(seconds, 50), 2),
        f"{prefix}_p99_ms": round(percentile_ms(seconds, 99), 2),
    }


def popular(rng: np.random.Generator, count: int, size: int) -> np.ndarray:
    """``count`` draws among ``size`` items, the k-th most popular drawn ~1/k as often: the
    repeats of a realistic mix (the same town, the same river, asked by many)."""
    weights = 1.0 / np.arange(1, size + 1)
    return rng.choice(size, size=count, p=weights / weights.sum())


def main() -> None:
    begun = begin()
    cli = parser(__doc__.splitlines()[0])
    cli.add_argument("--runs", type=int, default=MIN_RUNS, help="latency sweeps")
    args = cli.parse_args()
    samples, warmup = (60, 10) if args.quick else (200, 20)
    clients, requests, cap_s = (8, 160, 60.0) if args.quick else (50, 5_000, 60.0)
    settings = bench_settings()
    rng = np.random.default_rng(11)
    with bench_graph(stop=args.stop) as graph:
        state, side, bridges = ensure_state(graph, 100_000 if args.quick else 1_000_000)
        name, span = state.name, side * BLOCK_DEG
        window = min(span, span * math.sqrt(800 / bridges))
        timed_calls = (warmup + samples) * args.runs
        corners = rng.uniform(0, span - window, size=(timed_calls + requests, 2)) + ORIGIN
        settlements = [o.id for o in graph.objects(name, classes=["settlement"], limit=1000).items]
        favourites = popular(rng, requests, POPULAR)
        lookups = Lookups(graph.client)

        def bbox(i: int) -> tuple[float, float, float, float]:
            x, y = corners[i % len(corners)]
            return float(x), float(y), float(x + window), float(y + window)

        def cold(n: int) -> int:
            """Load call ``n`` of the cold mix: a place no earlier call asked for."""
            return timed_calls + n

        def warm(n: int) -> int:
            """Load call ``n`` of the warm mix: one of ``POPULAR`` places, popular ones often."""
            return int(favourites[n % len(favourites)])

        # The direct reads fetch what the GraphQL documents select (no object geometry in
        # TRIPLETS, none in HIERARCHY), as a hand-written Cypher query would.
        def direct_triplets(i: int) -> int:
            page = graph.triplets(name, predicate="passing_over", subject_class="bridge",
                                  object_class="river", bbox=bbox(i), limit=PAGE + 1,
                                  object_geometry=False)  # fmt: skip
            return len(page.items[:PAGE])

        def direct_hierarchy(i: int) -> int:
            start = settlements[i % len(settlements)]
            graph.objects_by_id([start])
            found = lookups.hierarchy(
                [start], upward=False, depth=2, limit=PAGE, with_geometry=False
            )
            return len(found[start])

        def client() -> httpx.Client:
            return httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=60)

        def http_triplets_with(http: httpx.Client, i: int) -> int:
            west, south, east, north = bbox(i)
            box = {"west": west, "south": south, "east": east, "north": north}
            data = post(http, TRIPLETS, {"state": name, "bbox": box, "first": PAGE})
            return len(data["triplets"]["edges"])

        def http_hierarchy_with(http: httpx.Client, i: int) -> int:
            variables = {"id": settlements[i % len(settlements)], "first": PAGE}
            return len(post(http, HIERARCHY, variables)["object"]["consistsOf"])

        def mixed(place: Callable[[int], int]) -> Callable[[httpx.Client, int], int]:
            def call(http: httpx.Client, n: int) -> int:
                query = http_triplets_with if n % 2 == 0 else http_hierarchy_with
                return query(http, place(n))

            return call

        def direct_mixed(_session: None, n: int) -> int:
            query = direct_triplets if n % 2 == 0 else direct_hierarchy
            return query(cold(n))

        with served_api() as http:
            sweeps = itertools.count()

            def sweep() -> dict[str, float]:
                """One sweep of both queries on places no earlier sweep asked for."""
                first = next(sweeps) * (warmup + samples)
                return measure(
                    samples, warmup,
                    (lambda i: direct_triplets(first + i),
                     lambda i: http_triplets_with(http, first + i)),
                    (lambda i: direct_hierarchy(first + i),
                     lambda i: http_hierarchy_with(http, first + i)),
                )  # fmt: skip

            results = repeated(args.runs, sweep)
            cold_run = closed_loop("cold", clients, requests, cap_s, client, mixed(cold))
            for place in range(POPULAR):
                http_triplets_with(http, place)
                http_hierarchy_with(http, place)
            warm_run = closed_loop("load", clients, requests, cap_s, client, mixed(warm))
        ceiling = closed_loop("cypher", clients, requests, cap_s, nullcontext, direct_mixed)
    write_result(
        "api",
        {
            "mode": "quick" if args.quick else "full",
            "graph": f"bench.graph_query's cached state {name} ({state.object_count} objects)",
            "window_deg": round(window, 4),
            "clients": clients,
            **flat(results, digits=2),
            "runs": args.runs,
            **warm_run,
            **cold_run,
            **ceiling,
            "baseline_load_requests_per_s": BEFORE_REQUESTS_PER_S,
        },
        started=begun,
        stack=settings,
    )


def measure(
    samples: int,
    warmup: int,
    triplets: tuple[Callable[[int], int], Callable[[int], int]],
    hierarchy: tuple[Callable[[int], int], Callable[[int], int]],
) -> dict[str, float]:
    """Latency of each query directly and through HTTP, on the same arguments."""
    out: dict[str, float] = {}
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
