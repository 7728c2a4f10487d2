"""What the relation head sees of a tile's regions: pooled class probabilities and pair geometry.

Every predicate of the ontology is defined on geometry and classes (ingest/ontology/predicates),
so the head is given exactly that, measured the way the rule engine measures it: the regions are
traced and simplified by the scale's tolerance (``model.datasets.relate.mask_outlines``) and put
in metres on the tile's grid. Per region: the mean of the dense head's pixel probabilities over
its mask (appearance enters here; for given regions this is also the SGCls label), its log area,
its compactness. Per ordered pair (s, o) within the scale's ``distant_m`` (no predicate reaches
further): distances over the scale's thresholds, the share of each boundary in contact with the
other region, the share of each region inside the other's filled outline (``around``), their
area ratio and offset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ingest.ontology import get_scale
from model.datasets.relate import TileGrid, mask_outlines

PAIR_FEATURES = 15
"""Width of a pair's geometry vector (:func:`pair_geometry`)."""


@dataclass(frozen=True, slots=True)
class TilePairs:
    """The candidate ordered pairs of one tile's regions and what the head reads of them.

    ``pairs`` is (P, 2) int64 (subject, object) region indices; ``geometry`` (P, PAIR_FEATURES)
    and ``regions`` (N, K + 2): pooled class probabilities, log area, compactness.
    """

    pairs: np.ndarray
    geometry: np.ndarray
    regions: np.ndarray


def pooled_probabilities(probabilities: np.ndarray, masks: Sequence[np.ndarray]) -> np.ndarray:
    """Mean class probability (N, K) over each (H, W) mask of ``probabilities`` (K, H, W)."""
    flat = probabilities.reshape(probabilities.shape[0], -1)
    rows = [flat[:, mask.ravel()].mean(axis=1) for mask in masks]
    return np.array(rows, dtype=np.float32).reshape(len(masks), probabilities.shape[0])


def _in_metres(outlines: Sequence[BaseGeometry], gsd_m: float) -> np.ndarray:
    shapes = np.array(outlines, dtype=object)
    return np.asarray(shapely.transform(shapes, lambda xy: xy * gsd_m), dtype=object)


def _filled(geometries: np.ndarray) -> np.ndarray:
    """Each outline with its holes filled (a ring road's inside, a clearing in a forest)."""
    parts = [shapely.get_parts(g) for g in geometries]
    return np.array(
        [shapely.union_all(shapely.polygons(shapely.get_exterior_ring(p))) for p in parts],
        dtype=object,
    )


def _shares(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def pair_geometry(
    outlines: np.ndarray, pairs: np.ndarray, distance: np.ndarray, tolerance_m: float
) -> np.ndarray:
    """(P, PAIR_FEATURES) geometry of ordered ``pairs`` of metric ``outlines``; ``distance``
    (P,) is their shortest distance in metres."""
    s, o = outlines[pairs[:, 0]], outlines[pairs[:, 1]]
    area = shapely.area(outlines)
    touching = distance <= tolerance_m
    boxes_meet = shapely.intersects(shapely.envelope(s), shapely.envelope(o))
    contact = np.zeros((pairs.shape[0], 2))
    inside = np.zeros((pairs.shape[0], 2))
    near, meet = np.flatnonzero(touching), np.flatnonzero(boxes_meet)
    grown = shapely.buffer(outlines, tolerance_m) if near.size else outlines
    filled = _filled(outlines) if meet.size else outlines
    for side, (a, b) in enumerate(((0, 1), (1, 0))):
        boundary = shapely.boundary(outlines[pairs[near, a]])
        met = shapely.length(shapely.intersection(boundary, grown[pairs[near, b]]))
        contact[near, side] = _shares(met, shapely.length(boundary))
        within = shapely.area(
            shapely.intersection(outlines[pairs[meet, a]], filled[pairs[meet, b]])
        )
        inside[meet, side] = _shares(within, area[pairs[meet, a]])
    centre_s, centre_o = shapely.centroid(s), shapely.centroid(o)
    return np.column_stack(
        [
            distance,
            np.log1p(distance),
            touching,
            contact,
            inside,
            np.log(area[pairs[:, 0]] + 1.0) - np.log(area[pairs[:, 1]] + 1.0),
            shapely.get_x(centre_o) - shapely.get_x(centre_s),
            shapely.get_y(centre_o) - shapely.get_y(centre_s),
            shapely.distance(centre_s, centre_o),
            shapely.distance(centre_s, o),
            shapely.distance(centre_o, s),
            distance == 0,
            boxes_meet,
        ]
    ).astype(np.float32)


def normalised(geometry: np.ndarray, scale: int) -> np.ndarray:
    """Metric columns of :func:`pair_geometry` over the scale's thresholds, so one head serves
    every scale: distances over ``nearby_m``, offsets over ``distant_m``."""
    thresholds = get_scale(scale)
    out = geometry.copy()
    for column in (0, 10, 11, 12):
        out[:, column] = np.minimum(out[:, column] / thresholds.nearby_m, 20.0) / 10.0
    out[:, 1] = np.log1p(geometry[:, 0] / thresholds.simplify_tolerance_m)
    for column in (8, 9):
        out[:, column] = geometry[:, column] / thresholds.distant_m
    return out


def tile_pairs(masks: Sequence[np.ndarray], probabilities: np.ndarray, grid: TileGrid) -> TilePairs:
    """Candidate pairs, their geometry and the regions' features for one tile's masks."""
    scale = get_scale(grid.scale)
    count = len(masks)
    pooled = pooled_probabilities(probabilities, masks)
    if count < 2:
        empty = np.empty((0, 2), dtype=np.int64)
        return TilePairs(empty, np.empty((0, PAIR_FEATURES), np.float32), _regions(pooled, []))
    outlines = _in_metres(mask_outlines(masks, scale.simplify_tolerance_m / grid.gsd_m), grid.gsd_m)
    subjects, objects = np.nonzero(~np.eye(count, dtype=bool))
    distance = shapely.distance(outlines[subjects], outlines[objects])
    keep = distance <= scale.distant_m
    pairs = np.column_stack([subjects[keep], objects[keep]]).astype(np.int64)
    geometry = pair_geometry(outlines, pairs, distance[keep], scale.simplify_tolerance_m)
    return TilePairs(pairs, normalised(geometry, grid.scale), _regions(pooled, outlines))


def _regions(pooled: np.ndarray, outlines: Sequence[BaseGeometry] | np.ndarray) -> np.ndarray:
    if len(outlines) == 0:
        return np.column_stack([pooled, np.zeros((len(pooled), 2))]).astype(np.float32)
    shapes = np.asarray(outlines, dtype=object)
    area = shapely.area(shapes)
    perimeter = shapely.length(shapely.boundary(shapes))
    compact = _shares(4 * np.pi * area, perimeter**2)
    return np.column_stack([pooled, np.log1p(area) / 10.0, compact]).astype(np.float32)
