"""Helpers of the browser tests: open the page, wait until it has settled, read GraphQL answers.

Waits are bounded: a page that does not settle within :data:`SETTLE_MS` fails the test with
what it was doing, never hangs it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from tests.api.support import Api

SETTLE_MS = 90_000
"""Longest wait for the page to load its data and draw it (software WebGL on 2 cores)."""

_SETTLED = """
(ms) => Promise.race([
  orthograph.settled().then(() => null),
  new Promise((resolve) => setTimeout(() => resolve(
    `the map did not settle within ${ms} ms (status ${document.body.dataset.status})`), ms)),
])
"""


def settle(page: Any) -> None:
    """Wait until the page's requests are done and the map has drawn them; no page errors."""
    page.wait_for_function("() => window.orthograph !== undefined", timeout=SETTLE_MS)
    late = page.evaluate(_SETTLED, SETTLE_MS)
    assert late is None, late
    errors = page.evaluate("orthograph.errors")
    assert errors == [], f"the page reported errors: {errors}"


def open_map(page: Any, api: Api, **params: Any) -> None:
    """Open ``/map/`` with query parameters (state, scale, select) and wait for it."""
    page.goto(f"{api.base_url}/map/?{urlencode(params)}")
    settle(page)


def objects(api: Api, state: str, scale: int) -> list[dict[str, Any]]:
    """Every object of a state at a scale, through GraphQL."""
    query = """
    query($state: String!, $scale: Int!, $after: String) {
      objects(filter: {state: $state, scale: $scale}, first: 100, after: $after) {
        edges { node { id class name geometry } }
        pageInfo { hasNextPage endCursor }
      }
    }"""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = api.data(query, state=state, scale=scale, after=after)["objects"]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def count_by_class(nodes: list[dict[str, Any]]) -> Counter[str]:
    return Counter(node["class"].lower() for node in nodes)


def count_by_kind(nodes: list[dict[str, Any]]) -> Counter[str]:
    kinds = {"Polygon": "polygon", "LineString": "line", "Point": "point"}
    return Counter(kinds[node["geometry"]["type"].replace("Multi", "")] for node in nodes)


def screen_point(page: Any, lon: float, lat: float) -> tuple[float, float]:
    """Where (lon, lat) is on the page, in CSS pixels."""
    x, y = page.evaluate(
        """([lon, lat]) => {
          const p = orthograph.map.project([lon, lat]);
          const r = orthograph.map.getContainer().getBoundingClientRect();
          return [r.left + p.x, r.top + p.y];
        }""",
        [lon, lat],
    )
    return x, y
