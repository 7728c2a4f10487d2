"""Topological rules: how two geometries of one scale meet (metric CRS, metres).

Each rule takes a :class:`~ingest.relations.frame.ScaleFrame` and returns index pairs
``(subjects, objects)``. Rules of symmetric predicates return each unordered pair once (the
engine stores it under the key order). Definitions are quoted from ``ingest.ontology``; where a
rule narrows one, its docstring says how and why.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ingest.ontology import (
    ADJACENT_MAX_OVERLAP,
    COMPOSITE_CLASSES,
    INSIDE_MIN_SHARE,
    WATER_CLASSES,
)
from ingest.relations.frame import ScaleFrame
from ingest.relations.measure import share_inside

Pairs = tuple[np.ndarray, np.ndarray]

INTERIORS_MEET = "T********"
"""DE-9IM pattern: the interiors of the two geometries intersect."""

NO_INTERIOR_MEETING = "F********"
"""DE-9IM pattern: the interiors of the two geometries do not intersect."""


def _containment(frame: ScaleFrame, composite: bool) -> Pairs:
    """Pairs where the subject lies in the object's polygon by the ``inside`` measure:
    at least ``INSIDE_MIN_SHARE`` of it in the object, the subject smaller (area) than the
    object; the object's class composite or not as ``composite`` says."""
    c = frame.candidates
    areas = np.where(frame.dims == 2, frame.sizes, 0.0)
    is_composite = frame.in_classes(COMPOSITE_CLASSES)
    keep = (
        (c.d == 0)
        & (frame.dims[c.j] == 2)
        & (areas[c.i] < areas[c.j])
        & (is_composite[c.j] == composite)
    )
    c = c.select(keep)
    share = share_inside(frame.geoms[c.i], frame.geoms[c.j], frame.dims[c.i])
    ok = share >= INSIDE_MIN_SHARE
    return c.i[ok], c.j[ok]


def inside(frame: ScaleFrame) -> Pairs:
    """``inside``: the subject lies in the object's polygon: at least 90 % of the subject's
    area (its length for a line; the point itself for a point) is within the object, the
    subject is smaller than the object, and the object's class is not composite (there the
    relation is ``part_of``)."""
    return _containment(frame, composite=False)


def part_of_within(frame: ScaleFrame) -> Pairs:
    """``part_of`` within a scale: the subject lies in an object of a composite class
    (``COMPOSITE_CLASSES``) by the ``inside`` rule (a building in an industrial site)."""
    return _containment(frame, composite=True)


def adjacent_to(frame: ScaleFrame) -> Pairs:
    """``adjacent_to`` (symmetric): two polygons that share a border: their shortest distance
    is at most ``simplify_tolerance_m`` and their overlap is below 10 % of the smaller one's
    area."""
    c = frame.candidates
    keep = (
        (c.i < c.j)
        & (frame.dims[c.i] == 2)
        & (frame.dims[c.j] == 2)
        & (c.d <= frame.scale.simplify_tolerance_m)
    )
    c = c.select(keep)
    overlap = np.zeros(len(c.i))
    touching = c.d == 0
    overlap[touching] = shapely.area(
        shapely.intersection(frame.geoms[c.i[touching]], frame.geoms[c.j[touching]])
    )
    smaller = np.minimum(frame.sizes[c.i], frame.sizes[c.j])
    ok = overlap < ADJACENT_MAX_OVERLAP * smaller
    return c.i[ok], c.j[ok]


def crosses(frame: ScaleFrame) -> Pairs:
    """``crosses`` (symmetric): two lines that cross at grade: their interiors intersect in
    isolated points only (DE-9IM ``0********``) and both are on the same layer."""
    c = frame.candidates
    keep = (
        (c.i < c.j)
        & (c.d == 0)
        & (frame.dims[c.i] == 1)
        & (frame.dims[c.j] == 1)
        & (frame.layers[c.i] == frame.layers[c.j])
    )
    c = c.select(keep)
    ok = shapely.relate_pattern(frame.geoms[c.i], frame.geoms[c.j], "0********")
    return c.i[ok], c.j[ok]


def passing_over(frame: ScaleFrame) -> Pairs:
    """``passing_over``: the subject is on a higher layer than the object (a missing layer is
    1 on a bridge, -1 in a tunnel, 0 otherwise) and their interiors intersect; touching at an
    endpoint only does not count.

    Narrowed to the features OSM layers order: the subject's class is drawn as a line (a
    bridge, road, railway, waterway, dam, runway; any geometry, so model polygons of those
    classes count) and the object's class is drawn as a line or is water. Area classes
    (land use, buildings, blocks) have no meaningful layer: a bridge does not "pass over" the
    meadow or the settlement it stands in.
    """
    c = frame.candidates
    kinds = frame.kinds
    water = frame.in_classes(WATER_CLASSES)
    keep = (
        (c.d == 0)
        & (frame.layers[c.i] > frame.layers[c.j])
        & (kinds[c.i] == "line")
        & ((kinds[c.j] == "line") | water[c.j])
    )
    c = c.select(keep)
    ok = shapely.relate_pattern(frame.geoms[c.i], frame.geoms[c.j], INTERIORS_MEET)
    return c.i[ok], c.j[ok]


def passing_through(frame: ScaleFrame) -> Pairs:
    """``passing_through``: a line that traverses a polygon: none of the subject's endpoints
    lies in the object's interior (on its border counts as outside) and the part of the
    subject inside it is at least ``min_length_m`` long (a road through a forest)."""
    c = frame.candidates
    keep = (c.d == 0) & (frame.dims[c.i] == 1) & (frame.dims[c.j] == 2)
    c = c.select(keep)
    ends_out = shapely.relate_pattern(frame.ends[c.i], frame.geoms[c.j], NO_INTERIOR_MEETING)
    c = c.select(ends_out)
    inner = shapely.length(shapely.intersection(frame.geoms[c.i], frame.geoms[c.j]))
    ok = inner >= frame.scale.min_length_m
    return c.i[ok], c.j[ok]


def filled_outline(geom: BaseGeometry, close_within_m: float) -> BaseGeometry | None:
    """The area a geometry encloses, or None when it encloses nothing beyond itself.

    A polygon with holes gives its outline with the holes filled; a line whose ends are at
    most ``close_within_m`` apart gives the polygon of the ring it closes. Polygons without
    holes, open lines and points give None (nothing can lie *around*-wise in them).
    """
    dim = shapely.get_dimensions(geom)
    if dim == 2:
        parts = shapely.get_parts(geom)
        if not any(shapely.get_num_interior_rings(parts)):
            return None
        return shapely.union_all(shapely.polygons(shapely.get_exterior_ring(parts)))
    if dim == 1:
        line = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
        if line.geom_type != "LineString" or len(line.coords) < 3:
            return None
        ends = shapely.get_point(line, 0), shapely.get_point(line, -1)
        if shapely.distance(*ends) > close_within_m:
            return None
        ring = shapely.make_valid(shapely.polygons(list(line.coords) + [line.coords[0]]))
        return ring if shapely.area(ring) > 0 else None
    return None


def around(frame: ScaleFrame) -> Pairs:
    """``around``: the subject encloses the object: at least 90 % of the object lies within
    the subject's outline with its holes filled (for a line, the ring it closes, its ends at
    most ``simplify_tolerance_m`` apart), while less than 10 % of the object overlaps the
    subject itself (a forest around a lake in its clearing)."""
    tol = frame.scale.simplify_tolerance_m
    subjects = [
        (index, filled)
        for index in np.flatnonzero(frame.dims > 0)
        if (filled := filled_outline(frame.geoms[index], tol)) is not None
    ]
    if not subjects:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    owner = np.array([index for index, _ in subjects], dtype=np.intp)
    filled = np.array([shape for _, shape in subjects], dtype=object)
    which, j = frame.tree.query(filled, predicate="intersects")
    i = owner[which]
    keep = i != j
    i, j, shape = i[keep], j[keep], filled[which[keep]]
    enclosed = share_inside(frame.geoms[j], shape, frame.dims[j]) >= INSIDE_MIN_SHARE
    i, j = i[enclosed], j[enclosed]
    overlap = share_inside(frame.geoms[j], frame.geoms[i], frame.dims[j])
    ok = overlap < ADJACENT_MAX_OVERLAP
    return i[ok], j[ok]
