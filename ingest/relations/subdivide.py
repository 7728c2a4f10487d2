"""Cut large geometries into small pieces so a spatial index stays sharp.

A forest or a river area with thousands of vertices and a bounding box over half the map makes
an R-tree useless (everything is a candidate) and every distance to it slow. Cut into pieces of
at most ``max_vertices`` vertices (recursive halving of the bounding box along its longer side,
as PostGIS ``ST_Subdivide`` does), it is found only where it is, and each distance is cheap.
The pieces together are exactly the geometry, so the shortest distance to the geometry is the
shortest distance to its nearest piece.
"""

from __future__ import annotations

import numpy as np
import shapely

MAX_VERTICES = 64
"""Largest vertex count of a piece."""

MIN_EXTENT_M = 1.0
"""Pieces whose bounding box is smaller than this (metres) are not cut further."""


def _halves(bounds: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    xmin, ymin, xmax, ymax = bounds.tolist()
    if xmax - xmin >= ymax - ymin:
        mid = (xmin + xmax) / 2.0
        return (xmin, ymin, mid, ymax), (mid, ymin, xmax, ymax)
    mid = (ymin + ymax) / 2.0
    return (xmin, ymin, xmax, mid), (xmin, mid, xmax, ymax)


def subdivide(geoms: np.ndarray, max_vertices: int = MAX_VERTICES) -> tuple[np.ndarray, np.ndarray]:
    """``(pieces, owner)``: the pieces of every geometry and the index of the geometry each
    piece came from. Small geometries are their own single piece."""
    counts = shapely.get_num_coordinates(geoms)
    small = np.flatnonzero(counts <= max_vertices)
    pieces: list[object] = list(geoms[small])
    owner: list[int] = small.tolist()
    for index in np.flatnonzero(counts > max_vertices).tolist():
        stack = [geoms[index]]
        while stack:
            geom = stack.pop()
            bounds = shapely.bounds(geom)
            extent = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
            if shapely.get_num_coordinates(geom) <= max_vertices or extent < MIN_EXTENT_M:
                pieces.append(geom)
                owner.append(index)
                continue
            for rect in _halves(bounds):
                part = shapely.clip_by_rect(geom, *rect)
                if not part.is_empty:
                    stack.append(part)
    return np.array(pieces, dtype=object), np.array(owner, dtype=np.intp)
