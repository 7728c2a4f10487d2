"""The map page in real headless Chromium against the real stack, after real ingests: what it
draws is what GraphQL answers (objects per class and layer, relations, triplet matches, diff
changes and alerts), and an alert acknowledged in the page is acknowledged in the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape

from stack.settings import StackSettings
from tests.api.support import EDITOR_KEY, Api, api_settings, serve_api
from tests.viewer.browser import (
    count_by_class,
    count_by_kind,
    objects,
    open_map,
    screen_point,
    settle,
)
from tests.viewer.conftest import ARTIFACTS, World

pytestmark = pytest.mark.slow

OBJECT_LAYERS = {"polygon": "objects-fill", "line": "objects-line", "point": "objects-point"}
MATCH_LAYERS = ["matches-fill", "matches-line", "matches-point"]
DIFF_LAYERS = ["diff-fill", "diff-line", "diff-point"]


def assert_drawn_as_answered(page: Any, api: Api, state: str, scale: int) -> None:
    nodes = objects(api, state, scale)
    assert nodes, f"{state} has no objects at {scale}"
    drawn = page.evaluate("orthograph.renderedObjects()")
    assert drawn["byClass"] == dict(count_by_class(nodes))
    expected_layers = {OBJECT_LAYERS[k]: n for k, n in count_by_kind(nodes).items()}
    drawn_layers = {k: v for k, v in drawn["byLayer"].items() if k in expected_layers}
    assert drawn_layers == expected_layers
    if "objects-fill" in expected_layers:
        assert drawn["byLayer"]["objects-outline"] == expected_layers["objects-fill"]


def test_objects_of_each_scale_are_drawn_as_graphql_answers(
    page: Any, viewer_api: Api, world: World
) -> None:
    open_map(page, viewer_api, state=world.old, scale=2000)
    assert page.evaluate("orthograph.activeScale()") == 2000
    assert_drawn_as_answered(page, viewer_api, world.old, 2000)

    page.select_option("#scale-mode", "10000")
    settle(page)
    assert_drawn_as_answered(page, viewer_api, world.old, 10000)

    page.select_option("#scale-mode", "auto")
    zoom_50000 = "orthograph.map.jumpTo({zoom: 11.5})"
    page.evaluate(zoom_50000)
    settle(page)
    assert page.evaluate("orthograph.activeScale()") == 50000
    assert page.locator("#scale-readout").get_attribute("data-scale") == "50000"
    assert_drawn_as_answered(page, viewer_api, world.old, 50000)

    page.evaluate("orthograph.map.jumpTo({zoom: 17})")
    settle(page)
    assert page.evaluate("orthograph.activeScale()") == 2000


def largest_building(api: Api, state: str) -> dict[str, Any]:
    buildings = [n for n in objects(api, state, 2000) if n["class"] == "BUILDING"]
    return max(buildings, key=lambda n: shape(n["geometry"]).area)


SELECTED = """
query($id: ID!) {
  object(id: $id) {
    relations(first: 100) { predicate subject { id } object { id } }
    partOf(depth: 8) { object { id scale } }
    consistsOf(depth: 8, first: 100) { object { id } }
  }
}"""


def test_clicking_an_object_shows_its_panel_relations_and_chain(
    page: Any, viewer_api: Api, world: World
) -> None:
    open_map(page, viewer_api, state=world.old, scale=2000)
    building = largest_building(viewer_api, world.old)
    anchor = shape(building["geometry"]).representative_point()
    page.mouse.click(*screen_point(page, anchor.x, anchor.y))
    settle(page)

    panel = page.locator("#panel")
    assert panel.get_attribute("data-object-id") == building["id"]
    assert panel.locator("[data-field=class]").get_attribute("data-value") == "building"
    assert panel.locator("[data-field=scale]").inner_text() == "1:2,000"

    answer = viewer_api.data(SELECTED, id=building["id"])["object"]
    expected = {
        (t["predicate"].lower(), t["object"]["id"] if t["subject"]["id"] == building["id"]
         else t["subject"]["id"])
        for t in answer["relations"]
    }  # fmt: skip
    assert expected, "the building has no relations to show"
    shown = page.eval_on_selector_all(
        "#relations li[data-id]", "items => items.map(i => [i.dataset.predicate, i.dataset.id])"
    )
    assert {tuple(item) for item in shown} == expected
    outlined = "orthograph.rendered(['related-line']).map(p => p.id)"
    proximity = {"nearby", "distant"}
    assert set(page.evaluate(outlined)) == {other for p, other in shown if p not in proximity}
    page.check("#proximity-toggle")
    settle(page)
    assert set(page.evaluate(outlined)) == {other for _, other in shown}

    chain = page.eval_on_selector_all("#chain li[data-id]", "items => items.map(i => i.dataset.id)")
    hierarchy = [h["object"]["id"] for h in answer["partOf"] + answer["consistsOf"]]
    assert chain == hierarchy
    assert {h["object"]["scale"] for h in answer["partOf"]} >= {10000}, "no cross-scale parent"
    drawn_chain = page.evaluate("orthograph.rendered(['chain-line']).map(p => p.id)")
    assert set(drawn_chain) == set(hierarchy)


TRIPLETS = """
query($state: String!) {
  triplets(state: $state, predicate: PASSING_OVER, subject: BRIDGE, scale: 2000, first: 100) {
    edges { node { subject { id } object { id class } } }
  }
}"""


def test_triplet_query_highlights_bridges_passing_over(
    page: Any, viewer_api: Api, world: World
) -> None:
    answer = viewer_api.data(TRIPLETS, state=world.old)["triplets"]["edges"]
    assert answer, "no bridge passes over anything in the Vaduz corner"
    open_map(page, viewer_api, state=world.old, scale=2000)
    page.select_option("#q-subject", "BRIDGE")
    page.select_option("#q-predicate", "PASSING_OVER")
    page.select_option("#q-object", "")
    page.click("#q-run")
    settle(page)

    assert page.locator("#q-result").get_attribute("data-count") == str(len(answer))
    highlighted = page.evaluate(f"orthograph.rendered({MATCH_LAYERS})")
    subjects = {p["id"] for p in highlighted if p["role"] == "subject"}
    objects_ = {p["id"] for p in highlighted if p["role"] == "object"}
    assert subjects == {e["node"]["subject"]["id"] for e in answer}
    assert objects_ == {e["node"]["object"]["id"] for e in answer} - subjects
    assert page.locator("#q-matches li").count() == len(answer)


DIFF = """
query($from: String!, $to: String!) {
  diff(from: $from, to: $to, scale: 2000) {
    objectChanges(first: 100) { kind oldObject { id } newObject { id } }
  }
}"""
ALERTS = """
query {
  alerts(area: "vaduz", first: 100) {
    edges { node { id scale fromState { name } toState { name } } }
  }
}"""
ALERT = "query($id: ID!) { alert(id: $id) { decision { decision decidedBy } } }"


def test_diff_view_and_acknowledging_an_alert(page: Any, viewer_api: Api, world: World) -> None:
    open_map(page, viewer_api, state=world.new, scale=2000)
    assert page.locator("#diff-from").input_value() == world.old
    page.click("#diff-run")
    settle(page)

    changes = viewer_api.data(DIFF, **{"from": world.old, "to": world.new})["diff"]
    expected = {
        (c["kind"], (c["oldObject"] if c["kind"] == "DISAPPEARED" else c["newObject"])["id"])
        for c in changes["objectChanges"]
    }
    assert {kind for kind, _ in expected} == {
        "APPEARED", "DISAPPEARED", "RECLASSIFIED", "GEOMETRY_CHANGED"
    }  # fmt: skip
    drawn = page.evaluate(f"orthograph.rendered({DIFF_LAYERS})")
    assert {(p["kind"], p["id"]) for p in drawn if p["role"] == "change"} == expected

    stored = [
        a["node"]
        for a in viewer_api.data(ALERTS)["alerts"]["edges"]
        if a["node"]["scale"] == 2000 and a["node"]["toState"]["name"] == world.new
    ]
    listed = page.eval_on_selector_all(
        "#alerts li[data-alert-id]", "items => items.map(i => i.dataset.alertId)"
    )
    assert sorted(listed) == sorted(a["id"] for a in stored)

    first, second = listed[0], listed[1]
    page.click(f'#alerts li[data-alert-id="{second}"] button[data-decision=REJECT]')
    page.wait_for_function("orthograph.errors.length > 0", timeout=30_000)
    assert "API key" in page.evaluate("orthograph.errors.splice(0).join(' ')")
    assert viewer_api.data(ALERT, id=second)["alert"]["decision"] is None

    page.fill("#api-key", EDITOR_KEY)
    page.click(f'#alerts li[data-alert-id="{first}"] button[data-decision=ACCEPT]')
    settle(page)
    item = page.locator(f'#alerts li[data-alert-id="{first}"]')
    assert item.get_attribute("data-decision") == "ACCEPT"
    decided = viewer_api.data(ALERT, id=first)["alert"]["decision"]
    assert decided == {"decision": "ACCEPT", "decidedBy": "editor"}


CONNECTED = """
query($state: String!) {
  objects(filter: {state: $state, scale: 2000, classes: [BUILDING]}, first: 100) {
    edges { node { id relations(first: 100) { predicate } partOf { object { id } } } }
  }
}"""


def best_connected_building(api: Api, state: str) -> str:
    """The id of the building with the most relations (ties: the first by id)."""
    nodes = [e["node"] for e in api.data(CONNECTED, state=state)["objects"]["edges"]]
    return max(nodes, key=lambda n: len(n["relations"]) + len(n["partOf"]))["id"]


def test_imagery_under_the_objects(page: Any, viewer_api: Api, world: World) -> None:
    tiles: list[int] = []
    page.on(
        "response",
        lambda r: tiles.append(r.status) if f"/tiles/{world.raster_sha256}/" in r.url else None,
    )
    open_map(page, viewer_api, state=world.imaged, scale=2000)
    assert tiles and set(tiles) <= {200, 204} and 200 in tiles, tiles
    assert_drawn_as_answered(page, viewer_api, world.imaged, 2000)
    building = best_connected_building(viewer_api, world.imaged)
    open_map(page, viewer_api, state=world.imaged, scale=2000, select=building)
    assert page.locator("#panel").get_attribute("data-object-id") == building
    assert page.evaluate("orthograph.rendered(['related-line']).length") > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "imagery-with-selection.png"))

    page.uncheck("#imagery-toggle")
    settle(page)
    visibility = "orthograph.map.getLayoutProperty('imagery-0', 'visibility')"
    assert page.evaluate(visibility) == "none"


def test_a_server_that_needs_a_key_for_every_read(
    page: Any, stack_settings: StackSettings, world: World, tmp_path: Path
) -> None:
    settings = api_settings(stack_settings, tmp_path, require_api_key=True)
    with serve_api(settings) as strict:
        tiles: list[int] = []
        page.on("response", lambda r: tiles.append(r.status) if "/tiles/" in r.url else None)
        open_map(page, strict, state=world.imaged, scale=2000)
        assert "API key" in page.locator("#message").inner_text()
        assert page.evaluate("orthograph.loaded().total") == 0

        page.fill("#api-key", EDITOR_KEY)
        page.locator("#api-key").press("Tab")
        settle(page)
        assert page.evaluate("orthograph.loaded().total") == 43
        assert tiles and 200 in tiles and 401 not in tiles, tiles
