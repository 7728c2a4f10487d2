"""The API definition (OpenAPI 3.0) that OGC API - Features Core asks the landing page to link."""

from __future__ import annotations

from typing import Any

from api.ogc.collections import GEOJSON, JSON


def _ok(description: str, media: str = JSON) -> dict[str, Any]:
    return {"200": {"description": description, "content": {media: {}}}}


def _param(name: str, where: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


def openapi_doc(base: str) -> dict[str, Any]:
    """The definition of every ``/ogc`` path, with ``base`` as the server URL."""
    collection = _param("collectionId", "path", "<state>_<scale>", {"type": "string"})
    items_params = [
        collection,
        _param("limit", "query", "Features per page.", {"type": "integer", "minimum": 1}),
        _param(
            "bbox",
            "query",
            "west,south,east,north in CRS84 degrees.",
            {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
        ),
        _param("datetime", "query", "RFC 3339 instant or interval.", {"type": "string"}),
        _param("cursor", "query", "Page position, from a `next` link.", {"type": "string"}),
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
                    ],
                    "responses": _ok("Feature", GEOJSON),
                }
            },
        },
    }
