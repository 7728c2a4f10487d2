"""The viewer's routes without a browser: the page, its assets, the legend and the config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.viewer.routes import REQUIRED_ASSETS, viewer_routes
from api.viewer.settings import ViewerSettings, get_viewer_settings
from cartography.fonts import FONTSTACK
from cartography.legend import legend
from ingest.ontology import CLASS_IDS, PREDICATE_IDS, SCALE_DENOMINATORS
from stack.settings import StackSettings
from tests.api.support import Api, api_settings, serve_api


def client(assets: Path) -> TestClient:
    return TestClient(Starlette(routes=viewer_routes(ViewerSettings(assets_dir=assets))))


def test_page_says_how_to_build_missing_assets(tmp_path: Path) -> None:
    response = client(tmp_path).get("/map/")
    assert response.status_code == 503
    assert "bash viewer/build.sh" in response.text
    assert all(name in response.text for name in REQUIRED_ASSETS)


def test_page_and_its_assets_are_served(tmp_path: Path) -> None:
    for name in REQUIRED_ASSETS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"/* {name} */")
    http = client(tmp_path)
    redirect = http.get("/map?state=vaduz", follow_redirects=False)
    assert redirect.status_code == 307
    assert redirect.headers["location"].endswith("/map/?state=vaduz")
    page = http.get("/map/")
    assert page.status_code == 200
    assert 'src="static/js/main.js"' in page.text
    assert 'href="vendor/maplibre-gl.css"' in page.text
    assert http.get("/map/vendor/maplibre-gl.mjs").text == "/* maplibre-gl.mjs */"
    script = http.get("/map/static/js/main.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]


def test_the_page_loads_nothing_from_other_hosts() -> None:
    static = Path(__file__).resolve().parents[2] / "api" / "viewer" / "static"
    for path in static.rglob("*"):
        if path.is_file():
            assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", path.read_text()), path


def test_legend_covers_the_ontology() -> None:
    doc = legend()
    assert [c["id"] for c in doc["classes"]] == list(CLASS_IDS)
    assert [p["id"] for p in doc["predicates"]] == list(PREDICATE_IDS)
    assert [s["denominator"] for s in doc["scales"]] == list(SCALE_DENOMINATORS)
    colours = [c["colour"] for c in doc["classes"]]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours), "two classes share a colour"
    assert {c["kind"] for c in doc["changes"]} == {
        "APPEARED", "DISAPPEARED", "RECLASSIFIED", "GEOMETRY_CHANGED"
    }  # fmt: skip
    building = next(c for c in doc["classes"] if c["id"] == "building")
    assert building["enum"] == "BUILDING"
    assert building["scales"] == [2000]


def test_legend_and_config_through_the_api(viewer_api: Api) -> None:
    doc = viewer_api.http.get("/map/legend.json").json()
    assert len(doc["classes"]) == 32
    assert len(doc["predicates"]) == 16
    config = viewer_api.http.get("/map/config.json").json()
    assert config["basemap"] is None
    assert config["pageSize"] == viewer_api.settings.max_page_size
    assert config["keyRequired"] is False
    assert config["fontstack"] == FONTSTACK


def test_a_configured_basemap_is_offered(
    local_stack: object,
    stack_settings: StackSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORTHOGRAPH_VIEWER_BASEMAP_URL", "https://tiles.example/{z}/{x}/{y}.png")
    monkeypatch.setenv("ORTHOGRAPH_VIEWER_BASEMAP_ATTRIBUTION", "© example")
    get_viewer_settings.cache_clear()
    try:
        settings = api_settings(stack_settings, tmp_path)
        with serve_api(settings) as served:
            config = served.http.get("/map/config.json").json()
    finally:
        get_viewer_settings.cache_clear()
    assert config["basemap"] == {
        "url": "https://tiles.example/{z}/{x}/{y}.png",
        "attribution": "© example",
    }
