"""Stored nodes read back as models: objects, map states and areas.

The read queries return each node's properties as a map (``object``, ``state``, ``area``, with
the names or counts of related nodes beside it); these functions turn one such row into the
dataclass of :mod:`graphdb.models`. Every service that reads a kind of node uses the same
function, so a property added to a node is read back in one place (alerts: ``to_alert`` in
:mod:`graphdb.diff.changes`, beside the ``Alert`` it builds).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from graphdb.models import Area, GraphObject, MapState, Page, StateStatus
from graphdb.observed import decode as decode_observed


def to_objects(projections: Sequence[dict[str, Any]]) -> list[GraphObject]:
    """Stored objects' projections (see ``objects_page.cypher``) as :class:`GraphObject` s;
    without geometry where the read left it out (``with_geometry``). The WKB of all of them is
    decoded in one vectorised call: one call per object cost several times more than the rest
    of building a page of triplets."""
    wkb = np.array([p.get("geometry") for p in projections], dtype=object)
    geometries = shapely.from_wkb(wkb).tolist()
    return [_object(p, g) for p, g in zip(projections, geometries, strict=True)]


def _object(row: dict[str, Any], geometry: BaseGeometry | None) -> GraphObject:
    provenance = row.get("provenance")
    return GraphObject(
        id=row["id"],
        key=row["key"],
        cls=row["class"],
        scale=int(row["scale"]),
        geometry=geometry,
        state_id=row["state_id"],
        name=row.get("name"),
        confidence=float(row["confidence"]),
        source=row.get("source") or "",
        source_crs=row.get("source_crs"),
        area_m2=row.get("area_m2"),
        length_m=row.get("length_m"),
        provenance=json.loads(provenance) if provenance else {},
    )


def object_page(rows: Sequence[dict[str, Any]], limit: int) -> Page[GraphObject]:
    """A keyset page from rows of ``object`` projections read with ``limit``: a full page
    continues after its last id, a shorter one is the last."""
    items = to_objects([r["object"] for r in rows])
    return Page(items, items[-1].id if len(items) == limit else None)


def to_state(row: dict[str, Any]) -> MapState:
    """A ``state`` node with its ``area``'s name as a :class:`MapState`."""
    s = row["state"]
    return MapState(
        id=s["id"],
        name=s["name"],
        area=row["area"],
        as_of=s["as_of"].to_native(),
        coverage=shapely.from_wkb(s["coverage"]),
        source=s.get("source", ""),
        status=StateStatus(s["status"]),
        created_at=_native(s.get("created_at")),
        committed_at=_native(s.get("committed_at")),
        object_count=s.get("object_count"),
        relation_count=s.get("relation_count"),
        version=int(s.get("version") or 1),
        replaced_at=_native(s.get("replaced_at")),
        replaced_by=s.get("replaced_by"),
        observed=decode_observed(s.get("observed")),
    )


def to_area(row: dict[str, Any]) -> Area:
    """An ``area`` node with its number of ``states`` as an :class:`Area`."""
    a = row["area"]
    coverage = a.get("coverage")
    return Area(
        id=a["id"],
        name=a["name"],
        coverage=shapely.from_wkb(coverage) if coverage is not None else None,
        state_count=int(row["states"]),
    )


def _native(value: Any) -> Any:
    return value.to_native() if value is not None else None
