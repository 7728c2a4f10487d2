"""OGC API - Features collection documents: one per state, scale and geometry kind that holds
objects (the id grammar is in ``api.ogc.ids``).

Extents come from the state's coverage (spatial, CRS84) and its ``as_of`` date (temporal, one
instant). Each collection lists the CRSs it serves (``api.ogc.crs``) and its storage CRS.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from urllib.parse import quote

import shapely

from api.errors import InvalidInput
from api.ogc.catalog import Collection
from api.ogc.crs import CRS84, served_crs

GEOJSON = "application/geo+json"
JSON = "application/json"


def items_href(collection: Collection, base: str) -> str:
    return f"{base}/collections/{quote(str(collection.id), safe='')}/items"


def collection_doc(collection: Collection, base: str) -> dict[str, Any]:
    """The collection description, with links to itself and its items."""
    state, cid = collection.state, collection.id
    items = items_href(collection, base)
    kind = f"{cid.geometry} objects" if cid.geometry else "objects of every geometry kind"
    west, south, east, north = (float(v) for v in shapely.bounds(state.coverage))
    instant = datetime.combine(state.as_of, time()).isoformat() + "Z"
    return {
        "id": str(cid),
        "title": f"{state.name} at 1:{cid.scale:,}: {kind}",
        "description": f"The {collection.objects:,} {kind} of map state {state.name!r} (area "
        f"{state.area!r}, as of {state.as_of.isoformat()}, source {state.source or 'unknown'}) "
        f"at scale 1:{cid.scale:,}.",
        "extent": {
            "spatial": {"bbox": [[west, south, east, north]], "crs": CRS84},
            "temporal": {"interval": [[instant, instant]]},
        },
        "itemType": "feature",
        "crs": served_crs(collection.source_crs),
        "storageCrs": CRS84,
        "links": [
            {"href": items.removesuffix("/items"), "rel": "self", "type": JSON},
            {"href": items, "rel": "items", "type": GEOJSON, "title": "its features"},
        ],
    }


def collections_doc(collections: list[Collection], base: str) -> dict[str, Any]:
    """Every collection that holds objects; empty ones are not listed."""
    return {
        "links": [
            {"href": f"{base}/collections", "rel": "self", "type": JSON, "title": "collections"}
        ],
        "collections": [collection_doc(c, base) for c in collections],
    }


def within_datetime(value: str | None, as_of: date) -> bool:
    """Whether a state of ``as_of`` meets the ``datetime`` parameter (instant or interval)."""
    if value is None:
        return True
    start, sep, end = value.partition("/")
    if not sep:
        return _day(start) == as_of
    if start in ("", "..") and end in ("", ".."):
        raise InvalidInput("datetime: an interval needs at least one end")
    low = _day(start) if start not in ("", "..") else None
    high = _day(end) if end not in ("", "..") else None
    return (low is None or low <= as_of) and (high is None or as_of <= high)


def _day(text: str) -> date:
    try:
        if "T" in text or "t" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"datetime: {text!r} is not an RFC 3339 date or date-time") from exc
