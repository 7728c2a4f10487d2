"""Vector tiles of a state's objects through HTTP: what a tile holds is what GraphQL answers for
its bbox and scale, with the zoom -> scale table, caps, caching, keys and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mapbox_vector_tile
import morecantile
import pytest
from shapely.geometry import box, shape

from api.tiles.routes import MAX_ZOOM
from cartography.vector_tiles import BUFFER, EXTENT, tile_bbox
from cartography.zooms import scale_at, zoom_scales
from stack.settings import StackSettings
from tests.api.support import HEADERS, Api, api_settings, serve_api
from tests.viewer.browser import objects
from tests.viewer.conftest import World

WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")
MVT = "application/vnd.mapbox-vector-tile"


def decode(content: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = mapbox_vector_tile.decode(
        content, default_options={"y_coord_down": True}
    )
    return decoded


def centre(api: Api, state: str) -> tuple[float, float]:
    west, south, east, north = tilejson(api, state)["bounds"]
    return (west + east) / 2, (south + north) / 2


def tilejson(api: Api, state: str) -> dict[str, Any]:
    response = api.http.get(f"/tiles/states/{state}/tilejson.json")
    assert response.status_code == 200, response.text
    doc: dict[str, Any] = response.json()
    return doc


def tile_path(state: str, lon: float, lat: float, z: int) -> tuple[str, morecantile.Tile]:
    tile = WEB_MERCATOR.tile(lon, lat, z)
    return f"/tiles/states/{state}/{z}/{tile.x}/{tile.y}.mvt", tile


def expected_ids(api: Api, state: str, scale: int, tile: morecantile.Tile) -> set[str]:
    """GraphQL's objects at ``scale`` whose bbox meets the tile grown by its buffer."""
    return meeting(tile, {n["id"]: shape(n["geometry"]) for n in objects(api, state, scale)})


def meeting(tile: morecantile.Tile, geometries: dict[str, Any]) -> set[str]:
    """The ids of ``geometries`` whose bbox meets the tile grown by its buffer."""
    reach = box(*tile_bbox(tile.z, tile.x, tile.y, buffer=BUFFER))
    return {i for i, g in geometries.items() if box(*g.bounds).intersects(reach)}


def test_tilejson_publishes_the_tiles_and_the_zoom_table(viewer_api: Api, world: World) -> None:
    doc = tilejson(viewer_api, world.old)
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == [f"{viewer_api.base_url}/tiles/states/{world.old}/{{z}}/{{x}}/{{y}}.mvt"]
    assert [layer["id"] for layer in doc["vector_layers"]] == ["objects"]
    assert set(doc["vector_layers"][0]["fields"]) == {"id", "class", "name", "scale", "kind"}
    assert doc["scales"] == zoom_scales(MAX_ZOOM)
    assert [(r["scale"], r["minzoom"]) for r in doc["scales"]] == [
        (50000, 0), (10000, 13), (2000, 15)
    ]  # fmt: skip
    west, south, east, north = doc["bounds"]
    assert 9.4 < west < east < 9.6 and 47.1 < south < north < 47.2


@pytest.mark.parametrize("z", [12, 13, 16])
def test_a_tile_holds_the_objects_of_its_zooms_scale(viewer_api: Api, world: World, z: int) -> None:
    path, tile = tile_path(world.old, *centre(viewer_api, world.old), z)
    response = viewer_api.http.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == MVT
    layers = decode(response.content)
    assert "truncated" not in layers
    scale = scale_at(z)
    expected = expected_ids(viewer_api, world.old, scale, tile)
    assert expected, f"no objects at 1:{scale} in the centre tile of zoom {z}"
    layer = layers["objects"]
    assert layer["extent"] == EXTENT
    features = layer["features"]
    assert {f["properties"]["id"] for f in features} == expected
    assert len(features) == len(expected)
    for feature in features:
        props = feature["properties"]
        assert set(props) == {"id", "class", "name", "scale", "kind"}
        assert props["scale"] == scale
        kind = feature["geometry"]["type"].removeprefix("Multi")
        assert props["kind"] == {"Polygon": "polygon", "LineString": "line", "Point": "point"}[kind]
        for x, y in _positions(feature["geometry"]):
            assert -BUFFER <= x <= EXTENT + BUFFER and -BUFFER <= y <= EXTENT + BUFFER


def test_a_scale_may_be_asked_for_at_any_zoom(viewer_api: Api, world: World) -> None:
    path, tile = tile_path(world.old, *centre(viewer_api, world.old), 13)
    features = decode(viewer_api.http.get(f"{path}?scale=2000").content)["objects"]["features"]
    assert {f["properties"]["scale"] for f in features} == {2000}
    assert {f["properties"]["id"] for f in features} == expected_ids(
        viewer_api, world.old, 2000, tile
    )


def test_outlines_are_simplified_at_coarser_zooms(viewer_api: Api, world: World) -> None:
    """The objects of a zoom-17 tile (scale 1:2,000 asked) again at zoom 12: none gains a vertex
    and together they lose some (``tests/cartography`` checks the tolerance itself)."""
    lon, lat = centre(viewer_api, world.old)
    fine = tile_features(viewer_api, tile_path(world.old, lon, lat, 17)[0] + "?scale=2000")
    coarse = tile_features(viewer_api, tile_path(world.old, lon, lat, 12)[0] + "?scale=2000")
    assert set(fine) <= set(coarse), "every object of the fine tile is in the coarse one"
    vertices = {i: (len(_positions(coarse[i])), len(_positions(g))) for i, g in fine.items()}
    assert all(at_12 <= at_17 for at_12, at_17 in vertices.values())
    assert sum(v[0] for v in vertices.values()) < sum(v[1] for v in vertices.values())


def tile_features(api: Api, path: str) -> dict[str, dict[str, Any]]:
    """A tile's geometries by object id."""
    features = decode(api.http.get(path).content)["objects"]["features"]
    return {f["properties"]["id"]: f["geometry"] for f in features}


def test_above_the_cap_the_largest_objects_are_kept_and_the_tile_says_so(
    stack_settings: StackSettings, world: World, tmp_path: Path
) -> None:
    settings = api_settings(stack_settings, tmp_path, tile_max_objects=5)
    with serve_api(settings) as capped:
        path, tile = tile_path(world.old, *centre(capped, world.old), 16)
        layers = decode(capped.http.get(path).content)
        nodes = {n["id"]: shape(n["geometry"]) for n in objects(capped, world.old, 2000)}
    assert layers["truncated"]["features"][0]["properties"] == {"kept": 5}
    kept = {f["properties"]["id"] for f in layers["objects"]["features"]}
    assert len(kept) == 5
    inside = meeting(tile, nodes)
    smallest_kept = min(_extent(nodes[i]) for i in kept)
    assert all(_extent(nodes[i]) <= smallest_kept for i in inside - kept)


def test_tiles_carry_a_strong_etag_of_the_state_version(viewer_api: Api, world: World) -> None:
    path, _ = tile_path(world.old, *centre(viewer_api, world.old), 16)
    first = viewer_api.http.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["cache-control"] == "public, no-cache"
    again = viewer_api.http.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert viewer_api.http.get(path, headers={"If-None-Match": '"other"'}).content == first.content
    other_scale = viewer_api.http.get(f"{path}?scale=10000")
    newer_state = viewer_api.http.get(path.replace(world.old, world.new))
    assert len({etag, other_scale.headers["etag"], newer_state.headers["etag"]}) == 3


def test_bad_tile_requests(viewer_api: Api, world: World) -> None:
    get = viewer_api.http.get
    state = world.old
    for path, says in [
        (f"/tiles/states/{state}/3/8/0.mvt", "x and y 0..2^z-1"),
        (f"/tiles/states/{state}/25/0/0.mvt", f"z must be 0..{MAX_ZOOM}"),
        (f"/tiles/states/{state}/a/0/0.mvt", "whole numbers"),
        (f"/tiles/states/{state}/1/-1/0.mvt", "whole numbers"),
        (f"/tiles/states/{state}/1/0/0.mvt?scale=5000", "ladder"),
    ]:
        response = get(path)
        assert response.status_code == 400, path
        assert response.json()["code"] == "BAD_USER_INPUT"
        assert says in response.json()["description"], response.json()
    for path in ("/tiles/states/no-such-state/1/0/0.mvt", "/tiles/states/no-such/tilejson.json"):
        unknown = get(path)
        assert unknown.status_code == 404
        assert unknown.json()["code"] == "NOT_FOUND"


def test_a_tile_off_the_state_is_empty(viewer_api: Api, world: World) -> None:
    response = viewer_api.http.get(f"/tiles/states/{world.old}/10/0/0.mvt")
    assert response.status_code == 200
    assert decode(response.content).get("objects", {"features": []})["features"] == []


def test_tiles_need_the_key_when_every_request_does(
    viewer_api: Api, stack_settings: StackSettings, world: World, tmp_path: Path
) -> None:
    path, _ = tile_path(world.old, *centre(viewer_api, world.old), 16)
    settings = api_settings(stack_settings, tmp_path, require_api_key=True)
    with serve_api(settings) as strict:
        for asked in (path, f"/tiles/states/{world.old}/tilejson.json"):
            refused = strict.http.get(asked)
            assert refused.status_code == 401
            assert refused.json()["code"] == "UNAUTHENTICATED"
            answered = strict.http.get(asked, headers=HEADERS)
            assert answered.status_code == 200
            assert answered.headers["cache-control"] == "private, no-cache"


def _positions(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    coords = geometry["coordinates"]
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
             "Polygon": 2, "MultiPolygon": 3}[geometry["type"]]  # fmt: skip
    found = [coords]
    for _ in range(depth):
        found = [c for part in found for c in part]
    return [(float(p[0]), float(p[1])) for p in found] if depth else [tuple(coords)]


def _extent(geometry: Any) -> float:
    """What the graph stores as ``extent``: centroid to the farthest bbox edge, degrees."""
    west, south, east, north = geometry.bounds
    c = geometry.centroid
    return float(max(c.x - west, east - c.x, c.y - south, north - c.y))
