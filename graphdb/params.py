"""Checked query parameters shared by the reads: classes, scale, bbox, page size, predicate.

Each function turns one caller-supplied filter into the ``$parameters`` the read queries expect,
raising :class:`~graphdb.errors.InvalidQuery` (with what to do) for a value no query could
answer, before anything is sent to Neo4j. :mod:`graphdb.reader`, :mod:`graphdb.lookups` and
:mod:`graphdb.alerts` use them, so a filter means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphdb.errors import InvalidQuery
from graphdb.models import BBox
from ingest.ontology import CLASS_IDS, get_class, get_predicate, get_scale, relationship_type

MAX_LIMIT = 10_000
"""Largest page a read returns."""

MAX_HIERARCHY_DEPTH = 8
"""Deepest ``part_of`` walk; the bound is fixed in ``ancestors``/``descendants.cypher``."""

WORLD: BBox = (-180.0, -90.0, 180.0, 90.0)
"""The bbox of a read without one (west, south, east, north, WGS84 degrees)."""


def class_filter(classes: Sequence[str] | None) -> list[str]:
    """The ontology class ids to read: ``classes`` once checked, every class when none."""
    if not classes:
        return list(CLASS_IDS)
    for cls in classes:
        try:
            get_class(cls)
        except ValueError as exc:
            raise InvalidQuery(str(exc)) from exc
    return list(classes)


def scale_params(scale: int | None) -> dict[str, int]:
    """``scale_min``/``scale_max`` selecting one ladder scale (denominator), or any."""
    if scale is None:
        return {"scale_min": 0, "scale_max": 2**31}
    try:
        get_scale(scale)
    except ValueError as exc:
        raise InvalidQuery(str(exc)) from exc
    return {"scale_min": scale, "scale_max": scale}


def bbox_params(bbox: BBox | None) -> dict[str, float]:
    """``west``/``south``/``east``/``north`` of a WGS84 bbox (the whole world when None)."""
    west, south, east, north = WORLD if bbox is None else (float(v) for v in bbox)
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidQuery(
            f"bbox {bbox} must be (west, south, east, north) in WGS84 degrees with west <= east "
            "and south <= north (split a bbox across the antimeridian in two)"
        )
    return {"west": west, "south": south, "east": east, "north": north}


def page_limit(limit: int) -> int:
    """``limit`` once checked to be a page size in 1..:data:`MAX_LIMIT`."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery(f"limit must be 1..{MAX_LIMIT}, got {limit}")
    return limit


def hierarchy_depth(depth: int) -> int:
    """``depth`` once checked to be a ``part_of`` walk in 1..:data:`MAX_HIERARCHY_DEPTH`."""
    if not 1 <= depth <= MAX_HIERARCHY_DEPTH:
        raise InvalidQuery(f"hierarchy depth must be 1..{MAX_HIERARCHY_DEPTH}, got {depth}")
    return depth


def object_filter(
    *,
    classes: Sequence[str] | None,
    scale: int | None,
    bbox: BBox | None,
    after: str | None,
    limit: int,
) -> dict[str, Any]:
    """The parameters of a keyset page of objects by class, scale and bbox, after id ``after``
    (see ``objects_page.cypher``)."""
    return {
        "classes": class_filter(classes),
        **scale_params(scale),
        **bbox_params(bbox),
        "after": after or "",
        "limit": page_limit(limit),
    }


def stored_reading(predicate: str) -> tuple[str, str]:
    """The stored relationship type of ``predicate`` (inverse names too) and which end of it
    the asked subject is: ``"start"``, ``"end"`` (an inverse name) or ``"either"`` (symmetric)."""
    try:
        found = get_predicate(predicate)
    except ValueError as exc:
        raise InvalidQuery(str(exc)) from exc
    if found.symmetric:
        return relationship_type(found.id), "either"
    if found.stored:
        return relationship_type(found.id), "start"
    assert found.inverse is not None
    return relationship_type(found.inverse), "end"
