"""The map viewer on the 1M-object graph: vector tiles per viewport against the GraphQL read of it.

Run: ``python -m bench.viewer [--quick] [--stop]`` (1M objects; quick: 100k). Uses the bench
stack and ``bench.graph_query``'s cached state (built when missing: minutes) and serves the API
as its own uvicorn process on loopback (``bench.api.served_api``).

- ``tile_p50_ms``, ``tile_p99_ms``: one vector tile, asked cold (each tile once, so neither the
  server's tile cache nor ``If-None-Match`` helps), at zooms 13-16 (1:10,000 and 1:2,000) at
  random places of the state;
- ``viewport_tiles_p50_ms``: every tile of a 1280 x 800 view at zoom 16, six at a time as a
  browser asks, against ``baseline_graphql_p50_ms``: the old way's read of the same view, the
  GraphQL ``objects`` of its bbox at 1:2,000 with geometry, page by page; ``ratio_p50`` is the
  first over the second; ``baseline_old_page_load_ms``: what the page did before the tiles,
  reading the state's first 20,000 objects at 1:2,000 through GraphQL before drawing any;
- ``first_render_ms``: headless Chromium (Debian's, software WebGL) on ``/map``, from moving the
  map to a new place at zoom 16 until every tile is drawn (median of the places), against
  ``render_floor_ms``: the same move with the object layers hidden, alternating with those
  (what the page and software WebGL cost without any object); ``page_load_ms`` from opening the
  page until the whole state is drawn (zoom ~10, 1:50,000).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, ParamSpec, TypeVar

import httpx
import morecantile

from bench._common import (
    begin,
    bench_graph,
    bench_settings,
    parser,
    percentile_ms,
    write_result,
)
from bench.api import PORT, post, served_api
from bench.graph_query import ensure_state

P = ParamSpec("P")
T = TypeVar("T")
WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")
CHROMIUM = "/usr/bin/chromium"
VIEW_PX = (1280, 800)
VIEW_ZOOM = 16
OBJECT_LAYERS = ["objects-fill", "objects-outline", "objects-line", "objects-point"]
TILE_ZOOMS = (13, 14, 15, 16)
OLD_PAGE_CAP = 20_000
"""Objects the page loaded per state and scale before the vector tiles, page by page, before it
drew any (``baseline_old_page_load_ms``)."""
PARALLEL = 6
"""Requests a browser keeps in flight to one host."""
OBJECTS = """
query($state: String!, $bbox: BBox!, $first: Int!, $after: String) {
  objects(filter: {state: $state, scale: 2000, bbox: $bbox}, first: $first, after: $after) {
    edges { node { id class scale name geometry } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def view_bbox(lon: float, lat: float) -> tuple[float, float, float, float]:
    """WGS84 bbox of a ``VIEW_PX`` view centred at (lon, lat) at ``VIEW_ZOOM`` (512-px tiles)."""
    degrees_per_px = 360.0 / (512 * 2**VIEW_ZOOM)
    half_w = VIEW_PX[0] / 2 * degrees_per_px
    half_h = VIEW_PX[1] / 2 * degrees_per_px * math.cos(math.radians(lat))
    return lon - half_w, lat - half_h, lon + half_w, lat + half_h


def view_tiles(state: str, bbox: tuple[float, float, float, float]) -> list[str]:
    """Paths of the tiles MapLibre asks for to draw ``bbox`` at ``VIEW_ZOOM``."""
    return [
        f"/tiles/states/{state}/{t.z}/{t.x}/{t.y}.mvt"
        for t in WEB_MERCATOR.tiles(*bbox, zooms=[VIEW_ZOOM])
    ]


def clocked(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> tuple[T, float]:
    """What ``call(*args, **kwargs)`` answers and the seconds it took."""
    started = time.perf_counter()
    answer = call(*args, **kwargs)
    return answer, time.perf_counter() - started


def get_tile(client: httpx.Client, path: str) -> int:
    response = client.get(path)
    response.raise_for_status()
    return len(response.content)


def graphql_objects(
    client: httpx.Client, state: str, bbox: tuple[float, ...], page: int, limit: int
) -> int:
    """The 1:2,000 objects of ``bbox`` through GraphQL, page by page, up to ``limit``; how many."""
    west, south, east, north = bbox
    box = {"west": west, "south": south, "east": east, "north": north}
    count, after = 0, None
    while True:
        variables = {"state": state, "bbox": box, "first": page, "after": after}
        found = post(client, OBJECTS, variables)["objects"]
        count += len(found["edges"])
        if not found["pageInfo"]["hasNextPage"] or count >= limit:
            return count
        after = found["pageInfo"]["endCursor"]


def browser_times(base_url: str, state: str, centres: list[tuple[float, float]]) -> dict[str, Any]:
    """Page load and first render of each place in Chromium, milliseconds."""
    from playwright.sync_api import sync_playwright

    settled = "() => orthograph.settled()"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--enable-unsafe-swiftshader"],
        )
        page = browser.new_page(viewport={"width": VIEW_PX[0], "height": VIEW_PX[1]})
        started = time.perf_counter()
        page.goto(f"{base_url}/map/?state={state}")
        page.wait_for_function("() => window.orthograph !== undefined", timeout=120_000)
        page.evaluate(settled)
        load_ms = (time.perf_counter() - started) * 1000
        renders: list[float] = []
        floor: list[float] = []
        drawn = 0
        for i, (lon, lat) in enumerate(centres):
            shown = i % 2 == 0  # alternate, so both see the same load on the machine
            visibility = "visible" if shown else "none"
            page.evaluate(
                f"for (const id of {OBJECT_LAYERS}) "
                f"orthograph.map.setLayoutProperty(id, 'visibility', '{visibility}')"
            )
            started = time.perf_counter()
            page.evaluate(f"orthograph.map.jumpTo({{center: [{lon}, {lat}], zoom: {VIEW_ZOOM}}})")
            page.evaluate(settled)
            (renders if shown else floor).append((time.perf_counter() - started) * 1000)
            if shown:
                drawn = page.evaluate("orthograph.renderedObjects().total")
        errors = page.evaluate("orthograph.errors")
        browser.close()
    if errors:
        raise RuntimeError(f"the page reported errors: {errors}")
    renders.sort()
    floor.sort()
    return {
        "page_load_ms": round(load_ms, 1),
        "first_render_ms": round(renders[len(renders) // 2], 1),
        "first_render_max_ms": round(renders[-1], 1),
        "render_floor_ms": round(floor[len(floor) // 2], 1),
        "objects_drawn_last_view": drawn,
    }


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    started = begin()
    n = 100_000 if args.quick else 1_000_000
    tiles_asked, views, renders = (120, 10, 6) if args.quick else (400, 30, 12)
    rng = random.Random(11)
    with bench_graph(stop=args.stop, batch_size=10_000) as graph:
        state, _, _ = ensure_state(graph, n)
    west, south, east, north = state.coverage.bounds
    name = state.name

    def somewhere() -> tuple[float, float]:
        return rng.uniform(west, east), rng.uniform(south, north)

    places = (WEB_MERCATOR.tile(*somewhere(), rng.choice(TILE_ZOOMS)) for _ in range(tiles_asked))
    tile_paths = list(dict.fromkeys(f"/tiles/states/{name}/{t.z}/{t.x}/{t.y}.mvt" for t in places))
    centres = [somewhere() for _ in range(views + renders)]
    with (
        served_api(public_url=f"http://127.0.0.1:{PORT}") as client,
        ThreadPoolExecutor(PARALLEL) as pool,
    ):
        get = partial(get_tile, client)
        page = client.get("/map/config.json").json()["pageSize"]
        warm_up = WEB_MERCATOR.tile(west, south, 12)  # the state version's per-scale counts
        get(f"/tiles/states/{name}/12/{warm_up.x}/{warm_up.y}.mvt")
        tile_bytes, tile_s = [], []
        for path in tile_paths:
            size, seconds = clocked(get, path)
            tile_bytes.append(size)
            tile_s.append(seconds)
        view_s, graphql_s, view_objects = [], [], []
        for lon, lat in centres[:views]:
            bbox = view_bbox(lon, lat)
            view_s.append(
                clocked(lambda paths: list(pool.map(get, paths)), view_tiles(name, bbox))[1]
            )
            found, seconds = clocked(graphql_objects, client, name, bbox, page, n)
            view_objects.append(found)
            graphql_s.append(seconds)
        _, old_load_s = clocked(
            graphql_objects, client, name, state.coverage.bounds, page, OLD_PAGE_CAP
        )
        browser = browser_times(str(client.base_url), name, centres[views:])

    view_p50, graphql_p50 = percentile_ms(view_s, 50), percentile_ms(graphql_s, 50)
    write_result(
        "viewer",
        {
            "mode": "quick" if args.quick else "full",
            "objects": state.object_count,
            "tiles_timed": len(tile_s),
            "tile_zooms": list(TILE_ZOOMS),
            "tile_p50_ms": round(percentile_ms(tile_s, 50), 2),
            "tile_p99_ms": round(percentile_ms(tile_s, 99), 2),
            "tile_bytes_mean": round(sum(tile_bytes) / len(tile_bytes)),
            "views_timed": len(view_s),
            "view_objects_mean": round(sum(view_objects) / len(view_objects), 1),
            "viewport_tiles_p50_ms": round(view_p50, 2),
            "baseline_graphql_p50_ms": round(graphql_p50, 2),
            "ratio_p50": round(view_p50 / graphql_p50, 3),
            "baseline_old_page_load_ms": round(old_load_s * 1000, 1),
            "ratio_first_render_to_old_page_load": round(
                browser["first_render_ms"] / (old_load_s * 1000), 3
            ),
            **browser,
        },
        started=started,
        stack=bench_settings(),
    )


if __name__ == "__main__":
    main()
