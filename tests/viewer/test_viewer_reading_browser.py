"""A page a mapper can read (issue 20, item 3), in headless Chromium on the real states: names
labelled by MapLibre from the tiles with the locally built glyphs, one relation's arc at a
time, a deep-linked object framed, the imagery box only where there is imagery, only older
states offered for a diff, and alerts most severe first down to a chosen severity."""

from __future__ import annotations

from typing import Any

import pytest
from shapely.geometry import shape
from shapely.ops import nearest_points

from cartography.fonts import FONTSTACK
from tests.api.support import Api
from tests.viewer.browser import objects, open_map, screen_point, settle
from tests.viewer.conftest import World
from tests.viewer.test_viewer_browser import best_connected_building

pytestmark = pytest.mark.slow

SEVERITY_RANK = {"LOW": 1, "MEDIUM": 2, "HIGH": 3}
RENDERED_PROPERTY = """([layers, property]) => [...new Set(orthograph.map
  .queryRenderedFeatures({layers}).map((f) => f.properties[property]))]"""


def rendered(page: Any, layers: list[str], property_: str) -> set[Any]:
    """The distinct values of one property of the features drawn on ``layers``."""
    return set(page.evaluate(RENDERED_PROPERTY, [layers, property_]))


def test_names_are_labelled_from_the_tiles_with_local_glyphs(
    page: Any, viewer_api: Api, world: World
) -> None:
    glyphs: list[tuple[str, int]] = []
    page.on("response", lambda r: glyphs.append((r.url, r.status)) if "/glyphs/" in r.url else None)
    open_map(page, viewer_api, state=world.old, scale=2000)
    page.evaluate("orthograph.map.jumpTo({zoom: 16.5})")
    settle(page)

    folder = f"{viewer_api.base_url}/map/vendor/glyphs/{FONTSTACK.replace(' ', '%20')}/"
    assert (folder + "0-255.pbf", 200) in glyphs, glyphs
    nodes = objects(viewer_api, world.old, 2000)
    kinds = {"LineString": "line", "MultiLineString": "line", "Polygon": "polygon"}
    names = {
        kind: {n["name"] for n in nodes if n["name"] and kinds.get(n["geometry"]["type"]) == kind}
        for kind in ("line", "polygon")
    }
    lines = rendered(page, ["labels-line"], "name")
    polygons = rendered(page, ["labels-polygon"], "name")
    assert lines and lines <= names["line"], lines - names["line"]
    assert polygons and polygons <= names["polygon"], polygons - names["polygon"]
    assert "" not in lines | polygons

    page.click('#legend-classes li[data-class="road"]')
    settle(page)
    road_names = {n["name"] for n in nodes if n["name"] and n["class"] == "ROAD"}
    assert not rendered(page, ["labels-line"], "name") & road_names, "hidden roads labelled"


def hover_relation(page: Any, link: str) -> None:
    page.hover(f'#relations li[data-link="{link}"]')
    settle(page)


def test_relations_are_drawn_one_at_a_time(page: Any, viewer_api: Api, world: World) -> None:
    building = best_connected_building(viewer_api, world.old)
    open_map(page, viewer_api, state=world.old, scale=2000, select=building)
    entries = page.eval_on_selector_all(
        "#relations li[data-link]",
        "items => items.map(i => ({link: i.dataset.link, other: i.dataset.id,"
        " predicate: i.dataset.predicate, reading: i.dataset.reading}))",
    )
    outlined = [e for e in entries if e["predicate"] not in ("nearby", "distant")]
    assert outlined and len(entries) > len(outlined), entries
    assert not rendered(page, ["arcs", "arc-labels"], "link"), "arcs before any hover"

    for entry in outlined[:3]:
        hover_relation(page, entry["link"])
        assert rendered(page, ["arcs"], "link") == {int(entry["link"])}
        assert rendered(page, ["arcs"], "other") == {entry["other"]}
        assert rendered(page, ["arc-labels"], "label") == {entry["reading"]}
    far = next(e for e in entries if e not in outlined)
    hover_relation(page, far["link"])  # drawn on request though not outlined; may end off view
    assert rendered(page, ["arcs"], "link") == {int(far["link"])}

    page.mouse.move(5, 5)  # off the panel and the map
    settle(page)
    assert not rendered(page, ["arcs", "arc-labels"], "link")

    shapes = {n["id"]: shape(n["geometry"]) for n in objects(viewer_api, world.old, 2000)}
    for entry in (e for e in outlined if e["other"] in shapes):
        anchor, _ = nearest_points(shapes[entry["other"]], shapes[building])  # in view
        x, y = screen_point(page, anchor.x, anchor.y)
        picked = page.evaluate(
            """([x, y]) => {
              const r = orthograph.map.getContainer().getBoundingClientRect();
              return orthograph.viewer.pick([x - r.left, y - r.top]);
            }""",
            [x, y],
        )
        if picked != entry["other"]:
            continue  # another object lies on top there, or it is out of view
        page.mouse.move(x, y)
        settle(page)
        expected = {int(e["link"]) for e in outlined if e["other"] == entry["other"]}
        assert rendered(page, ["arcs"], "link") == expected
        break
    else:
        pytest.fail("no related object could be hovered on the map")


def test_a_deep_linked_object_is_framed_at_its_scale(
    page: Any, viewer_api: Api, world: World
) -> None:
    nodes = {scale: objects(viewer_api, world.old, scale) for scale in (2000, 10000)}
    for scale, zooms in ((2000, (15, 18)), (10000, (13, 15))):
        chosen = max(nodes[scale], key=lambda n: shape(n["geometry"]).area)
        open_map(page, viewer_api, state=world.old, select=chosen["id"])
        assert page.locator("#panel").get_attribute("data-object-id") == chosen["id"]
        assert page.evaluate("orthograph.activeScale()") == scale
        zoom = page.evaluate("orthograph.map.getZoom()")
        assert zooms[0] <= zoom <= zooms[1], zoom
        west, south, east, north = shape(chosen["geometry"]).bounds
        view = page.evaluate("orthograph.map.getBounds().toArray().flat()")
        assert view[0] <= west and view[1] <= south and view[2] >= east and view[3] >= north
        if zoom < zooms[1]:  # not held back by a limit: the object fills the padded view
            width, height = page.evaluate(
                """([w, s, e, n]) => {
                  const a = orthograph.map.project([w, n]), b = orthograph.map.project([e, s]);
                  return [b.x - a.x, b.y - a.y];
                }""",
                [west, south, east, north],
            )
            canvas = page.evaluate("[orthograph.map.getCanvas().clientWidth,"
                                   " orthograph.map.getCanvas().clientHeight]")  # fmt: skip
            assert width > canvas[0] / 2 or height > canvas[1] / 2, (width, height, canvas)


def test_the_imagery_box_only_where_there_is_imagery(
    page: Any, viewer_api: Api, world: World
) -> None:
    toggle = page.locator("#imagery-toggle")
    open_map(page, viewer_api, state=world.old)
    assert toggle.is_disabled() and not toggle.is_checked()

    page.select_option("#state", world.imaged)
    settle(page)
    assert toggle.is_enabled() and toggle.is_checked()
    visibility = "orthograph.map.getLayoutProperty('imagery-0', 'visibility')"
    assert page.evaluate(visibility) == "visible"

    page.uncheck("#imagery-toggle")
    page.select_option("#state", world.old)
    settle(page)
    assert toggle.is_disabled() and not toggle.is_checked()
    page.select_option("#state", world.imaged)
    settle(page)
    assert toggle.is_enabled() and not toggle.is_checked(), "the user's choice was lost"
    assert page.evaluate(visibility) == "none"


def offered(page: Any) -> list[tuple[str, str]]:
    return [
        tuple(o)
        for o in page.eval_on_selector_all(
            "#diff-from option", "options => options.map(o => [o.value, o.textContent])"
        )
    ]


def test_only_older_states_are_offered_for_a_diff(page: Any, viewer_api: Api, world: World) -> None:
    open_map(page, viewer_api, state=world.new)
    assert [value for value, _ in offered(page)] == [world.old]
    assert page.locator("#diff-run").is_enabled()

    for state, area in ((world.old, "vaduz"), (world.imaged, "atlanta")):
        page.select_option("#state", state)
        settle(page)
        assert offered(page) == [("", f"no older state of {area}")]
        assert page.locator("#diff-from").is_disabled()
        assert page.locator("#diff-run").is_disabled()


ALERTS = """
query($state: String!, $minSeverity: Severity!) {
  alerts(state: $state, scale: 2000, minSeverity: $minSeverity, first: 100) {
    edges { node { id severity fromState { name } } }
  }
}"""

LISTED_ALERTS = (
    "items => items.map(i => [i.dataset.alertId, i.querySelector('.severity').textContent])"
)


def test_alerts_most_severe_first_down_to_the_chosen_severity(
    page: Any, viewer_api: Api, world: World
) -> None:
    open_map(page, viewer_api, state=world.new, scale=2000)
    page.click("#diff-run")
    settle(page)
    sizes = []
    for severity in ("LOW", "MEDIUM", "HIGH"):
        page.select_option("#alert-severity", severity)
        settle(page)
        answer = viewer_api.data(ALERTS, state=world.new, minSeverity=severity)["alerts"]
        stored = [e["node"] for e in answer["edges"] if e["node"]["fromState"]["name"] == world.old]
        listed = page.eval_on_selector_all("#alerts li[data-alert-id]", LISTED_ALERTS)
        assert [a for a, _ in listed] == [a["id"] for a in stored]
        ranks = [SEVERITY_RANK[s] for _, s in listed]
        assert ranks == sorted(ranks, reverse=True), "not most severe first"
        assert all(rank >= SEVERITY_RANK[severity] for rank in ranks)
        sizes.append(len(listed))
    assert sizes[0] > 0 and len(set(sizes)) > 1, f"the filter left every list alike: {sizes}"
