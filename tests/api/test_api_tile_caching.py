"""HTTP caching of imagery tiles and TileJSON: strong ETags, ``If-None-Match`` -> 304, ``public``
only when reads need no key, and links that start with the configured public URL whatever the
``Host`` header says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import morecantile
import pytest

from graphdb.rasters import RasterRegistry
from graphdb.repository import Neo4jGraph
from ingest.raster import open_raster
from ingest.rasterstore import RasterStore
from stack.settings import StackSettings
from tests.api.support import COVERAGE, HEADERS, Api, Town, api_settings, serve_api
from tests.support.sample_data import sample

IMAGE = "imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif"
WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")
PUBLIC_URL = "https://maps.example/orthograph"


@pytest.fixture
def raster(repo: Neo4jGraph, town: Town, tmp_path: Path) -> str:
    """The SHA-256 of an RGB image in a raster store, registered as a source of ``town-2025``."""
    stored = RasterStore(tmp_path / "rasters").put(open_raster(str(sample(IMAGE))))
    RasterRegistry(repo.client).register(town.new, [stored])
    return stored.sha256


def centre_tile(api: Api, sha256: str) -> str:
    doc = api.http.get(f"/tiles/{sha256}/tilejson.json", headers=HEADERS).json()
    west, south, east, north = doc["bounds"]
    tile = WEB_MERCATOR.tile((west + east) / 2, (south + north) / 2, doc["maxzoom"])
    return f"/tiles/{sha256}/{tile.z}/{tile.x}/{tile.y}.png"


def test_tiles_and_tilejson_are_public_with_a_strong_etag(api: Api, raster: str) -> None:
    for path in (f"/tiles/{raster}/tilejson.json", centre_tile(api, raster)):
        first = api.http.get(path)
        assert first.status_code == 200 and first.content
        etag = first.headers["etag"]
        assert etag.startswith('"') and etag.endswith('"'), "a strong validator"
        assert first.headers["cache-control"] == "public, max-age=86400"
        for held in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            again = api.http.get(path, headers={"If-None-Match": held})
            assert again.status_code == 304, held
            assert again.content == b""
            assert again.headers["etag"] == etag
            assert again.headers["cache-control"] == "public, max-age=86400"
        assert api.http.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_tiles_are_private_when_reads_need_a_key(strict_api: Api, raster: str) -> None:
    for path in (f"/tiles/{raster}/tilejson.json", centre_tile(strict_api, raster)):
        response = strict_api.http.get(path, headers=HEADERS)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, max-age=86400"
        assert strict_api.http.get(path).status_code == 401


def test_a_state_list_revalidates_and_follows_a_new_version(
    api: Api, repo: Neo4jGraph, town: Town, raster: str
) -> None:
    path = f"/tiles/states/{town.new}.json"
    first = api.http.get(path)
    assert [r["sha256"] for r in first.json()["rasters"]] == [raster]
    assert first.headers["cache-control"] == "public, no-cache"
    etag = first.headers["etag"]
    assert api.http.get(path, headers={"If-None-Match": etag}).status_code == 304

    newer = repo.begin_state(
        town.new, area="vaduz", as_of=date(2025, 7, 1), coverage=COVERAGE, replace=True
    )
    repo.commit(newer.id)
    moved = api.http.get(path, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.json()["rasters"] == []
    assert moved.headers["etag"] != etag


def test_links_start_with_the_public_url_never_the_host_header(
    stack_settings: StackSettings, tmp_path: Path, raster: str, town: Town
) -> None:
    settings = api_settings(stack_settings, tmp_path, public_url=PUBLIC_URL + "/")
    hostile = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    with serve_api(settings) as served:
        one = served.http.get(f"/tiles/{raster}/tilejson.json", headers=hostile).json()
        listed = served.http.get(f"/tiles/states/{town.new}.json", headers=hostile).json()
    expected = [f"{PUBLIC_URL}/tiles/{raster}/{{z}}/{{x}}/{{y}}.png"]
    assert one["tiles"] == expected
    assert [r["tiles"] for r in listed["rasters"]] == [expected]


def test_a_failing_render_is_a_json_500_without_internals(
    api: Api, raster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> bytes:
        raise RuntimeError("/secret/path/to/the.cog is unreadable")

    path = centre_tile(api, raster)
    monkeypatch.setattr("api.tiles.routes.render_tile", broken)
    response = api.http.get(path)
    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in response.text and "cache-control" not in response.headers
