"""How fast the API refuses hostile GraphQL documents, against the first release's limits.

Run: ``python -m bench.api_hostile [--stop]``; writes ``bench/results/api_hostile.json``. Uses
the bench stack; the API runs as its own uvicorn process on loopback (``bench.api``).

1. Every document of ``tests/api/hostile.py`` is posted ``ROUNDS`` times; ``refusal_ms`` is each
   one's median round trip (refused, never executed), ``refusal_max_ms`` the slowest median
   (target < 100 ms, issue 19); ``refusal_spread_ms`` each one's min and max.
2. With Neo4j gone (the API reaches it through a loopback forwarder, ``tests/api/proxy.py``,
   that is then cut): how long ``/readyz``, a GraphQL query and an OGC request take to answer
   503 / SERVICE_UNAVAILABLE (``neo4j_down_ms``, the median of ``MIN_RUNS`` requests of each
   kind; target < 2,000 ms, issue 19).
3. Baseline in the same run, in this process: fragment bombs of ``BOMB_LEVELS`` doublings
   through the first release's limits (strawberry's ``QueryDepthLimiter``, which follows every
   spread without memoising, then graphql-core's validation) against the same
   bombs through the guard (``api.guard``) with the fragment cap lifted, so the guard measures
   the whole bomb rather than stopping at the cap (median of ``MIN_RUNS`` runs each). The
   baseline doubles with each level.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from functools import partial

from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from api.guard import CostGuard
from api.schema import TranslateErrors, _schema, limits_of
from api.settings import ApiSettings
from bench._common import (
    MIN_RUNS,
    Figure,
    begin,
    bench_graph,
    bench_settings,
    parser,
    timed,
    write_result,
)
from bench.api import served_api
from tests.api.hostile import HOSTILE, fragment_bomb
from tests.api.proxy import CutProxy

ROUNDS = 5
BOMB_LEVELS = (8, 10, 12, 14, 16)


def bomb_times(settings: ApiSettings) -> tuple[dict[int, float], dict[int, float]]:
    """Milliseconds per bomb size: first release's limits, and the guard (in process)."""
    first_release = _schema(
        [
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            lambda: QueryDepthLimiter(max_depth=settings.max_depth),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
            TranslateErrors,
        ]
    )
    uncapped = dataclasses.replace(limits_of(settings), max_fragments=10**6)
    guarded = _schema([lambda: CostGuard(limits=uncapped), TranslateErrors])
    before, after = {}, {}
    for levels in BOMB_LEVELS:
        document = fragment_bomb(levels)
        before[levels] = (
            1000 * timed(MIN_RUNS, partial(first_release.execute_sync, document)).median
        )
        after[levels] = 1000 * timed(MIN_RUNS, partial(guarded.execute_sync, document)).median
    return before, after


def neo4j_down_ms() -> dict[str, float]:
    """Milliseconds to the answer of each kind of request once Neo4j is gone, and its status."""
    settings = ApiSettings()
    port = int(settings.neo4j_uri.rsplit(":", 1)[1])
    requests = {
        "readyz": ("GET", "/readyz", None),
        "graphql": ("POST", "/graphql", {"query": '{ mapStates(area: "a") { name } }'}),
        "ogc": ("GET", "/ogc/collections", None),
    }
    times: dict[str, float] = {}
    with CutProxy(port) as proxy, served_api(neo4j_uri=f"bolt://127.0.0.1:{proxy.port}") as http:
        proxy.cut()
        for name, (method, path, body) in requests.items():

            def ask(method: str = method, path: str = path, body: object = body) -> None:
                answer = http.request(method, path, json=body)
                if answer.status_code != 503 and "SERVICE_UNAVAILABLE" not in answer.text:
                    raise RuntimeError(f"{path} answered {answer.text[:200]} with Neo4j gone")

            times[name] = 1000 * timed(MIN_RUNS, ask).median
    return times


def main() -> None:
    begun = begin()
    args = parser(__doc__.splitlines()[0]).parse_args()
    settings = ApiSettings()
    before, after = bomb_times(settings)
    refusal: dict[str, Figure] = {}
    with bench_graph(stop=args.stop), served_api() as http:
        for name, (body, _codes) in sorted(HOSTILE.items()):
            rounds = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                answer = http.post("/graphql", json=body)
                rounds.append(1000 * (time.perf_counter() - started))
                if "errors" not in answer.json():
                    raise RuntimeError(f"{name!r} was not refused: {answer.text[:200]}")
            refusal[name] = Figure.of(rounds)
            print(f"{refusal[name].median:8.1f} ms  {name}", flush=True)
    with bench_graph(stop=args.stop):
        down = neo4j_down_ms()
    biggest = max(BOMB_LEVELS)
    result = {
        "documents": len(refusal),
        "refusal_ms": {name: f.median for name, f in refusal.items()},
        "refusal_spread_ms": {name: [f.min, f.max] for name, f in refusal.items()},
        "refusal_p50_ms": statistics.median(f.median for f in refusal.values()),
        "refusal_max_ms": max(f.median for f in refusal.values()),
        "target_refusal_ms": 100,
        "baseline": {
            "method": "the first release's limits (strawberry QueryDepthLimiter, graphql-core "
            "validation) on fragment bombs, in process",
            "bomb_ms": before,
        },
        "guard_bomb_ms": after,
        "bomb_speedup": before[biggest] / after[biggest],
        "neo4j_down_ms": down,
        "target_neo4j_down_ms": 2000,
        "runs": ROUNDS,
    }
    print(
        f"refusals: p50 {result['refusal_p50_ms']:.1f} ms, max {result['refusal_max_ms']:.1f} ms; "
        f"{biggest}-level bomb {before[biggest]:.0f} ms before, {after[biggest]:.2f} ms now; "
        f"Neo4j gone: {', '.join(f'{k} {v:.0f} ms' for k, v in down.items())}"
    )
    write_result("api_hostile", result, started=begun, stack=bench_settings())


if __name__ == "__main__":
    main()
