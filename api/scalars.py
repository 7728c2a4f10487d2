"""Custom scalars: geometry travels as GeoJSON (WGS84, RFC 7946 axis order lon, lat).

Fields annotate shapely geometry as :data:`GeoJSON`; :data:`SCALARS` (the schema's
``scalar_map``) says how it is written.
"""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from strawberry.types.scalar import ScalarDefinition


def geojson_of(geometry: BaseGeometry) -> dict[str, Any]:
    """A shapely geometry as a GeoJSON geometry object (coordinates as tuples: JSON arrays)."""
    return dict(mapping(geometry))


GeoJSON = NewType("GeoJSON", object)
"""A shapely geometry (WGS84) that the schema writes as GeoJSON."""

SCALARS: dict[object, ScalarDefinition] = {
    GeoJSON: strawberry.scalar(
        name="GeoJSON",
        description="A GeoJSON geometry object in WGS84 (longitude, latitude), RFC 7946.",
        specified_by_url="https://www.rfc-editor.org/rfc/rfc7946",
        serialize=geojson_of,
        parse_value=shape,
    )
}
