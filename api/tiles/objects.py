"""Vector tiles of a state's objects, under ``/tiles/states/{name}/``.

- ``/tiles/states/{name}/tilejson.json``: TileJSON 3.0 of the state's object tiles, with the
  zoom -> scale table (``scales``, from ``cartography.zooms``) the viewer follows; with
  ``?scale=N`` its tile links ask for that scale at every zoom;
- ``/tiles/states/{name}/{z}/{x}/{y}.mvt``: one Mapbox Vector Tile (``cartography.vector_tiles``)
  of the objects at the scale of zoom ``z``, or at ``?scale=N`` (a ladder denominator).

A tile carries at most ``ApiSettings.tile_max_objects`` objects, the largest first; one that
holds more says so in its ``truncated`` layer. Both are reached by the state's name, which a new
version may take, so they are revalidated each time (``no-cache``) against a strong ETag of the
version's id (and the tile, scale and cap): an unchanged tile answers ``304`` after one lookup of
the name. Encoded tiles are kept in the process by that tag, in a cache of their own of
``response_cache_bytes``.
Keys, errors and links as the imagery tiles (``api.tiles.routes``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from api.errors import InvalidInput
from api.http.caching import REVALIDATE, conditional, entity_tag
from api.http.endpoint import http_endpoint
from api.http.response_cache import ResponseCache
from api.services import Services, blocking
from api.settings import ApiSettings
from api.tiles.routes import MAX_ZOOM
from cartography.vector_tiles import BUFFER, LAYER, encode_tile, tile_bbox
from cartography.zooms import scale_at, zoom_scales
from graphdb.models import MapState
from ingest.ontology import SCALE_DENOMINATORS

MAX_DATA_ZOOM = 18
"""Deepest zoom the TileJSON announces: deeper views draw its tiles overzoomed (about 5 cm a
unit, finer than any scale's simplification), so a client asks for no more tiles there."""

MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
FORMAT = "1"
"""Changes when the same objects would be encoded differently (part of every tile's ETag)."""

_COORDINATE = re.compile(r"\d{1,8}")
_FIELDS = {"id": "String", "class": "String", "name": "String", "scale": "Number", "kind": "String"}

_endpoint = http_endpoint()


def _services(request: Request) -> Services:
    return request.app.state.services


def tile_address(request: Request) -> tuple[int, int, int]:
    """``z, x, y`` of the path, checked to name a tile (``InvalidInput`` says why not)."""
    raw = [request.path_params[k] for k in ("z", "x", "y")]
    if not all(_COORDINATE.fullmatch(v) for v in raw):
        raise InvalidInput(f"no tile {'/'.join(raw)}: z, x and y must be whole numbers")
    z, x, y = (int(v) for v in raw)
    if not (0 <= z <= MAX_ZOOM and x < 2**z and y < 2**z):
        raise InvalidInput(f"no tile {z}/{x}/{y}: z must be 0..{MAX_ZOOM}, x and y 0..2^z-1")
    return z, x, y


def asked_scale(request: Request) -> int | None:
    """``?scale=`` checked to be a ladder denominator, or None when not given."""
    raw = request.query_params.get("scale")
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) not in SCALE_DENOMINATORS:
        ladder = ", ".join(str(s) for s in SCALE_DENOMINATORS)
        raise InvalidInput(
            f"scale must be one of the ladder's denominators ({ladder}), got {raw!r}"
        )
    return int(raw)


def _tilejson(state: MapState, scale: int | None, settings: ApiSettings) -> dict[str, Any]:
    base = settings.public_url.rstrip("/")
    name = quote(state.name, safe="")
    query = f"?scale={scale}" if scale is not None else ""
    return {
        "tilejson": "3.0.0",
        "name": state.name,
        "tiles": [f"{base}/tiles/states/{name}/{{z}}/{{x}}/{{y}}.mvt{query}"],
        "bounds": list(state.coverage.bounds),
        "minzoom": 0,
        "maxzoom": MAX_DATA_ZOOM,
        "vector_layers": [{"id": LAYER, "fields": _FIELDS, "minzoom": 0, "maxzoom": MAX_DATA_ZOOM}],
        "scales": zoom_scales(MAX_ZOOM),
        "version_id": state.id,
    }


def object_tile_routes(settings: ApiSettings) -> list[BaseRoute]:
    """The routes to add to the app; they share one cache of encoded tiles."""
    kept = ResponseCache(settings.response_cache_bytes) if settings.response_cache_bytes else None

    def make_tile(state: MapState, services: Services, z: int, x: int, y: int, scale: int) -> bytes:
        cap = services.settings.tile_max_objects
        bbox = tile_bbox(z, x, y, buffer=BUFFER)
        found = services.tiles.objects(state, scale=scale, bbox=bbox, limit=cap + 1)
        return encode_tile(z, x, y, found[:cap], scale=scale, truncated=len(found) > cap)

    @_endpoint
    async def tilejson(request: Request) -> Response:
        scale = asked_scale(request)
        services = _services(request)
        state = await blocking(services.graph.state, request.path_params["name"])

        async def build() -> Response:
            return JSONResponse(_tilejson(state, scale, services.settings))

        etag = entity_tag("objects-tilejson", state.id, str(scale), services.settings.public_url)
        return await conditional(request, etag=etag, max_age=REVALIDATE, build=build)

    @_endpoint
    async def tile(request: Request) -> Response:
        z, x, y = tile_address(request)
        scale = asked_scale(request) or scale_at(z)
        services = _services(request)
        state = await blocking(services.graph.state, request.path_params["name"])
        cap = services.settings.tile_max_objects
        etag = entity_tag("objects-tile", FORMAT, state.id, *map(str, (scale, cap, z, x, y)))

        async def build() -> Response:
            body = kept.get(etag) if kept is not None else None
            if body is None:
                body = await blocking(make_tile, state, services, z, x, y, scale)
                if kept is not None:
                    kept.put(etag, body)
            return Response(body, media_type=MEDIA_TYPE)

        return await conditional(request, etag=etag, max_age=REVALIDATE, build=build)

    return [
        Route("/tiles/states/{name}/tilejson.json", tilejson),
        Route("/tiles/states/{name}/{z}/{x}/{y}.mvt", tile),
    ]
