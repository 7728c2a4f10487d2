"""Stuff matching: relations with amorphous classes are matched at the place where they hold.

A *stuff* class (land cover, the road network) has no natural outline: in a tile its connected
piece is one blob as large as the tile, so a triplet <building adjacent_to road> is about the
road *next to the building*, and a predicted road blob that differs from the truth far away never
reaches IoU 0.5 with it. For a ground-truth triplet g = (s', p', o') with at least one stuff
class, its *place window* W_g is a pixel rectangle around an anchor:

- exactly one of s', o' is a thing: the anchor is the thing's mask;
- both are stuff: the anchor is their *contact zone*, the pixels of s' within ``CONTACT_PX`` of
  o' and the pixels of o' within ``CONTACT_PX`` of s' (chessboard distance: square dilation);
  when they do not touch, the smaller mask (by area; the subject on a tie);
- W_g is the anchor's bounding box grown on every side by max(box height, box width,
  ``STUFF_MIN_MARGIN_PX``), clipped to the image.

SGDet matches a stuff side by the IoU of the two masks restricted to W_g, PhrDet the phrase
regions restricted to W_g (see ``matching`` and docs/evaluation.md, "Stuff and things"). A stuff
side with no pixel in W_g (a road *distant* from a building lies outside the building's window)
cannot be localised there, so it keeps the full-mask IoU: an IoU of two empty restrictions would
let any prediction match.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache, reduce
from operator import add

import numpy as np
from scipy import ndimage, sparse

from model.evaluation.masks import (
    areas,
    binarise,
    box_intersection,
    box_rows,
    clip_rows,
    mask_boxes,
    overlap_rows,
)
from model.evaluation.types import GroundTruth

CONTACT_PX = 3
"""Two stuff masks touch where one lies within this many pixels (chessboard) of the other."""

STUFF_MIN_MARGIN_PX = 16
"""A place window extends at least this far beyond its anchor, so a small anchor still sees
enough of the stuff around it for the IoU to mean something."""


def _expand(boxes: np.ndarray, margin: np.ndarray | int, shape: tuple[int, int]) -> np.ndarray:
    """Boxes (K, 4) grown by ``margin`` on every side, clipped to the image."""
    top, bottom, left, right = boxes.T
    return np.column_stack(
        (
            np.maximum(top - margin, 0),
            np.minimum(bottom + margin, shape[0]),
            np.maximum(left - margin, 0),
            np.minimum(right + margin, shape[1]),
        )
    )


def grow(boxes: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Anchor boxes (K, 4) grown by max(height, width, ``STUFF_MIN_MARGIN_PX``), clipped."""
    top, bottom, left, right = boxes.T
    margin = np.maximum(np.maximum(bottom - top, right - left), STUFF_MIN_MARGIN_PX)
    return _expand(boxes, margin, shape)


def _crop(array: np.ndarray, box: np.ndarray, origin: Sequence[int] = (0, 0)) -> np.ndarray:
    """The part in ``box`` of an array whose pixel (0, 0) is image pixel ``origin`` (top, left)."""
    top, bottom, left, right = (box - np.repeat(origin, 2)).tolist()
    return array[top:bottom, left:right]


def _contact_boxes(
    truth: GroundTruth, pairs: np.ndarray, rows: sparse.csr_array, object_boxes: np.ndarray
) -> np.ndarray:
    """Anchor boxes (K, 4) of stuff-stuff (subject, object) ``pairs``: contact zone or fallback.

    The zone lies where the two masks' boxes grown by ``CONTACT_PX`` (their *reach*) overlap,
    so only that part is looked at, and each mask is dilated once, over its own reach: most
    stuff components are far smaller than the tile.
    """
    masks = [obj.mask for obj in truth.objects]
    object_areas = areas(rows)
    reach = _expand(object_boxes, CONTACT_PX, truth.shape)

    @cache
    def near(i: int) -> np.ndarray:
        """Mask i dilated by a (2 CONTACT_PX + 1)-pixel square (chessboard distance), over its
        reach, which holds all of it."""
        square = 2 * CONTACT_PX + 1
        return ndimage.maximum_filter(_crop(masks[i], reach[i]), square, mode="constant")

    def touching(first: int, second: int, box: np.ndarray) -> np.ndarray:
        """The pixels of mask ``first`` within ``CONTACT_PX`` of mask ``second``, in ``box``."""
        return _crop(masks[first], box) & _crop(near(second), box, reach[second][::2].tolist())

    @cache
    def anchor(first: int, second: int) -> np.ndarray:
        box = box_intersection(reach[first], reach[second])
        zone = touching(first, second, box) | touching(second, first, box)
        if not zone.any():
            return object_boxes[first if object_areas[first] <= object_areas[second] else second]
        zone_rows, zone_columns = np.nonzero(zone)
        return box[[0, 0, 2, 2]] + np.array(
            [zone_rows.min(), zone_rows.max() + 1, zone_columns.min(), zone_columns.max() + 1]
        )

    boxes = np.zeros((pairs.shape[0], 4), dtype=np.int64)
    for k, (first, second) in enumerate(pairs.tolist()):
        boxes[k] = anchor(first, second)
    return boxes


def _clipped_union(
    rows: sparse.csr_array, parts: np.ndarray, boxes: np.ndarray, width: int
) -> sparse.csr_array:
    """Row k: the union of masks ``parts[k, :]`` of ``rows``, restricted to ``boxes[k]``."""
    return binarise(reduce(add, (clip_rows(rows, part, boxes, width) for part in parts.T)))


@dataclass(frozen=True, slots=True)
class _Regions:
    """Distinct pixel sets as (R, H*W) mask rows, and the row of each ground-truth triplet
    (meaningless for triplets they were not built for).

    Distinct, because triplets repeat windows and regions (one pair with several predicates;
    every window clipped to the whole tile is the same).
    """

    rows: sparse.csr_array
    areas: np.ndarray
    row_of: np.ndarray

    @classmethod
    def build(
        cls,
        keys: np.ndarray,
        chosen: np.ndarray,
        rows_of: Callable[[np.ndarray], sparse.csr_array],
    ) -> _Regions:
        """Rows ``rows_of(distinct keys)`` for the triplets ``chosen``; ``keys`` is (T, k)."""
        distinct, inverse = np.unique(keys[chosen], axis=0, return_inverse=True)
        rows = rows_of(distinct)
        row_of = np.zeros(chosen.size, dtype=np.int64)
        row_of[chosen] = inverse.ravel()
        return cls(rows, areas(rows), row_of)

    def counts(self, masks_by_pixel: sparse.csr_array) -> np.ndarray:
        """|region r ∩ mask n| for every distinct region r and every mask n, dense (R, N), from
        pixel-major (H*W, N) masks: one sparse product that transposes the masks, not the
        (larger) regions. Nothing to count when the masks are empty (no overlaps)."""
        if masks_by_pixel.nnz == 0:
            return np.zeros((self.rows.shape[0], masks_by_pixel.shape[1]), dtype=np.int64)
        return (self.rows @ masks_by_pixel).toarray()


@dataclass(frozen=True, slots=True)
class PlaceWindows:
    """The place windows of one image's ground-truth triplets, and the truth within them.

    ``windowed[t]`` says triplet t involves stuff; ``local[t, 0]`` (``local[t, 1]``) says its
    subject (object) is stuff with some pixel in the window, and so is matched within it;
    ``boxes[t]`` is the window (top, bottom, left, right), zeros where not windowed. The regions
    hold, per windowed triplet, its window, each local side's mask within it, and the subject ∪
    object region within it.
    """

    windowed: np.ndarray
    local: np.ndarray
    boxes: np.ndarray
    shape: tuple[int, int]
    windows: _Regions
    sides: tuple[_Regions, _Regions]
    phrases: _Regions


def _iou(intersection: np.ndarray, inside: np.ndarray, truth_inside: np.ndarray) -> np.ndarray:
    """IoU within a window from |p ∩ g ∩ W|, |p ∩ W| and |g ∩ W|; 0 when both are empty."""
    union = inside + truth_inside - intersection
    return np.divide(intersection, union, out=np.zeros(union.shape), where=union > 0)


@dataclass(frozen=True, slots=True)
class WindowedOverlaps:
    """The predicted masks of one image (``rows``, N of them) against its place windows: the
    dense (R, N) counts |m ∩ W|, |m ∩ g_side ∩ W| and |m ∩ (g_s ∪ g_o) ∩ W| of every mask m and
    distinct window or region, computed once and read by every ranking and candidate."""

    places: PlaceWindows
    rows: sparse.csr_array
    inside: np.ndarray
    sides: tuple[np.ndarray, np.ndarray]
    phrases: np.ndarray

    @classmethod
    def of(cls, places: PlaceWindows, rows: sparse.csr_array) -> WindowedOverlaps:
        """The counts of predicted mask rows ``rows`` in the windows ``places``."""
        by_pixel = sparse.csr_array(rows.T)
        subjects, objects = places.sides
        return cls(
            places,
            rows,
            places.windows.counts(by_pixel),
            (subjects.counts(by_pixel), objects.counts(by_pixel)),
            places.phrases.counts(by_pixel),
        )

    def object_iou(self, predicted: np.ndarray, triplets: np.ndarray, side: int) -> np.ndarray:
        """IoU within the window of triplet ``triplets[c]`` of predicted mask ``predicted[c]``
        and the triplet's side ``side`` (0 subject, 1 object), which must be local: how SGDet
        matches a stuff side."""
        region = self.places.sides[side].row_of[triplets]
        return _iou(
            self.sides[side][region, predicted],
            self.inside[self.places.windows.row_of[triplets], predicted],
            self.places.sides[side].areas[region],
        )

    def phrase_iou(
        self, subjects: np.ndarray, objects: np.ndarray, triplets: np.ndarray
    ) -> np.ndarray:
        """IoU within the window of triplet ``triplets[c]`` of the predicted subject ∪ object
        (masks ``subjects[c]``, ``objects[c]``) and the triplet's subject ∪ object: how PhrDet
        matches a triplet with stuff.

        The predicted union is never built (with a blob in it, it is as large as the tile):
        |(a ∪ b) ∩ X| = |a ∩ X| + |b ∩ X| - |a ∩ b ∩ X| for X the region and the window, with
        a ∩ b built only for the distinct pairs (and mostly empty).
        """
        region = self.places.phrases.row_of[triplets]
        window = self.places.windows.row_of[triplets]
        n = self.rows.shape[0]
        codes, pair_of = np.unique(subjects * n + objects, return_inverse=True)
        overlaps = overlap_rows(self.rows, codes // n, codes % n, self.places.shape[1])
        by_pixel = sparse.csr_array(overlaps.T)
        both_in = self.places.phrases.counts(by_pixel)[region, pair_of.ravel()]
        both_inside = self.places.windows.counts(by_pixel)[window, pair_of.ravel()]
        return _iou(
            self.phrases[region, subjects] + self.phrases[region, objects] - both_in,
            self.inside[window, subjects] + self.inside[window, objects] - both_inside,
            self.places.phrases.areas[region],
        )


def _window_boxes(
    truth: GroundTruth, rows: sparse.csr_array, sides: np.ndarray, stuff: np.ndarray
) -> np.ndarray:
    """The place window (T, 4) of every triplet (object indices ``sides``, which of them are
    stuff ``stuff``, both (T, 2)); zeros for thing-thing triplets."""
    windowed = np.any(stuff, axis=1)
    boxes = np.zeros((sides.shape[0], 4), dtype=np.int64)
    if windowed.any():
        object_boxes = mask_boxes(rows, truth.shape[1])
        both = stuff.all(axis=1)
        anchors = object_boxes[np.where(stuff[:, 0], sides[:, 1], sides[:, 0])]
        anchors[both] = _contact_boxes(truth, sides[both], rows, object_boxes)
        boxes[windowed] = grow(anchors[windowed], truth.shape)
    return boxes


def place_windows(
    truth: GroundTruth, rows: sparse.csr_array, stuff_classes: Collection[str]
) -> PlaceWindows:
    """The place windows of the ground-truth triplets; ``rows`` are the truth's mask rows."""
    shape, width = truth.shape, truth.shape[1]
    is_stuff = np.array([obj.class_id in stuff_classes for obj in truth.objects], dtype=bool)
    sides = np.array([(t.subject, t.object) for t in truth.triplets], dtype=np.int64).reshape(-1, 2)
    stuff = is_stuff[sides]
    windowed = np.any(stuff, axis=1)
    boxes = _window_boxes(truth, rows, sides, stuff)
    side_regions = tuple(
        _Regions.build(
            np.column_stack((sides[:, side], boxes)),
            stuff[:, side],
            lambda keys: clip_rows(rows, keys[:, 0], keys[:, 1:], width),
        )
        for side in (0, 1)
    )
    local = stuff.copy()
    for side, regions in enumerate(side_regions):
        chosen = stuff[:, side]
        local[chosen, side] = regions.areas[regions.row_of[chosen]] > 0
    return PlaceWindows(
        windowed=windowed,
        local=local,
        boxes=boxes,
        shape=shape,
        windows=_Regions.build(boxes, windowed, lambda keys: box_rows(keys, shape)),
        sides=(side_regions[0], side_regions[1]),
        phrases=_Regions.build(
            np.column_stack((sides, boxes)),
            windowed,
            lambda keys: _clipped_union(rows, keys[:, :2], keys[:, 2:], width),
        ),
    )
