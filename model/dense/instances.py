"""Objects from a pixel class map: connected components per class, touching things split.

"Stuff" and "things" are treated differently (docs/method.md, "Dense classes, then objects"):

- stuff (bare ground, vegetation, water, roads): one object per 4-connected component of the
  class, as the map draws them (the scale's generalisation merges and cuts them further);
- things (``COUNTABLE``: buildings): a component may hold several touching instances. Each
  large component is split by the normalized cut of the DINOv2 patch tokens it covers (the
  MSGG-AI affinity graph, restricted to the component): the two-way cut is taken when its
  eigenvalue says the parts are weakly connected (``max_cut``), recursively to ``max_depth``.
  Pixels follow the part of their patch (the nearest assigned patch at the component's rim).

Specks (components under ``min_pixels``) are first given to the class that surrounds them
most (``absorb_specks``): a few noisy pixels inside a yard are yard, not a missing object and
not a tiny extra one. What is still under ``min_pixels`` afterwards is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy import ndimage

from model.dense.extractors import PATCH
from model.segmentation.affinity import knn_affinity
from model.segmentation.ncut import normalized_cut_embedding

COUNTABLE = frozenset({"building"})
FOUR_CONNECTED = ndimage.generate_binary_structure(2, 1)


@dataclass(frozen=True, slots=True)
class SplitRule:
    """When a countable component is cut in two (see the module docstring)."""

    max_cut: float = 0.1
    min_patches: int = 4
    max_depth: int = 2
    knn: int = 6


@dataclass(frozen=True, slots=True, eq=False)
class Instance:
    """One object: head class index, mean class probability, (H, W) bool mask."""

    class_index: int
    score: float
    mask: np.ndarray


def _patch_cover(mask: np.ndarray) -> np.ndarray:
    """Share of each patch's pixels inside ``mask``, on the patch grid (mask padded)."""
    rows, cols = mask.shape
    padded = np.pad(mask, ((0, -rows % PATCH), (0, -cols % PATCH)))
    grid = padded.reshape(padded.shape[0] // PATCH, PATCH, padded.shape[1] // PATCH, PATCH)
    return grid.mean(axis=(1, 3))


def _two_way_cut(patches: np.ndarray, tokens: torch.Tensor, rule: SplitRule) -> np.ndarray | None:
    """A bool side per patch when the normalized cut separates them well, else None."""
    features = tokens[:, patches[:, 0], patches[:, 1]].T
    affinity = knn_affinity(features, k=rule.knn, threshold=0.0)
    embedding = normalized_cut_embedding(affinity, num_vectors=2)
    if embedding.eigenvalues[1] > rule.max_cut:
        return None
    vector = embedding.generalized_vectors[:, 1]
    side = vector > np.median(vector)
    if min(side.sum(), (~side).sum()) < rule.min_patches:
        return None
    return np.asarray(side)


def split_component(
    mask: np.ndarray, tokens: torch.Tensor, rule: SplitRule, depth: int = 0
) -> list[np.ndarray]:
    """``mask`` as one or more instance masks, cut along its DINOv2 patch affinities."""
    cover = _patch_cover(mask)
    patches = np.argwhere(cover >= 0.5)
    if depth >= rule.max_depth or len(patches) < 2 * rule.min_patches:
        return [mask]
    side = _two_way_cut(patches, tokens, rule)
    if side is None:
        return [mask]
    labels = np.zeros(cover.shape, dtype=np.int32)
    labels[patches[:, 0], patches[:, 1]] = np.where(side, 1, 2)
    nearest = ndimage.distance_transform_edt(
        labels == 0, return_distances=False, return_indices=True
    )
    labels = labels[nearest[0], nearest[1]]
    pixel_labels = np.kron(labels, np.ones((PATCH, PATCH), dtype=np.int32))
    pixel_labels = pixel_labels[: mask.shape[0], : mask.shape[1]]
    parts = []
    for value in (1, 2):
        part = mask & (pixel_labels == value)
        pieces, count = ndimage.label(part, structure=FOUR_CONNECTED)
        for piece in range(1, count + 1):
            parts += split_component(pieces == piece, tokens, rule, depth + 1)
    return parts


def absorb_specks(labels: np.ndarray, min_pixels: int) -> np.ndarray:
    """``labels`` (int, -1 = no data) with every component under ``min_pixels`` relabelled to
    the most common class on its outer rim (kept when the rim is all no-data)."""
    result = labels.copy()
    for value in np.unique(labels):
        if value < 0:
            continue
        components, count = ndimage.label(labels == value, structure=FOUR_CONNECTED)
        if not count:
            continue
        sizes = np.bincount(components.ravel(), minlength=count + 1)
        boxes = ndimage.find_objects(components)
        for component in np.flatnonzero(sizes < min_pixels):
            if component == 0:
                continue
            rows, cols = boxes[component - 1]
            window = (
                slice(max(rows.start - 1, 0), rows.stop + 1),
                slice(max(cols.start - 1, 0), cols.stop + 1),
            )
            mask = components[window] == component
            rim = ndimage.binary_dilation(mask, structure=FOUR_CONNECTED) & ~mask
            around = result[window][rim]
            around = around[around >= 0]
            if around.size:
                result[window][mask] = np.bincount(around).argmax()
    return result


def instances_from_classes(
    probabilities: np.ndarray,
    valid: np.ndarray | None,
    *,
    classes: tuple[str, ...],
    tokens: torch.Tensor | None,
    min_pixels: int,
    rule: SplitRule,
) -> list[Instance]:
    """The objects of one tile from its class probabilities [K, H, W] (see the module doc).

    ``tokens`` [D, h, w] are the DINOv2 patch tokens used to split countable components (None:
    no split); ``valid`` masks out nodata pixels.
    """
    labels = probabilities.argmax(axis=0)
    if valid is not None:
        labels = np.where(valid, labels, -1)
    labels = absorb_specks(labels, min_pixels)
    found = []
    for index, name in enumerate(classes):
        components, count = ndimage.label(labels == index, structure=FOUR_CONNECTED)
        if not count:
            continue
        sizes = np.bincount(components.ravel(), minlength=count + 1)
        for component in np.flatnonzero(sizes >= min_pixels):
            if component == 0:
                continue
            mask = components == component
            parts = (
                split_component(mask, tokens, rule)
                if tokens is not None and name in COUNTABLE
                else [mask]
            )
            for part in parts:
                if part.sum() >= min_pixels:
                    score = float(probabilities[index][part].mean())
                    found.append(Instance(class_index=index, score=score, mask=part))
    return found
