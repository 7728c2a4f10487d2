"""OGC API - Features (Core, GeoJSON, OpenAPI 3.0), read-only, under ``/ogc``.

QGIS ("WFS / OGC API - Features" connection) and GDAL (``OAPIF:http://host/ogc``) connect to
the landing page. Errors come back as ``{"code", "description"}`` with the matching HTTP status,
using the same error table as GraphQL; with ``require_api_key`` every request needs the key.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.errors import NotFound
from api.http.endpoint import http_endpoint
from api.ogc.collections import (
    GEOJSON,
    JSON,
    collection_doc,
    collections_doc,
    parse_collection_id,
    within_datetime,
)
from api.ogc.features import check_format, feature, feature_collection, parse_items_query
from api.ogc.openapi import openapi_doc
from api.services import Services, blocking
from graphdb.models import GraphObject, MapState

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"

_endpoint = http_endpoint(lambda request: check_format(request.query_params))
"""Key check and JSON error answers for every route of this module."""


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/ogc"


def _services(request: Request) -> Services:
    return request.app.state.services


async def _readable_states(services: Services) -> list[MapState]:
    def collect() -> list[MapState]:
        return [s for area in services.graph.areas() for s in services.graph.states(area.name)]

    return await blocking(collect)


async def _collection(request: Request) -> tuple[MapState, int]:
    name, scale = parse_collection_id(request.path_params["collection_id"])
    return await blocking(_services(request).graph.state, name), scale


@_endpoint
async def landing(request: Request) -> JSONResponse:
    base = _base(request)
    return JSONResponse(
        {
            "title": "orthograph",
            "description": "Multi-scale scene graphs of aerial imagery: each committed map state "
            "at each map scale is a collection of features.",
            "links": [
                {"href": f"{base}/", "rel": "self", "type": JSON, "title": "this document"},
                {"href": f"{base}/api", "rel": "service-desc", "type": OPENAPI, "title": "API"},
                {"href": f"{base}/conformance", "rel": "conformance", "type": JSON},
                {"href": f"{base}/collections", "rel": "data", "type": JSON},
            ],
        }
    )


@_endpoint
async def conformance(request: Request) -> JSONResponse:
    return JSONResponse({"conformsTo": CONFORMANCE})


@_endpoint
async def api_definition(request: Request) -> JSONResponse:
    return JSONResponse(openapi_doc(_base(request)), media_type=OPENAPI)


@_endpoint
async def collections(request: Request) -> JSONResponse:
    states = await _readable_states(_services(request))
    return JSONResponse(collections_doc(states, _base(request)))


@_endpoint
async def collection(request: Request) -> JSONResponse:
    state, scale = await _collection(request)
    return JSONResponse(collection_doc(state, scale, _base(request)))


@_endpoint
async def items(request: Request) -> JSONResponse:
    services = _services(request)
    state, scale = await _collection(request)
    query = parse_items_query(
        request.query_params, default=100, maximum=services.settings.ogc_max_limit
    )
    found: list[GraphObject] = []
    has_next = False
    if within_datetime(query.datetime, state.as_of):
        page = await blocking(
            services.graph.objects,
            state.name,
            scale=scale,
            bbox=query.bbox,
            after=query.cursor,
            limit=query.limit + 1,
        )
        found, has_next = page.items[: query.limit], len(page.items) > query.limit
    href = str(request.url.replace(query=""))
    body = feature_collection(found, query, href=href, has_next=has_next)
    return JSONResponse(body, media_type=GEOJSON)


@_endpoint
async def item(request: Request) -> JSONResponse:
    state, scale = await _collection(request)
    feature_id = request.path_params["feature_id"]
    found = await blocking(_services(request).graph.objects_by_id, [feature_id])
    if not found or found[0].state_id != state.id or found[0].scale != scale:
        raise NotFound(f"no feature {feature_id!r} in collection {state.name}_{scale}")
    return JSONResponse(feature(found[0]), media_type=GEOJSON)


def ogc_routes() -> list[Route]:
    """The routes to mount at ``/ogc``."""
    return [
        Route("/", landing),
        Route("/conformance", conformance),
        Route("/api", api_definition),
        Route("/collections", collections),
        Route("/collections/{collection_id}", collection),
        Route("/collections/{collection_id}/items", items),
        Route("/collections/{collection_id}/items/{feature_id}", item),
    ]
