"""Items of a collection as GeoJSON, with the query parameters OGC API - Features Core defines.

Paging follows ``next`` links: each carries a ``cursor`` (the last object's id), the keyset of
the graph's read, so deep pages cost the same as the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from api.errors import InvalidInput
from api.ogc.collections import CRS84, GEOJSON
from api.scalars import geojson_of
from graphdb.models import BBox, GraphObject

ITEM_PARAMS = frozenset({"limit", "bbox", "datetime", "cursor", "f", "bbox-crs", "crs"})
_CURSOR = re.compile(r"o[0-9a-f]{32}")
CRS84_URIS = frozenset({CRS84, "http://www.opengis.net/def/crs/EPSG/0/4326"})


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """The checked query parameters of an items request."""

    limit: int
    bbox: BBox | None
    datetime: str | None
    cursor: str | None


def check_format(params: Mapping[str, str]) -> None:
    """Only JSON is served; ``f=json`` (or none) is accepted."""
    if params.get("f", "json") not in ("json", "geojson"):
        raise InvalidInput("f: only json is served")


def parse_items_query(params: Mapping[str, str], *, default: int, maximum: int) -> ItemQuery:
    """Check ``limit``, ``bbox``, ``datetime`` and ``cursor``; refuse unknown parameters."""
    unknown = sorted(set(params) - ITEM_PARAMS)
    if unknown:
        raise InvalidInput(f"unknown query parameters {unknown}; known: {sorted(ITEM_PARAMS)}")
    for name in ("bbox-crs", "crs"):
        if params.get(name, CRS84) not in CRS84_URIS:
            raise InvalidInput(f"{name}: only CRS84 is served")
    limit = _limit(params.get("limit"), default, maximum)
    cursor = params.get("cursor")
    if cursor is not None and not _CURSOR.fullmatch(cursor):
        raise InvalidInput("cursor: use the one in a `next` link")
    return ItemQuery(limit, _bbox(params.get("bbox")), params.get("datetime"), cursor)


def _limit(value: str | None, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise InvalidInput(f"limit must be a positive integer, got {value!r}")
    return min(int(value), maximum)


def _bbox(value: str | None) -> BBox | None:
    if value is None:
        return None
    try:
        numbers = [float(v) for v in value.split(",")]
    except ValueError as exc:
        raise InvalidInput(f"bbox must be four numbers w,s,e,n, got {value!r}") from exc
    if len(numbers) != 4:
        raise InvalidInput("bbox must be four numbers west,south,east,north (2D only)")
    west, south, east, north = numbers
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidInput("bbox must be CRS84 degrees with west <= east and south <= north")
    return west, south, east, north


def feature(obj: GraphObject) -> dict[str, Any]:
    """One object as a GeoJSON Feature (WGS84)."""
    return {
        "type": "Feature",
        "id": obj.id,
        "geometry": geojson_of(obj.geometry),
        "properties": {
            "class": obj.cls,
            "scale": obj.scale,
            "name": obj.name,
            "key": obj.key,
            "confidence": obj.confidence,
            "source": obj.source,
            "area_m2": obj.area_m2,
            "length_m": obj.length_m,
        },
    }


def feature_collection(
    objects: list[GraphObject], query: ItemQuery, *, href: str, has_next: bool
) -> dict[str, Any]:
    """A page of items with its ``self`` and (when there is more) ``next`` links."""
    params: dict[str, str] = {"limit": str(query.limit)}
    if query.bbox is not None:
        params["bbox"] = ",".join(repr(v) for v in query.bbox)
    if query.datetime is not None:
        params["datetime"] = query.datetime
    self_params = params | ({"cursor": query.cursor} if query.cursor else {})
    links = [{"href": f"{href}?{urlencode(self_params)}", "rel": "self", "type": GEOJSON}]
    if has_next and objects:
        next_params = params | {"cursor": objects[-1].id}
        links.append({"href": f"{href}?{urlencode(next_params)}", "rel": "next", "type": GEOJSON})
    return {
        "type": "FeatureCollection",
        "features": [feature(o) for o in objects],
        "numberReturned": len(objects),
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    }
