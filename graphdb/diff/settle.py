"""What a diff does not report: splits and merges of one footprint, outline wobble, and objects
below the map's minimum unit (pure geometry on the metric footprints of ``compare``).

Two segmentations of one scene, or a map and a segmentation, draw the same things differently:

- **Splits and merges.** An object of one side and the objects of the same class on the other
  side that lie at least half inside it, when together they cover it at IoU >= ``match_iou``,
  are one footprint cut differently (a building the model split in two, two houses a map drew
  as one). None of them appeared or disappeared, and a pair among them is no geometry change.
- **Wobble.** A pair of one class whose outlines stay within the diff's line tolerance of each
  other (Hausdorff distance <= ``DiffThresholds.tolerance_m``: 1 m at 1:2,000) is one outline
  drawn twice, whatever its IoU (small objects lose IoU fast to a pixel of wobble).
- **Minimum mapping unit.** An area object that appeared or disappeared with a footprint smaller
  than the scale's ``min_area_m2`` (the ontology's, 10 m² at 1:2,000) is below what the map draws
  at that scale.

The thresholds are the diff's and the ontology's own; nothing here adds a second set.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import shapely
from numpy.typing import NDArray

from graphdb.diff.compare import DiffThresholds, Matching
from graphdb.geometry import GeometryArray
from ingest.ontology import get_class, get_scale

INSIDE_SHARE = 0.5
"""Share of a piece that must lie in the whole it is a piece of (a split or merge)."""


def _pieces(
    whole: GeometryArray, whole_classes: NDArray[np.str_], parts: GeometryArray,
    part_classes: NDArray[np.str_],
) -> list[tuple[int, list[int]]]:  # fmt: skip
    """Per object of ``whole``: the objects of ``parts`` of its class at least half inside it."""
    if len(whole) == 0 or len(parts) == 0:
        return []
    part_idx, whole_idx = shapely.STRtree(whole).query(parts, predicate="intersects")
    same = whole_classes[whole_idx] == part_classes[part_idx]
    part_idx, whole_idx = part_idx[same], whole_idx[same]
    inside = shapely.area(shapely.intersection(parts[part_idx], whole[whole_idx]))
    held = inside >= INSIDE_SHARE * shapely.area(parts[part_idx])
    found: dict[int, list[int]] = {}
    for p, w in zip(part_idx[held].tolist(), whole_idx[held].tolist(), strict=True):
        found.setdefault(w, []).append(p)
    return sorted(found.items())


def _cut_differently(
    whole: GeometryArray,
    whole_classes: NDArray[np.str_],
    parts: GeometryArray,
    part_classes: NDArray[np.str_],
    match_iou: float,
) -> list[tuple[int, list[int]]]:
    """The (whole, pieces) groups that are one footprint cut differently (module docstring)."""
    groups = []
    for w, pieces in _pieces(whole, whole_classes, parts, part_classes):
        union = shapely.union_all(parts[pieces])
        inter = shapely.area(shapely.intersection(union, whole[w]))
        iou = inter / (shapely.area(union) + shapely.area(whole[w]) - inter)
        if iou >= match_iou:
            groups.append((w, pieces))
    return groups


def settle(
    matching: Matching,
    old_classes: NDArray[np.str_],
    old: GeometryArray,
    new_classes: NDArray[np.str_],
    new: GeometryArray,
    thresholds: DiffThresholds,
    scale: int,
) -> Matching:
    """``matching`` without what the module docstring says is no change."""
    old_same: set[int] = set()
    new_same: set[int] = set()
    for w, pieces in _cut_differently(old, old_classes, new, new_classes, thresholds.match_iou):
        old_same.add(w)
        new_same.update(pieces)
    for w, pieces in _cut_differently(new, new_classes, old, old_classes, thresholds.match_iou):
        new_same.add(w)
        old_same.update(pieces)
    tolerance = thresholds.tolerance_m(scale)
    steady = {
        (p.old, p.new)
        for p in matching.pairs
        if old_classes[p.old] == new_classes[p.new]
        and (
            (p.old in old_same and p.new in new_same)
            or shapely.hausdorff_distance(old[p.old], new[p.new]) <= tolerance
        )
    }
    minimum = get_scale(scale).min_area_m2
    return replace(
        matching,
        disappeared=[
            i
            for i in matching.disappeared
            if i not in old_same and _mappable(str(old_classes[i]), old[i], minimum)
        ],
        appeared=[
            j
            for j in matching.appeared
            if j not in new_same and _mappable(str(new_classes[j]), new[j], minimum)
        ],
        steady=frozenset(steady),
    )


def _mappable(class_id: str, footprint: object, minimum_m2: float) -> bool:
    """Whether an object is at least the minimum mapping unit (lines and points always are)."""
    return get_class(class_id).geometry != "polygon" or shapely.area(footprint) >= minimum_m2
