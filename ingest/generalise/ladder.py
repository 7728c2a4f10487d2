"""Build every scale of the ladder from the finest objects (the rules are in ``rules.py``).

Inside this module geometries are in one metric CRS (a local UTM zone, metres); the public
:func:`generalise` takes and returns WGS84 ``MapObject``s. An object at its finest scale is
returned with its source geometry untouched.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ingest.generalise.aggregate import close_areas
from ingest.generalise.merge import merge_groups, merged_line
from ingest.generalise.naming import is_name_hint, name_settlements
from ingest.generalise.rules import AGGREGATIONS, MERGED_CLASSES, Aggregation, gap_m
from ingest.geo import WGS84, metric_epsg, reproject
from ingest.ontology import PART_OF_MIN_SHARE, SCALE_DENOMINATORS, get_class, get_scale
from ingest.records import MapObject
from ingest.relations.measure import share_inside
from ingest.vector.repair import repair

_SCALE_SUFFIX = re.compile(r"@\d+(?=(:[0-9a-f]+)?$)")


@dataclass(slots=True)
class Generalised:
    """Objects per scale (WGS84) and what generalisation left out.

    ``dropped`` counts objects below a scale's minimum size by ``(scale, class)``;
    ``unplaced_names`` counts place nodes that fell in no settlement area; ``off_ladder``
    counts source objects whose class is drawn at none of the requested scales.
    """

    by_scale: dict[int, list[MapObject]]
    dropped: Counter[tuple[int, str]] = field(default_factory=Counter)
    unplaced_names: int = 0
    off_ladder: int = 0


def copy_key(key: str, denominator: int) -> str:
    """The key of ``key``'s copy at another scale: its scale suffix replaced or added."""
    if _SCALE_SUFFIX.search(key):
        return _SCALE_SUFFIX.sub(f"@{denominator}", key)
    return f"{key}@{denominator}"


def group_key(cls: str, denominator: int, members: Sequence[MapObject]) -> str:
    """The key of an object made of ``members``: class, scale and a hash of their keys."""
    digest = hashlib.sha1("\n".join(sorted(m.key for m in members)).encode()).hexdigest()
    return f"{cls}@{denominator}:{digest[:16]}"


def _common_provenance(members: Sequence[MapObject]) -> dict[str, str]:
    shared = dict(members[0].provenance)
    for member in members[1:]:
        shared = {k: v for k, v in shared.items() if member.provenance.get(k) == v}
    return shared | {"members": str(len(members))}


def _group(
    cls: str,
    denominator: int,
    members: Sequence[MapObject],
    geometry: BaseGeometry,
    name: str | None,
) -> MapObject:
    return MapObject(
        key=group_key(cls, denominator, members),
        cls=cls,
        scale=denominator,
        geometry=geometry,
        source_crs=members[0].source_crs,
        name=name,
        confidence=float(np.mean([m.confidence for m in members])),
        source=members[0].source,
        provenance=_common_provenance(members),
    )


def _carried_class(obj: MapObject, denominator: int) -> str | None:
    if denominator in get_class(obj.cls).scales:
        return obj.cls
    carries = obj.provenance.get("carries") if obj.cls == "bridge" else None
    if carries and denominator in get_class(carries).scales:
        return carries
    return None


def carry(below: Sequence[MapObject], denominator: int) -> list[MapObject]:
    """Copies (simplified) and merged lines at ``denominator`` of the objects ``below``."""
    tolerance = get_scale(denominator).simplify_tolerance_m
    pieces = [(obj, cls) for obj in below if (cls := _carried_class(obj, denominator))]
    lines = [
        (obj, cls)
        for obj, cls in pieces
        if cls in MERGED_CLASSES and shapely.get_dimensions(obj.geometry) == 1
    ]
    line_keys = {obj.key for obj, _ in lines}
    out: list[MapObject] = []
    for obj, cls in pieces:
        if obj.key not in line_keys:
            out.append(
                replace(
                    obj,
                    key=copy_key(obj.key, denominator),
                    cls=cls,
                    scale=denominator,
                    geometry=shapely.simplify(obj.geometry, tolerance),
                )
            )
    if not lines:
        return out
    geoms = np.array([obj.geometry for obj, _ in lines], dtype=object)
    groups = merge_groups(
        geoms, [cls for _, cls in lines], [obj.name for obj, _ in lines], tolerance
    )
    for group in groups:
        members = [lines[k][0] for k in group]
        cls = lines[group[0]][1]
        if len(members) == 1:
            only = members[0]
            geometry = shapely.simplify(only.geometry, tolerance)
            out.append(
                replace(
                    only,
                    key=copy_key(only.key, denominator),
                    cls=cls,
                    scale=denominator,
                    geometry=geometry,
                )
            )
            continue
        geometry = shapely.simplify(merged_line(geoms[group]), tolerance)
        out.append(_group(cls, denominator, members, geometry, members[0].name))
    return out


def _unclaimed(members: list[MapObject], claimers: list[MapObject]) -> list[MapObject]:
    """``members`` not held (at least ``PART_OF_MIN_SHARE``) by any of ``claimers``."""
    if not members or not claimers:
        return members
    geoms = np.array([m.geometry for m in members], dtype=object)
    areas = np.array([c.geometry for c in claimers], dtype=object)
    i, j = shapely.STRtree(areas).query(geoms, predicate="intersects")
    share = share_inside(geoms[i], areas[j], shapely.get_dimensions(geoms[i]))
    held = set(i[share >= PART_OF_MIN_SHARE].tolist())
    return [m for k, m in enumerate(members) if k not in held]


def aggregate(
    rule: Aggregation, below: Sequence[MapObject], present: Sequence[MapObject], denominator: int
) -> list[MapObject]:
    """The ``rule.target`` areas at ``denominator`` fused from ``rule.sources`` objects below."""
    members = [
        obj
        for obj in below
        if obj.cls in rule.sources and shapely.get_dimensions(obj.geometry) == 2
    ]
    claimers = [
        obj
        for obj in present
        if obj.cls in rule.claimed_by and shapely.get_dimensions(obj.geometry) == 2
    ]
    members = _unclaimed(members, claimers)
    geoms = np.array([m.geometry for m in members], dtype=object)
    tolerance = get_scale(denominator).simplify_tolerance_m
    return [
        _group(
            rule.target,
            denominator,
            [members[k] for k in group],
            shapely.simplify(area, tolerance),
            None,
        )
        for area, group in close_areas(geoms, gap_m(denominator))
    ]


def legible(objects: Sequence[MapObject], denominator: int) -> tuple[list[MapObject], Counter[str]]:
    """The objects at least the scale's minimum size (area for polygons, length for lines;
    points always pass), and the count dropped per class."""
    scale = get_scale(denominator)
    kept: list[MapObject] = []
    dropped: Counter[str] = Counter()
    for obj in objects:
        dim = shapely.get_dimensions(obj.geometry)
        too_small = (dim == 2 and obj.geometry.area < scale.min_area_m2) or (
            dim == 1 and obj.geometry.length < scale.min_length_m
        )
        if too_small or obj.geometry.is_empty:
            dropped[obj.cls] += 1
        else:
            kept.append(obj)
    return kept, dropped


def _to_metric(objects: Sequence[MapObject], epsg: int) -> list[MapObject]:
    geoms = reproject(np.array([o.geometry for o in objects], dtype=object), WGS84, epsg)
    return [replace(o, geometry=g) for o, g in zip(objects, geoms, strict=True)]


def generalise(
    base: Sequence[MapObject],
    *,
    scales: Sequence[int] = SCALE_DENOMINATORS,
    epsg: int | None = None,
) -> Generalised:
    """Every scale of ``scales`` built from the ``base`` objects (WGS84), fine to coarse.

    A base object enters at the finest requested scale its class is drawn at. ``epsg`` is the
    metric CRS to work in (default: the UTM zone of the objects' centre). Raises
    ``UnknownScale`` for a denominator off the ontology's ladder.
    """
    ladder = sorted({get_scale(d).denominator for d in scales})
    crs = epsg or metric_epsg([o.geometry for o in base])
    result = Generalised(by_scale={})
    entering: dict[int, list[MapObject]] = defaultdict(list)
    for obj in _to_metric(base, crs) if base else []:
        drawn = [d for d in ladder if d in get_class(obj.cls).scales]
        if drawn:
            entering[drawn[0]].append(replace(obj, scale=drawn[0]))
        else:
            result.off_ladder += 1
    below: list[MapObject] = []
    for denominator in ladder:
        present = entering[denominator] + carry(below, denominator)
        hints = [o for o in present if is_name_hint(o)]
        present = [o for o in present if not is_name_hint(o)]
        for rule in AGGREGATIONS:
            if denominator in get_class(rule.target).scales and below:
                present += aggregate(rule, below, present, denominator)
        present, unplaced = name_settlements(present, hints, get_scale(denominator).nearby_m)
        result.unplaced_names += unplaced
        below, dropped = legible(present, denominator)
        result.dropped.update({(denominator, cls): n for cls, n in dropped.items()})
        result.by_scale[denominator] = below
    originals = {o.key: o.geometry for o in base}
    for denominator, objects in result.by_scale.items():
        # Simplified and fused outlines valid in metres can self-intersect once rounded into
        # degrees: repair them, so the graph (which refuses invalid geometry) takes every one.
        metric = np.array([o.geometry for o in objects], dtype=object)
        geoms = repair(reproject(metric, crs, WGS84)).geometries
        result.by_scale[denominator] = [
            replace(o, geometry=originals.get(o.key, g))
            for o, g in zip(objects, geoms, strict=True)
            if o.key in originals or not g.is_empty
        ]
    return result
