"""The map page on a state far above the old whole-state cap of 20,000 objects: about 100,000
small synthetic objects (``bench._common.town``), drawn from vector tiles of the view, so the
objects of any corner of the state are all drawn, not an arbitrary capped subset."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import box, shape

from bench._common import town
from graphdb.repository import open_graph
from stack.settings import StackSettings
from tests.api.support import Api, api_settings, serve_api
from tests.viewer.browser import open_map, settle

pytestmark = pytest.mark.slow

STATE = "town-100k"
OBJECTS = 100_000
MARGIN_DEG = 0.004
"""How far inside the state's corners the two views are centred."""
IN_VIEW = """
query($state: String!, $bbox: BBox!, $after: String) {
  objects(filter: {state: $state, scale: 2000, classes: [BUILDING], bbox: $bbox},
          first: 100, after: $after) {
    edges { node { id geometry } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture(scope="module")
def big_state(local_stack: object, stack_settings: StackSettings) -> tuple[float, ...]:
    """``town-100k`` committed (objects only: relations play no part here); its bounds."""
    data = town(OBJECTS)
    with open_graph(stack_settings, batch_size=10_000) as graph:
        graph.begin_state(STATE, area="town", as_of=date(2000, 1, 1), coverage=box(*data.bounds),
                          replace=True)  # fmt: skip
        graph.write(STATE, data.objects, [])
        graph.commit(STATE)
        assert (graph.state(STATE).object_count or 0) > 5 * 20_000
    return data.bounds


def buildings_in(api: Api, bbox: list[float]) -> dict[str, Any]:
    """GraphQL's 1:2,000 buildings whose bbox meets ``bbox``, as shapes by id."""
    west, south, east, north = bbox
    found: dict[str, Any] = {}
    after = None
    while True:
        page = api.data(
            IN_VIEW,
            state=STATE,
            bbox={"west": west, "south": south, "east": east, "north": north},
            after=after,
        )["objects"]
        found |= {e["node"]["id"]: shape(e["node"]["geometry"]) for e in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def test_far_apart_corners_of_a_large_state_are_both_drawn_in_full(
    page: Any, viewer_api: Api, big_state: tuple[float, ...]
) -> None:
    tiles: list[str] = []
    page.on("response", lambda r: tiles.append(r.url) if r.url.endswith(".mvt") else None)
    open_map(page, viewer_api, state=STATE)
    west, south, east, north = big_state
    for lon, lat in (
        (west + MARGIN_DEG, south + MARGIN_DEG),
        (east - MARGIN_DEG, north - MARGIN_DEG),
    ):
        page.evaluate(f"orthograph.map.jumpTo({{center: [{lon}, {lat}], zoom: 16.5}})")
        settle(page)
        assert page.evaluate("orthograph.activeScale()") == 2000
        bounds = page.evaluate("orthograph.map.getBounds().toArray().flat()")
        expected = buildings_in(viewer_api, bounds)
        view = box(*bounds)
        inside = {i for i, g in expected.items() if view.contains(g)}
        assert len(inside) > 20, f"too few buildings fully in the view at {lon}, {lat}"
        drawn = {p["id"] for p in page.evaluate("orthograph.rendered(['objects-fill'])")}
        assert inside <= drawn, f"{len(inside - drawn)} buildings in view not drawn"
        assert drawn <= set(expected), "drawn buildings GraphQL does not place in the view"
    assert all("/tiles/states/town-100k/" in url for url in tiles) and len(tiles) < 60, tiles


def test_the_page_says_when_tiles_left_small_objects_out(
    page: Any, stack_settings: StackSettings, big_state: tuple[float, ...], tmp_path: Path
) -> None:
    settings = api_settings(stack_settings, tmp_path, tile_max_objects=50)
    with serve_api(settings) as capped:
        open_map(page, capped, state=STATE, scale=2000)
        assert "the smallest are left out" in page.locator("#message").inner_text()
        assert page.evaluate("orthograph.viewer.objects.truncatedTiles()") > 0
        assert page.evaluate("orthograph.renderedObjects().total") > 0
