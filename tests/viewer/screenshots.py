"""Screenshots of the map viewer for ``docs/viewer.md``, from the shipped data:
``python -m tests.viewer.screenshots [--stop]``.

- ``docs/viewer-bridges.png``: the Liechtenstein OSM extract (``data/osm``) clipped to the Rhine
  at Vaduz and run through the vector pipeline as an ingest runs it; at 1:2,000 with its name
  labels, the triplet query "bridge passing over river" highlighted, the old wooden bridge
  selected and its relation to the Rhine hovered.
- ``docs/viewer-alerts.png``: the Vaduz corner of the browser tests in 2024 and a year later
  (buildings gone, one a farm, one grown, one new), the diff and its alerts, most severe first.

It runs on the stack that ``ORTHOGRAPH_HOME``, ``ORTHOGRAPH_NEO4J_URI`` and
``ORTHOGRAPH_REDIS_URL`` name, by default one of its own (:data:`PRIVATE_STACK`), starts it if
it is not running and EMPTIES ITS GRAPH first; ``--stop`` stops it afterwards. It needs what the
browser tests need: Debian's Chromium, Playwright and the built viewer assets.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase
from playwright.sync_api import ViewportSize, sync_playwright

from config.connections import PROJECT_ROOT
from graphdb.publish import publish_scene_graph
from graphdb.repository import open_graph
from ingest.vector.pipeline import build_scene_graph
from stack import down, up
from stack.settings import StackSettings, get_settings
from tests.api.support import Api, api_settings, serve_api
from tests.support.sample_data import sample
from tests.viewer.browser import open_map, settle
from tests.viewer.conftest import CHROMIUM, CHROMIUM_ARGS, CLEAR_GRAPH, VIEWPORT
from tests.viewer.scenes import EXTRACT, a_year_later, clip_osm, vaduz

PRIVATE_STACK = {
    "ORTHOGRAPH_HOME": str(PROJECT_ROOT / ".orthograph" / "screenshots"),
    "ORTHOGRAPH_NEO4J_URI": "bolt://127.0.0.1:7698",
    "ORTHOGRAPH_REDIS_URL": "redis://127.0.0.1:6399/0",
}
DOCS = PROJECT_ROOT / "docs"
RHINE_AT_VADUZ = (9.500, 47.124, 9.524, 47.140)
"""WGS84 bbox of the clip: the Rhine between Vaduz and Sevelen with its two bridges there."""
RHINE_STATE = "vaduz-rhine"
BRIDGE = "Holzbrücke"
"""The old wooden bridge over the Rhine (1901), selected in the first picture."""
RIVER = 'River "Rhein"'
"""How the panel lists the river it passes over."""
BRIDGES_VIEW = "orthograph.map.jumpTo({center: [9.5112, 47.1318], zoom: 16.6})"


def publish(settings: StackSettings, folder: Path) -> None:
    """Empty the graph, then commit the Rhine clip and the two Vaduz states."""
    password = settings.neo4j_password.get_secret_value()
    with (
        GraphDatabase.driver(settings.neo4j_uri, auth=(settings.neo4j_user, password)) as driver,
        driver.session(database=settings.neo4j_database) as session,
    ):
        session.run(CLEAR_GRAPH).consume()
    rhine = build_scene_graph(clip_osm(sample(EXTRACT), RHINE_AT_VADUZ, folder / "rhine.geojson"))
    old = vaduz(folder)
    new, _ = a_year_later(old)
    with open_graph(settings) as graph:
        publish_scene_graph(
            graph, rhine.graph, state=RHINE_STATE, area="vaduz-rhine", as_of=date(2024, 6, 1),
            source="osm",
        )  # fmt: skip
        for name, scene, year in (("vaduz-2024", old, 2024), ("vaduz-2025", new, 2025)):
            publish_scene_graph(
                graph, scene, state=name, area="vaduz", as_of=date(year, 6, 1), source="osm"
            )


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A page of Debian's headless Chromium at the browser tests' size."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            size = ViewportSize(width=VIEWPORT["width"], height=VIEWPORT["height"])
            yield browser.new_context(viewport=size).new_page()
        finally:
            browser.close()


def bridges(page: Any, api: Api) -> Path:
    """Bridges over the Rhine at 1:2,000, labelled, one selected and its relation hovered."""
    open_map(page, api, state=RHINE_STATE)
    page.evaluate(BRIDGES_VIEW)
    settle(page)
    page.select_option("#q-subject", "BRIDGE")
    page.select_option("#q-predicate", "PASSING_OVER")
    page.select_option("#q-object", "RIVER")
    page.click("#q-run")
    settle(page)
    page.locator("#q-matches li", has_text=BRIDGE).first.click()
    settle(page)
    page.locator('#relations li[data-predicate="passing_over"]', has_text=RIVER).first.hover()
    settle(page)
    out = DOCS / "viewer-bridges.png"
    page.screenshot(path=str(out))
    return out


def alerts(page: Any, api: Api) -> Path:
    """The diff of the Vaduz corner from 2024 to 2025 and its alert list."""
    open_map(page, api, state="vaduz-2025", scale=2000)
    page.click("#diff-run")
    settle(page)
    out = DOCS / "viewer-alerts.png"
    page.screenshot(path=str(out))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stop", action="store_true", help="stop the stack afterwards")
    args = parser.parse_args(argv)
    for name, value in PRIVATE_STACK.items():
        os.environ.setdefault(name, value)
    get_settings.cache_clear()
    settings = get_settings()
    up(settings)
    try:
        with tempfile.TemporaryDirectory() as folder:
            publish(settings, Path(folder))
            served = api_settings(settings, Path(folder))
            with serve_api(served) as api, chromium_page() as page:
                for shot in (bridges(page, api), alerts(page, api)):
                    print(shot.relative_to(PROJECT_ROOT))
    finally:
        if args.stop:
            down(settings)


if __name__ == "__main__":
    main()
