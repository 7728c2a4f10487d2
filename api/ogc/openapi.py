"""The API definition (OpenAPI 3.0) that OGC API - Features Core asks the landing page to link."""

from __future__ import annotations

from typing import Any

from api.ogc.collections import GEOJSON, JSON


def _ok(description: str, media: str = JSON) -> dict[str, Any]:
    return {"200": {"description": description, "content": {media: {}}}}


def _param(
    name: str, where: str, description: str, schema: dict[str, Any], *, explode: bool = True
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
        **({"style": "form", "explode": explode} if where == "query" else {}),
    }


def openapi_doc(base: str, *, default_limit: int, max_limit: int) -> dict[str, Any]:
    """The definition of every ``/ogc`` path, with ``base`` as the server URL.

    ``limit`` declares its default and maximum as Core's own definition does, a component
    parameter that the items path references (where GDAL looks for them to size its pages);
    ``crs`` and ``bbox-crs`` take the URIs a collection lists in its ``crs``."""
    collection = _param(
        "collectionId", "path", "<state>_<scale>_<points|lines|polygons>", {"type": "string"}
    )
    crs = _param("crs", "query", "CRS of the answer (default CRS84).", {"type": "string"})
    limit = _param(
        "limit",
        "query",
        f"Features per page; larger values are served as {max_limit}.",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": max_limit,
            "default": default_limit,
            "format": "int32",
        },
        explode=False,
    )
    items_params = [
        collection,
        {"$ref": "#/components/parameters/limit"},
        _param(
            "bbox",
            "query",
            "Lower corner, upper corner in the bbox-crs (default: west,south,east,north in "
            "CRS84 degrees).",
            {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
            explode=False,
        ),
        _param("bbox-crs", "query", "CRS of the bbox (default CRS84).", {"type": "string"}),
        crs,
        _param("datetime", "query", "RFC 3339 instant or interval.", {"type": "string"}),
        _param(
            "class",
            "query",
            "Object classes of the ontology, comma-separated (e.g. building,bridge).",
            {"type": "array", "items": {"type": "string"}},
            explode=False,
        ),
        _param("cursor", "query", "Page position, from a `next` link.", {"type": "string"}),
        _param("before", "query", "Page position, from a `prev` link.", {"type": "string"}),
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "orthograph OGC API - Features",
            "version": "1.0.0",
            "description": "Committed map states at each map scale, read-only.",
        },
        "servers": [{"url": base}],
        "paths": {
            "/": {"get": {"summary": "Landing page", "responses": _ok("Links")}},
            "/conformance": {"get": {"summary": "Conformance", "responses": _ok("Classes")}},
            "/collections": {"get": {"summary": "Collections", "responses": _ok("Collections")}},
            "/collections/{collectionId}": {
                "get": {
                    "summary": "One collection",
                    "parameters": [collection],
                    "responses": _ok("Collection"),
                }
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "summary": "Features",
                    "parameters": items_params,
                    "responses": _ok("Features", GEOJSON),
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "summary": "One feature",
                    "parameters": [
                        collection,
                        _param("featureId", "path", "Object id", {"type": "string"}),
                        crs,
                    ],
                    "responses": _ok("Feature", GEOJSON),
                }
            },
        },
        "components": {"parameters": {"limit": limit}},
    }
