"""OGC API - Features (Core, GeoJSON, OpenAPI 3.0, Part 2 CRS), read-only, under ``/ogc``.

QGIS ("WFS / OGC API - Features" connection) and GDAL (``OAPIF:http://host/ogc``) connect to
the landing page. Every link starts with the configured ``public_url``, never with the request's
``Host`` header (which anyone can set). Errors come back as ``{"code", "description"}`` with the
matching HTTP status, using the same error table as GraphQL (every bad parameter is a 400
``BAD_USER_INPUT`` naming it); with ``require_api_key`` every request needs the key.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.errors import NotFound
from api.http.endpoint import http_endpoint
from api.ogc.catalog import Catalog, Collection
from api.ogc.collections import (
    GEOJSON,
    JSON,
    collection_doc,
    collections_doc,
    items_href,
    within_datetime,
)
from api.ogc.crs import CRS84, epsg_uri, served_crs
from api.ogc.features import (
    DEFAULT_LIMIT,
    ItemsPage,
    check_format,
    feature,
    feature_collection,
    parse_item_crs,
    parse_items_query,
    read_items,
)
from api.ogc.ids import parse_collection_id
from api.ogc.openapi import openapi_doc
from api.services import Services, blocking
from api.settings import ApiSettings
from graphdb.models import GraphObject
from graphdb.params import MAX_LIMIT
from graphdb.reader import geometry_kind

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"

_endpoint = http_endpoint(lambda request: check_format(request.query_params))
"""Key check and JSON error answers for every route of this module."""


def _services(request: Request) -> Services:
    return request.app.state.services


def _base(settings: ApiSettings) -> str:
    return settings.public_url.rstrip("/") + "/ogc"


def _limits(settings: ApiSettings) -> tuple[int, int]:
    """The default and largest ``limit``; one more object than a page is read, so the largest
    stays under the graph's page maximum whatever the setting says."""
    maximum = min(settings.ogc_max_limit, MAX_LIMIT - 1)
    return min(DEFAULT_LIMIT, maximum), maximum


def _geojson(body: str, crs: int | None) -> Response:
    """GeoJSON text (see ``api.ogc.features``) with the ``Content-Crs`` header Part 2 asks for."""
    uri = CRS84 if crs is None else epsg_uri(crs)
    return Response(body, media_type=GEOJSON, headers={"Content-Crs": f"<{uri}>"})


class OgcEndpoints:
    """The handlers, sharing one :class:`Catalog` (the cached layers of each state)."""

    def __init__(self) -> None:
        self._catalog = Catalog()

    async def landing(self, request: Request) -> JSONResponse:
        base = _base(_services(request).settings)
        return JSONResponse(
            {
                "title": "orthograph",
                "description": "Multi-scale scene graphs of aerial imagery: the objects of each "
                "committed map state at each map scale, one collection per geometry kind.",
                "links": [
                    {"href": f"{base}/", "rel": "self", "type": JSON, "title": "this document"},
                    {"href": f"{base}/api", "rel": "service-desc", "type": OPENAPI},
                    {"href": f"{base}/conformance", "rel": "conformance", "type": JSON},
                    {"href": f"{base}/collections", "rel": "data", "type": JSON},
                ],
            }
        )

    async def conformance(self, request: Request) -> JSONResponse:
        return JSONResponse({"conformsTo": CONFORMANCE})

    async def api_definition(self, request: Request) -> JSONResponse:
        settings = _services(request).settings
        default, maximum = _limits(settings)
        doc = openapi_doc(_base(settings), default_limit=default, max_limit=maximum)
        return JSONResponse(doc, media_type=OPENAPI)

    async def collections(self, request: Request) -> JSONResponse:
        services = _services(request)
        found = await blocking(self._catalog.collections, services.graph)
        return JSONResponse(collections_doc(found, _base(services.settings)))

    async def collection(self, request: Request) -> JSONResponse:
        found = await self._collection(request)
        return JSONResponse(collection_doc(found, _base(_services(request).settings)))

    async def items(self, request: Request) -> Response:
        services = _services(request)
        found = await self._collection(request)
        default, maximum = _limits(services.settings)
        query = parse_items_query(
            request.query_params,
            served=served_crs(found.source_crs),
            default=default,
            maximum=maximum,
        )
        page = ItemsPage([], 0, None, None)
        if within_datetime(query.datetime, found.state.as_of):
            page = await blocking(read_items, services.graph, found, query)
        href = items_href(found, _base(services.settings))
        return _geojson(feature_collection(page, query, href=href), query.crs)

    async def item(self, request: Request) -> Response:
        services = _services(request)
        found = await self._collection(request)
        crs = parse_item_crs(request.query_params, served_crs(found.source_crs))
        feature_id = request.path_params["feature_id"]
        objects = await blocking(services.graph.objects_by_id, [feature_id])
        if not objects or not _belongs(objects[0], found):
            raise NotFound(f"no feature {feature_id!r} in collection {str(found.id)!r}")
        return _geojson(feature(objects[0], crs), crs)

    async def _collection(self, request: Request) -> Collection:
        cid = parse_collection_id(request.path_params["collection_id"])
        return await blocking(self._catalog.collection, _services(request).graph, cid)


def _belongs(obj: GraphObject, collection: Collection) -> bool:
    """Whether an object is one of the collection's: same state version, scale and kind."""
    kind = geometry_kind(obj.area_m2 is not None, obj.length_m is not None)
    return (
        obj.state_id == collection.state.id
        and obj.scale == collection.id.scale
        and collection.id.geometry in (None, kind)
    )


def ogc_routes() -> list[Route]:
    """The routes to mount at ``/ogc``."""
    ogc = OgcEndpoints()
    return [
        Route("/", _endpoint(ogc.landing)),
        Route("/conformance", _endpoint(ogc.conformance)),
        Route("/api", _endpoint(ogc.api_definition)),
        Route("/collections", _endpoint(ogc.collections)),
        Route("/collections/{collection_id}", _endpoint(ogc.collection)),
        Route("/collections/{collection_id}/items", _endpoint(ogc.items)),
        Route("/collections/{collection_id}/items/{feature_id}", _endpoint(ogc.item)),
    ]
