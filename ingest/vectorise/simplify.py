"""Generalise a merged polygon for its map scale: simplify, drop small holes and slivers.

Done in level pixel coordinates on the merged object only, never per tile, so the result does
not depend on how the level was tiled:

1. canonical form: collinear vertices removed and rings started at their lowest vertex
   (``shapely.normalize``), so the same pixel set always simplifies the same way;
2. holes smaller than the scale's minimum area are filled (they are not mappable at it);
3. outlines are simplified by the scale's tolerance (topology-preserving Douglas-Peucker, which
   keeps a subset of the grid vertices, so coordinates stay integers);
4. parts smaller than the scale's minimum area (slivers, specks) are dropped.
"""

from __future__ import annotations

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    return [part for part in getattr(geometry, "geoms", [geometry]) if isinstance(part, Polygon)]


def generalise(
    geometry: BaseGeometry, tolerance_px: float, min_area_px: float
) -> Polygon | MultiPolygon | None:
    """The generalised form of a merged polygon, or None when nothing of it is large enough.

    ``geometry`` is a (Multi)Polygon in level pixel coordinates; ``tolerance_px`` and
    ``min_area_px`` are the scale's simplify tolerance and minimum area in level pixels and
    square pixels.
    """
    canonical = shapely.normalize(shapely.simplify(geometry, 0.0))
    filled = [
        Polygon(
            part.exterior, [hole for hole in part.interiors if Polygon(hole).area >= min_area_px]
        )
        for part in _polygons(canonical)
    ]
    simplified = shapely.simplify(MultiPolygon(filled), tolerance_px, preserve_topology=True)
    kept = [part for part in _polygons(simplified) if part.area >= min_area_px]
    if not kept:
        return None
    result = kept[0] if len(kept) == 1 else MultiPolygon(kept)
    normalized: Polygon | MultiPolygon = shapely.normalize(result)
    return normalized
