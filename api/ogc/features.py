"""Items of a collection as GeoJSON, with the query parameters of OGC API - Features Core and
Part 2 (CRS), plus ``class``.

``limit`` defaults to :data:`DEFAULT_LIMIT` and is capped at the configured maximum (a larger
value is served as the maximum, as Core recommends; anything that is not an int32 is refused).
Paging follows ``next`` and ``prev`` links: ``cursor`` continues after an object id, ``before``
ends before one, both keysets of the graph's read, so deep pages cost the same as the first.
Every page says how many features match the whole query (``numberMatched``).

A page is written as GeoJSON text directly: its geometries are moved to the asked CRS and
encoded by GEOS in one vectorised call each (``shapely.to_geojson``), so coordinates never
become Python tuples; on polygon pages that is about five times cheaper than building dicts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

import numpy as np
import shapely

from api.errors import InvalidInput
from api.ogc.catalog import Collection
from api.ogc.collections import GEOJSON
from api.ogc.crs import chosen_crs, from_crs84, to_crs84_bbox
from graphdb.models import BBox, GraphObject
from graphdb.repository import GraphRepository
from ingest.errors import UnknownClass
from ingest.ontology import get_class

DEFAULT_LIMIT = 100
"""Features per page when ``limit`` is not given (Core's own default, 10, makes GDAL and QGIS
send hundreds of requests)."""

INT32_MAX = 2**31 - 1
ECHOED = ("limit", "bbox", "bbox-crs", "crs", "datetime", "class")
"""The parameters a page's links repeat; the links add ``cursor`` or ``before``."""
ITEM_PARAMS = frozenset({*ECHOED, "cursor", "before", "f"})
_CURSOR = re.compile(r"o[0-9a-f]{32}")
_DIGITS = re.compile(r"[0-9]{1,10}")


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """The checked parameters of an items request; ``bbox`` in CRS84, ``crs`` an EPSG code
    (None: CRS84); ``echoed`` the filters as given, for the links."""

    limit: int
    bbox: BBox | None
    classes: tuple[str, ...]
    datetime: str | None
    cursor: str | None
    before: str | None
    crs: int | None
    echoed: dict[str, str]


@dataclass(frozen=True, slots=True)
class ItemsPage:
    """One page of features, how many match in all, and the keys of its neighbour pages."""

    objects: list[GraphObject]
    matched: int
    next_cursor: str | None
    prev_before: str | None


def check_format(params: Mapping[str, str]) -> None:
    """Only JSON is served; ``f=json`` (or none) is accepted."""
    if params.get("f", "json") not in ("json", "geojson"):
        raise InvalidInput("f: only json is served")


def parse_items_query(
    params: Mapping[str, str], *, served: Sequence[str], default: int, maximum: int
) -> ItemQuery:
    """Check every parameter of an items request; refuse unknown ones (Core asks a 400)."""
    _known(params, ITEM_PARAMS)
    cursor, before = _key(params, "cursor"), _key(params, "before")
    if cursor is not None and before is not None:
        raise InvalidInput("cursor and before: give one of them (from a `next` or `prev` link)")
    limit = _limit(params.get("limit"), default, maximum)
    bbox_value = params.get("bbox")
    bbox_crs = chosen_crs(params, "bbox-crs", served)
    bbox = None if bbox_value is None else to_crs84_bbox(_numbers(bbox_value), bbox_crs)
    echoed = {name: params[name] for name in ECHOED if name in params} | {"limit": str(limit)}
    return ItemQuery(
        limit=limit,
        bbox=bbox,
        classes=_classes(params.get("class")),
        datetime=params.get("datetime"),
        cursor=cursor,
        before=before,
        crs=chosen_crs(params, "crs", served),
        echoed=echoed,
    )


def parse_item_crs(params: Mapping[str, str], served: Sequence[str]) -> int | None:
    """The ``crs`` of a single-feature request (its only parameter besides ``f``)."""
    _known(params, frozenset({"crs", "f"}))
    return chosen_crs(params, "crs", served)


def read_items(graph: GraphRepository, collection: Collection, query: ItemQuery) -> ItemsPage:
    """The page ``query`` asks for, read one object past it to know whether more follow."""
    state, cid = collection.state.id, collection.id
    classes = list(query.classes) or None
    found = graph.objects(
        state, classes=classes, scale=cid.scale, bbox=query.bbox, geometry=cid.geometry,
        after=query.cursor, before=query.before, limit=query.limit + 1,
    ).items  # fmt: skip
    if query.before is None:
        objects = found[: query.limit]
        more_after, more_before = len(found) > query.limit, query.cursor is not None
    else:
        objects = found[-query.limit :]
        more_after, more_before = True, len(found) > query.limit
    if query.bbox is None and classes is None:
        matched = collection.objects
    else:
        matched = graph.count_objects(
            state, classes=classes, scale=cid.scale, bbox=query.bbox, geometry=cid.geometry
        )
    return ItemsPage(
        objects,
        matched,
        objects[-1].id if objects and more_after else None,
        objects[0].id if objects and more_before else None,
    )


def feature(obj: GraphObject, crs: int | None) -> str:
    """One object as GeoJSON Feature text, its coordinates in ``crs`` (None: CRS84)."""
    return _features([obj], crs)[0]


def feature_collection(page: ItemsPage, query: ItemQuery, *, href: str) -> str:
    """A page of items as GeoJSON text, with ``self``, ``next`` and ``prev`` links (each where
    it leads somewhere) and the counts."""
    position = {k: v for k, v in (("cursor", query.cursor), ("before", query.before)) if v}
    links = [_link(href, query.echoed | position, "self")]
    if page.next_cursor is not None:
        links.append(_link(href, query.echoed | {"cursor": page.next_cursor}, "next"))
    if page.prev_before is not None:
        links.append(_link(href, query.echoed | {"before": page.prev_before}, "prev"))
    rest = _json({
        "numberMatched": page.matched,
        "numberReturned": len(page.objects),
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    })  # fmt: skip
    features = ",".join(_features(page.objects, query.crs))
    return f'{{"type":"FeatureCollection","features":[{features}],{rest[1:]}'


def _features(objects: Sequence[GraphObject], crs: int | None) -> list[str]:
    """GeoJSON Feature texts of ``objects``, every geometry moved and encoded in one call."""
    shapes = np.array([o.geometry for o in objects], dtype=object)
    geometries = shapely.to_geojson(from_crs84(shapes, crs)).tolist()
    return [
        f'{{"type":"Feature","id":{_json(o.id)},"geometry":{g},"properties":{_properties(o)}}}'
        for o, g in zip(objects, geometries, strict=True)
    ]


def _properties(obj: GraphObject) -> str:
    return _json({
        "class": obj.cls,
        "scale": obj.scale,
        "name": obj.name,
        "key": obj.key,
        "confidence": obj.confidence,
        "source": obj.source,
        "area_m2": obj.area_m2,
        "length_m": obj.length_m,
    })  # fmt: skip


def _json(value: object) -> str:
    """Compact JSON, as Starlette's ``JSONResponse`` writes it."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _link(href: str, params: dict[str, str], rel: str) -> dict[str, str]:
    return {"href": f"{href}?{urlencode(params)}", "rel": rel, "type": GEOJSON}


def _known(params: Mapping[str, str], known: frozenset[str]) -> None:
    unknown = sorted(set(params) - known)
    if unknown:
        raise InvalidInput(f"unknown query parameters {unknown}; known: {sorted(known)}")


def _key(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name)
    if value is not None and not _CURSOR.fullmatch(value):
        raise InvalidInput(f"{name}: use the one in a `next` or `prev` link, got {_shown(value)}")
    return value


def _limit(value: str | None, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not _DIGITS.fullmatch(value) or not 1 <= int(value) <= INT32_MAX:
        raise InvalidInput(
            f"limit: must be an integer from 1 to {maximum} (larger ones up to {INT32_MAX} are "
            f"served as {maximum}), got {_shown(value)}"
        )
    return min(int(value), maximum)


def _numbers(value: str) -> list[float]:
    try:
        numbers = [float(v) for v in value.split(",")]
    except ValueError as exc:
        raise InvalidInput(f"bbox: must be four numbers, got {_shown(value)}") from exc
    if len(numbers) != 4:
        raise InvalidInput(f"bbox: must be four numbers (2D only), got {len(numbers)}")
    return numbers


def _classes(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    names = tuple(value.split(","))
    try:
        for name in names:
            get_class(name)
    except UnknownClass as exc:
        raise InvalidInput(f"class: {exc}") from exc
    return names


def _shown(value: str) -> str:
    """``value`` quoted for a message, shortened: a client may send megabytes."""
    return repr(value if len(value) <= 40 else value[:40] + "...")
