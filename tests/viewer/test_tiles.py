"""Imagery tiles of a stored raster, rendered with rio-tiler, through HTTP."""

from __future__ import annotations

import io
from pathlib import Path

import morecantile
import numpy as np
from PIL import Image

from stack.settings import StackSettings
from tests.api.support import HEADERS, Api, api_settings, serve_api
from tests.viewer.conftest import World

WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")


def centre_tile(api: Api, world: World) -> str:
    doc = api.http.get(f"/tiles/{world.raster_sha256}/tilejson.json").json()
    west, south, east, north = doc["bounds"]
    tile = WEB_MERCATOR.tile((west + east) / 2, (south + north) / 2, doc["maxzoom"])
    return f"/tiles/{world.raster_sha256}/{tile.z}/{tile.x}/{tile.y}.png"


def test_a_state_lists_its_rasters_as_tilejson(viewer_api: Api, world: World) -> None:
    doc = viewer_api.http.get(f"/tiles/states/{world.imaged}.json").json()
    assert doc["state"] == world.imaged
    (raster,) = doc["rasters"]
    assert raster["tilejson"] == "3.0.0"
    assert raster["sha256"] == world.raster_sha256
    assert raster["tiles"] == [
        f"{viewer_api.base_url}/tiles/{world.raster_sha256}/{{z}}/{{x}}/{{y}}.png"
    ]
    west, south, east, north = raster["bounds"]
    assert -84.49 < west < east < -84.47 and 33.63 < south < north < 33.65
    assert 0 <= raster["minzoom"] <= raster["maxzoom"] <= 24
    assert viewer_api.http.get(f"/tiles/states/{world.old}.json").json()["rasters"] == []


def test_a_tile_of_the_image_is_a_stretched_png(viewer_api: Api, world: World) -> None:
    response = viewer_api.http.get(centre_tile(viewer_api, world))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert "max-age" in response.headers["cache-control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (256, 256)
    pixels = np.asarray(image.convert("LA"), dtype=float)
    grey, alpha = pixels[..., 0], pixels[..., 1]
    assert (alpha == 255).mean() > 0.9, "the centre tile should be covered by the image"
    assert grey.std() > 20, "a 16-bit image stretched to 8 bits should show contrast"
    assert 40 < grey.mean() < 215


def test_tiles_off_the_image_are_empty(viewer_api: Api, world: World) -> None:
    response = viewer_api.http.get(f"/tiles/{world.raster_sha256}/16/0/0.png")
    assert response.status_code == 204
    assert response.content == b""


def test_bad_tile_requests(viewer_api: Api, world: World) -> None:
    get = viewer_api.http.get
    assert get("/tiles/not-a-hash/1/0/0.png").status_code == 400
    unknown = get(f"/tiles/{'0' * 64}/1/0/0.png")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "NOT_FOUND"
    assert get(f"/tiles/{world.raster_sha256}/3/8/0.png").status_code == 400
    assert get(f"/tiles/{world.raster_sha256}/25/0/0.png").status_code == 400
    assert get("/tiles/states/no-such-state.json").status_code == 404


def test_tiles_need_the_key_when_every_request_does(
    viewer_api: Api, stack_settings: StackSettings, world: World, tmp_path: Path
) -> None:
    path = centre_tile(viewer_api, world)
    settings = api_settings(stack_settings, tmp_path, require_api_key=True)
    with serve_api(settings) as strict:
        assert strict.http.get(path).status_code == 401
        assert strict.http.get(path, headers=HEADERS).status_code == 200
