"""OGC API - Features collections: one per readable map state and scale of the ladder.

A collection id is ``<state name>_<scale>`` (``vaduz-2024_10000``): the scale after the last
underscore, so state names may contain underscores themselves. Extents come from the state's
coverage (spatial, CRS84) and its ``as_of`` date (temporal, one instant).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from urllib.parse import quote

import shapely

from api.errors import InvalidInput, NotFound
from graphdb.models import MapState
from ingest.ontology import SCALE_DENOMINATORS

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GEOJSON = "application/geo+json"
JSON = "application/json"


def collection_id(state: MapState, scale: int) -> str:
    return f"{state.name}_{scale}"


def parse_collection_id(value: str) -> tuple[str, int]:
    """``(state name, scale)`` of a collection id (``NotFound`` when it cannot be one)."""
    name, sep, scale = value.rpartition("_")
    if not sep or not name or not scale.isdigit() or int(scale) not in SCALE_DENOMINATORS:
        raise NotFound(f"no collection {value!r}; GET /ogc/collections lists them")
    return name, int(scale)


def collection_doc(state: MapState, scale: int, base: str) -> dict[str, Any]:
    """The collection description, with links to itself and its items."""
    cid = collection_id(state, scale)
    href = f"{base}/collections/{quote(cid, safe='')}"
    west, south, east, north = (float(v) for v in shapely.bounds(state.coverage))
    instant = datetime.combine(state.as_of, time()).isoformat() + "Z"
    return {
        "id": cid,
        "title": f"{state.name} at 1:{scale:,}",
        "description": f"Objects of map state {state.name!r} (area {state.area!r}, as of "
        f"{state.as_of.isoformat()}, source {state.source or 'unknown'}) at scale 1:{scale:,}.",
        "extent": {
            "spatial": {"bbox": [[west, south, east, north]], "crs": CRS84},
            "temporal": {"interval": [[instant, instant]]},
        },
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            {"href": href, "rel": "self", "type": JSON, "title": "this collection"},
            {"href": f"{href}/items", "rel": "items", "type": GEOJSON, "title": "its features"},
        ],
    }


def collections_doc(states: list[MapState], base: str) -> dict[str, Any]:
    """Every readable state at every scale of the ladder."""
    return {
        "links": [
            {"href": f"{base}/collections", "rel": "self", "type": JSON, "title": "collections"}
        ],
        "collections": [
            collection_doc(state, scale, base) for state in states for scale in SCALE_DENOMINATORS
        ],
    }


def within_datetime(value: str | None, as_of: date) -> bool:
    """Whether a state of ``as_of`` meets the ``datetime`` parameter (instant or interval)."""
    if value is None:
        return True
    start, sep, end = value.partition("/")
    low = _day(start) if start not in ("", "..") else None
    high = _day(end) if sep and end not in ("", "..") else (None if sep else low)
    if sep and start in ("", "..") and end in ("", ".."):
        raise InvalidInput("datetime: an interval needs at least one end")
    return (low is None or low <= as_of) and (high is None or as_of <= high)


def _day(text: str) -> date:
    try:
        if "T" in text or "t" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"datetime: {text!r} is not an RFC 3339 date or date-time") from exc
