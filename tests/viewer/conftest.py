"""Fixtures of the viewer tests: real states in the test stack, the API serving them, Chromium.

``world`` publishes (through ``graphdb.publish``, as an ingest does) ``vaduz-2024`` and
``vaduz-2025`` (whose diff and alerts the publish records) and ``atlanta-2019`` with its image
in a raster store, all from the vendored samples. ``viewer_api`` serves the API with an editor
key. ``browser`` is Debian's headless Chromium driven by Playwright, which ``scripts/setup.sh``
installs with the built MapLibre assets; a missing one is reported with that fix (a failure in a
strict run). Each browser test leaves a screenshot in ``tests/viewer/artifacts/`` (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from api.viewer.routes import missing_assets
from api.viewer.settings import ViewerSettings
from graphdb.publish import publish_scene_graph
from graphdb.repository import open_graph
from ingest.raster import open_raster
from ingest.rasterstore import RasterStore
from ingest.records import SceneGraph
from stack.settings import StackSettings
from tests.api.support import Api, api_settings, serve_api
from tests.support.sample_data import sample
from tests.support.skips import missing
from tests.viewer.scenes import ATLANTA_IMAGE, Edits, a_year_later, atlanta, vaduz

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
VIEWPORT = {"width": 1280, "height": 800}
CLEAR_GRAPH = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


@dataclass(frozen=True)
class World:
    """The published states, the Vaduz edits and the Atlanta raster's hash."""

    old: str
    new: str
    imaged: str
    edits: Edits
    raster_sha256: str


@pytest.fixture(scope="session")
def scenes(tmp_path_factory: pytest.TempPathFactory) -> tuple[SceneGraph, SceneGraph, Edits]:
    """Vaduz in 2024 and 2025 (built once per session)."""
    old = vaduz(tmp_path_factory.mktemp("osm"))
    new, edits = a_year_later(old)
    return old, new, edits


@pytest.fixture(scope="module")
def world(
    neo4j_driver: Driver,
    stack_settings: StackSettings,
    scenes: tuple[SceneGraph, SceneGraph, Edits],
    tmp_path_factory: pytest.TempPathFactory,
) -> World:
    """An emptied graph with the three states committed."""
    with neo4j_driver.session(database=stack_settings.neo4j_database) as session:
        session.run(CLEAR_GRAPH).consume()
    old, new, edits = scenes
    image = open_raster(str(sample(ATLANTA_IMAGE)))
    stored = RasterStore(tmp_path_factory.mktemp("rasters")).put(image)
    with open_graph(stack_settings) as graph:
        for name, scene, day in (("vaduz-2024", old, 2024), ("vaduz-2025", new, 2025)):
            publish_scene_graph(
                graph, scene, state=name, area="vaduz", as_of=date(day, 6, 1), source="osm"
            )
        publish_scene_graph(
            graph,
            atlanta(),
            state="atlanta-2019",
            area="atlanta",
            as_of=date(2019, 1, 1),
            source="spacenet",
            rasters=[stored],
        )
    return World("vaduz-2024", "vaduz-2025", "atlanta-2019", edits, stored.sha256)


@pytest.fixture(scope="session")
def viewer_api(
    local_stack: object, stack_settings: StackSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """The API (mutations need the editor key) on the test stack."""
    settings = api_settings(stack_settings, tmp_path_factory.mktemp("data-root"))
    with serve_api(settings) as served:
        yield served


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's), or the missing part and the command that installs it."""
    if not CHROMIUM.is_file():
        missing(f"Chromium ({CHROMIUM})", "run bash scripts/setup.sh (apt-get install chromium)")
    absent = missing_assets(ViewerSettings())
    if absent:
        missing(
            f"the viewer's MapLibre assets ({', '.join(absent)})",
            "run bash scripts/setup.sh (it runs bash viewer/build.sh)",
        )
    try:
        from playwright import sync_api
    except ImportError:
        missing("the playwright package", "run bash scripts/setup.sh (it installs .[dev])")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; its screenshot is saved as an artifact after the test."""
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    ARTIFACTS.mkdir(exist_ok=True)
    opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()
    assert not problems, f"uncaught errors in the page: {problems}"
