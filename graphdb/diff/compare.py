"""Pairing the objects of two map states by footprint overlap (pure geometry, no database).

Only the classes both states observe are compared (:func:`match_observed`): objects of those
classes are paired among themselves, and what stays unpaired appeared or disappeared, unless
the other state gives its place (IoU >= ``match_iou``) to a class this one does not observe:
a building the image calls vegetation, when the older map knows no vegetation, is a change
neither state can judge. Objects of other classes are never reported.

Both states' objects are clipped to the coverage the two states share and projected to metres.
Lines and points have no area, so they are compared as footprints buffered by a tolerance of
``line_tolerance_mm`` of map at the diff's scale (0.5 mm: 1 m at 1:2,000, 5 m at 1:10,000, 25 m
at 1:50,000). Candidate pairs come from an STRtree query (each new footprint against the tree of
old ones, O(N log N) for maps whose objects overlap a bounded number of others); their
intersection-over-union is computed vectorised and pairs are taken greedily, best IoU first,
each object in at most one pair.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from graphdb.geometry import GeometryArray


@dataclass(frozen=True, slots=True)
class DiffThresholds:
    """IoU thresholds of a diff and the footprint tolerance of lines and points.

    Same class and IoU >= ``match_iou``: the same object. Same class and ``change_iou`` <= IoU
    < ``match_iou``: the same object with changed geometry. Different class and IoU >=
    ``match_iou``: reclassified. Anything less: unrelated (one disappeared, one appeared).
    """

    match_iou: float = 0.5
    change_iou: float = 0.2
    line_tolerance_mm: float = 0.5

    def __post_init__(self) -> None:
        if not 0 < self.change_iou <= self.match_iou <= 1:
            raise ValueError(
                f"need 0 < change_iou <= match_iou <= 1, got {self.change_iou}, {self.match_iou}"
            )
        if self.line_tolerance_mm <= 0:
            raise ValueError(f"line_tolerance_mm must be positive, got {self.line_tolerance_mm}")

    def tolerance_m(self, scale: int) -> float:
        """Ground buffer (m) for lines and points at ``scale`` (its denominator)."""
        return scale * self.line_tolerance_mm / 1000.0


@dataclass(frozen=True, slots=True)
class Pair:
    """Old object ``old`` and new object ``new`` (indices) taken for the same thing."""

    old: int
    new: int
    iou: float


def footprints(
    metric: GeometryArray, common: BaseGeometry, tolerance_m: float
) -> tuple[GeometryArray, NDArray[np.int64]]:
    """Area footprints inside ``common`` (metres), and the indices of the kept inputs.

    Objects that do not reach into ``common`` are dropped; lines and points are buffered.
    """
    if len(metric) == 0:
        return metric, np.zeros(0, dtype=np.int64)
    shapely.prepare(common)
    inside = shapely.intersects(common, metric)
    kept = np.flatnonzero(inside)
    geoms = metric[kept]
    partial = ~shapely.within(geoms, common)
    geoms[partial] = shapely.intersection(geoms[partial], common)
    thin = shapely.get_dimensions(geoms) < 2
    geoms[thin] = shapely.buffer(geoms[thin], tolerance_m)
    nonempty = ~shapely.is_empty(geoms) & (shapely.area(geoms) > 0)
    return geoms[nonempty], kept[nonempty]


def pair_objects(
    old_classes: NDArray[np.str_],
    old: GeometryArray,
    new_classes: NDArray[np.str_],
    new: GeometryArray,
    thresholds: DiffThresholds,
) -> list[Pair]:
    """One-to-one pairs worth reporting: same class with IoU >= change_iou, other >= match_iou."""
    if len(old) == 0 or len(new) == 0:
        return []
    tree = shapely.STRtree(old)
    new_idx, old_idx = tree.query(new, predicate="intersects")
    old_area, new_area = shapely.area(old), shapely.area(new)
    # The overlap of the bounding boxes bounds the overlap of the shapes, and so the IoU:
    # pairs that cannot reach change_iou (neighbours that touch) skip the exact intersection.
    ob, nb = shapely.bounds(old)[old_idx], shapely.bounds(new)[new_idx]
    box_inter = np.clip(
        np.minimum(ob[:, 2], nb[:, 2]) - np.maximum(ob[:, 0], nb[:, 0]), 0, None
    ) * (np.clip(np.minimum(ob[:, 3], nb[:, 3]) - np.maximum(ob[:, 1], nb[:, 1]), 0, None))
    cap = np.minimum(box_inter, np.minimum(old_area[old_idx], new_area[new_idx]))
    bound = cap / (old_area[old_idx] + new_area[new_idx] - cap)
    reachable = bound >= thresholds.change_iou
    new_idx, old_idx = new_idx[reachable], old_idx[reachable]
    inter = shapely.area(shapely.intersection(new[new_idx], old[old_idx]))
    union = new_area[new_idx] + old_area[old_idx] - inter
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    same = old_classes[old_idx] == new_classes[new_idx]
    keep = np.where(same, iou >= thresholds.change_iou, iou >= thresholds.match_iou)
    new_idx, old_idx, iou, same = new_idx[keep], old_idx[keep], iou[keep], same[keep]
    order = np.lexsort((old_idx, new_idx, ~same, -iou))
    taken_old = np.zeros(len(old), dtype=bool)
    taken_new = np.zeros(len(new), dtype=bool)
    pairs = []
    for k in order:
        o, n = old_idx[k], new_idx[k]
        if taken_old[o] or taken_new[n]:
            continue
        taken_old[o] = taken_new[n] = True
        pairs.append(Pair(int(o), int(n), float(iou[k])))
    return pairs


@dataclass(frozen=True, slots=True)
class Matching:
    """What a diff reports of two states' objects (indices into each side): pairs, and the
    objects that appeared in the new state or disappeared from the old one. ``steady`` holds
    the (old, new) pairs that are the same thing whatever their IoU (``settle``)."""

    pairs: list[Pair]
    disappeared: list[int]
    appeared: list[int]
    steady: frozenset[tuple[int, int]] = frozenset()


def match_observed(
    old_classes: NDArray[np.str_],
    old: GeometryArray,
    new_classes: NDArray[np.str_],
    new: GeometryArray,
    shared: Collection[str],
    thresholds: DiffThresholds,
) -> Matching:
    """Pair and sort out the objects of the ``shared`` classes (module docstring)."""
    in_old = np.isin(old_classes.astype(str), list(shared))
    in_new = np.isin(new_classes.astype(str), list(shared))
    old_seen, new_seen = np.flatnonzero(in_old), np.flatnonzero(in_new)
    pairs = [
        Pair(int(old_seen[p.old]), int(new_seen[p.new]), p.iou)
        for p in pair_objects(
            old_classes[old_seen], old[old_seen], new_classes[new_seen], new[new_seen], thresholds
        )
    ]
    lone_old = np.setdiff1d(old_seen, [p.old for p in pairs]).astype(np.int64)
    lone_new = np.setdiff1d(new_seen, [p.new for p in pairs]).astype(np.int64)
    old_unseen, new_unseen = np.flatnonzero(~in_old), np.flatnonzero(~in_new)
    hidden_old = _given_away(old_classes, old, lone_old, new_classes, new, new_unseen, thresholds)
    hidden_new = _given_away(new_classes, new, lone_new, old_classes, old, old_unseen, thresholds)
    return Matching(
        pairs=pairs,
        disappeared=[int(i) for i in lone_old if i not in hidden_old],
        appeared=[int(j) for j in lone_new if j not in hidden_new],
    )


def _given_away(
    classes: NDArray[np.str_],
    geoms: GeometryArray,
    lone: NDArray[np.int64],
    other_classes: NDArray[np.str_],
    other: GeometryArray,
    unseen: NDArray[np.int64],
    thresholds: DiffThresholds,
) -> set[int]:
    """Those of the ``lone`` objects of one side whose place the other side gives (IoU >=
    ``match_iou``, one to one) to one of its ``unseen`` objects, of classes outside the shared
    ones."""
    found = pair_objects(
        classes[lone], geoms[lone], other_classes[unseen], other[unseen], thresholds
    )
    return {int(lone[p.old]) for p in found}
