"""Routes of the imagery tiles, under ``/tiles``.

- ``/tiles/states/{name}.json``: the rasters a committed (or retired) state was made from, as
  TileJSON 3.0 documents (``{"state": name, "rasters": [...]}``);
- ``/tiles/{sha256}/tilejson.json``: one registered raster as TileJSON;
- ``/tiles/{sha256}/{z}/{x}/{y}.png``: one tile; 204 when the tile misses the raster.

A content-addressed raster never changes, so its tiles and TileJSON carry a strong ETag and
may be reused for a day; a state's list is reached by name, which a new version may take, so
it is revalidated each time (``api.http.caching``: ``private`` whenever reads need a key).
Links start with ``ApiSettings.public_url``, never with the request's ``Host`` header. With
``require_api_key`` every request needs the key in ``X-API-Key`` (the page adds it); errors
come back as ``{"code", "description"}`` with the matching HTTP status.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from api.errors import InvalidInput, NotFound
from api.http.caching import IMMUTABLE_MAX_AGE_S, REVALIDATE, conditional, entity_tag
from api.http.endpoint import http_endpoint
from api.services import Services, blocking
from api.settings import ApiSettings
from cartography.tiles import TileCatalog, TileSource, describe, render_tile
from graphdb.rasters import RasterRegistry
from ingest.records import RasterRecord

MAX_ZOOM = 24
"""Deepest zoom served (about 1 cm per pixel)."""

_SHA256 = re.compile(r"[0-9a-f]{64}")

_endpoint = http_endpoint()
"""Key check and JSON error answers for every route of this module."""


def _services(request: Request) -> Services:
    return request.app.state.services


def _settings(request: Request) -> ApiSettings:
    return _services(request).settings


def _tilejson(source: TileSource, settings: ApiSettings) -> dict[str, Any]:
    base = settings.public_url.rstrip("/")
    return {
        "tilejson": "3.0.0",
        "name": source.name,
        "tiles": [f"{base}/tiles/{source.sha256}/{{z}}/{{x}}/{{y}}.png"],
        "bounds": list(source.bounds),
        "minzoom": source.minzoom,
        "maxzoom": source.maxzoom,
        "sha256": source.sha256,
        "gsd_m": source.gsd_m,
    }


def tile_routes() -> list[BaseRoute]:
    """The routes to add to the app; they share one :class:`TileCatalog`."""
    catalog = TileCatalog()

    async def described(record: RasterRecord) -> TileSource:
        found = catalog.get(record.sha256)
        if found is None:
            found = await blocking(describe, record)
            catalog.put(found)
        return found

    async def source_of(request: Request) -> TileSource:
        sha256 = request.path_params["sha256"]
        if not _SHA256.fullmatch(sha256):
            raise InvalidInput(f"{sha256!r} is not a raster's SHA-256 (64 lower-case hex digits)")
        found = catalog.get(sha256)
        if found is not None:
            return found
        registered = await blocking(RasterRegistry(_services(request).graph.client).get, sha256)
        if registered is None:
            raise NotFound(f"no registered raster {sha256}")
        return await described(registered.record)

    @_endpoint
    async def state_rasters(request: Request) -> Response:
        services = _services(request)
        state = await blocking(services.graph.state, request.path_params["name"])

        async def build() -> Response:
            registered = await blocking(RasterRegistry(services.graph.client).of_state, state.id)
            sources = [_tilejson(await described(r.record), services.settings) for r in registered]
            return JSONResponse({"state": state.name, "rasters": sources})

        etag = entity_tag("state-rasters", state.id, services.settings.public_url)
        return await conditional(request, etag=etag, max_age=REVALIDATE, build=build)

    @_endpoint
    async def tilejson(request: Request) -> Response:
        source, settings = await source_of(request), _settings(request)

        async def build() -> Response:
            return JSONResponse(_tilejson(source, settings))

        etag = entity_tag("tilejson", source.sha256, settings.public_url)
        return await conditional(request, etag=etag, max_age=IMMUTABLE_MAX_AGE_S, build=build)

    @_endpoint
    async def tile(request: Request) -> Response:
        z, x, y = (int(request.path_params[k]) for k in ("z", "x", "y"))
        if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
            raise InvalidInput(f"no tile {z}/{x}/{y}: z must be 0..{MAX_ZOOM}, x and y 0..2^z-1")
        source = await source_of(request)

        async def build() -> Response:
            png = await blocking(render_tile, source, z, x, y)
            if png is None:
                return Response(status_code=204)
            return Response(png, media_type="image/png")

        etag = entity_tag("tile", source.sha256, str(z), str(x), str(y))
        return await conditional(request, etag=etag, max_age=IMMUTABLE_MAX_AGE_S, build=build)

    return [
        Route("/tiles/states/{name}.json", state_rasters),
        Route("/tiles/{sha256}/tilejson.json", tilejson),
        Route("/tiles/{sha256}/{z:int}/{x:int}/{y:int}.png", tile),
    ]
