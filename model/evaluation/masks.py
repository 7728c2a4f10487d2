"""Mask overlap by sparse matrix products.

N boolean masks of shape (H, W) become one sparse (N, H*W) matrix M with M[i, p] = 1 where mask
i covers pixel p. Then for two such matrices A (N, P) and B (M, P):

- areas: |A_i| = number of stored entries of row i;
- intersections: |A_i ∩ B_j| = (A Bᵀ)[i, j];
- IoU(A_i, B_j) = |A_i ∩ B_j| / (|A_i| + |B_j| - |A_i ∩ B_j|), defined as 0 when the union is
  empty (two empty masks).

The cost of A Bᵀ is proportional to the number of (pixel, mask of A, mask of B) coverings, not
to N * M * H * W, so a tile with hundreds of objects stays cheap. Counts are int64: exact for any
image size.

Rectangles (the place windows of ``stuff``) are *boxes* (top, bottom, left, right): rows
top..bottom-1 and columns left..right-1 of the image, half-open like slices.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

IOU_THRESHOLD = 0.5
"""Two regions match when their IoU is at least this (the Scene-Graph-Benchmark value)."""


def mask_rows(masks: Sequence[np.ndarray], shape: tuple[int, int]) -> sparse.csr_array:
    """Stack N boolean (H, W) masks into an (N, H*W) CSR matrix of int64 ones."""
    pixels = [np.flatnonzero(mask) for mask in masks]
    indices = np.concatenate(pixels) if pixels else np.empty(0, dtype=np.int64)
    counts = np.array([p.size for p in pixels], dtype=np.int64)
    return _binary_rows(indices, counts, shape[0] * shape[1])


def areas(rows: sparse.csr_array) -> np.ndarray:
    """Pixel count of every row mask, shape (N,)."""
    return np.diff(rows.indptr)


def iou_matrix(a: sparse.csr_array, b: sparse.csr_array) -> np.ndarray:
    """Dense (N, M) float64 IoU of every row mask of ``a`` with every row mask of ``b``."""
    intersection = (a @ b.T).toarray()
    union = areas(a)[:, None] + areas(b)[None, :] - intersection
    return np.divide(intersection, union, out=np.zeros(union.shape), where=union > 0)


def union_rows(rows: sparse.csr_array, first: np.ndarray, second: np.ndarray) -> sparse.csr_array:
    """Row k is the union of masks ``first[k]`` and ``second[k]`` of ``rows``, shape (K, H*W)."""
    return binarise(rows[first] + rows[second])


def binarise(rows: sparse.csr_array) -> sparse.csr_array:
    """The same masks with every stored count set to 1 (a pixel covered twice counts once)."""
    result = sparse.csr_array(rows, copy=True)
    result.eliminate_zeros()
    result.data[:] = 1
    return result


def ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """``arange(starts[k], stops[k])`` for every k, concatenated, without a Python loop."""
    lengths = stops - starts
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return (offsets + np.arange(lengths.sum())).astype(np.int64, copy=False)


def _binary_rows(indices: np.ndarray, counts: np.ndarray, n_pixels: int) -> sparse.csr_array:
    """CSR rows of ones: row k holds the next ``counts[k]`` pixels of ``indices``."""
    indptr = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    data = np.ones(indices.size, dtype=np.int64)
    return sparse.csr_array((data, indices, indptr), shape=(counts.size, n_pixels))


def mask_boxes(rows: sparse.csr_array, width: int) -> np.ndarray:
    """Bounding box of every row mask, shape (N, 4); (0, 0, 0, 0) for an empty mask."""
    filled = areas(rows) > 0
    row_of, column_of = np.divmod(rows.indices, width)
    starts = rows.indptr[:-1][filled]
    boxes = np.zeros((filled.size, 4), dtype=np.int64)
    if starts.size:
        boxes[filled] = np.column_stack(
            (
                np.minimum.reduceat(row_of, starts),
                np.maximum.reduceat(row_of, starts) + 1,
                np.minimum.reduceat(column_of, starts),
                np.maximum.reduceat(column_of, starts) + 1,
            )
        )
    return boxes


def box_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The boxes (..., 4) common to boxes ``a`` and ``b``; of zero height or width where they
    are disjoint."""
    top, left = np.maximum(a[..., 0], b[..., 0]), np.maximum(a[..., 2], b[..., 2])
    bottom = np.maximum(np.minimum(a[..., 1], b[..., 1]), top)
    right = np.maximum(np.minimum(a[..., 3], b[..., 3]), left)
    return np.stack((top, bottom, left, right), axis=-1)


def box_rows(boxes: np.ndarray, shape: tuple[int, int]) -> sparse.csr_array:
    """Row k covers exactly the pixels of ``boxes[k]``, shape (K, H*W)."""
    top, bottom, left, right = boxes.T
    lines = ranges(top, bottom)
    box_of = np.repeat(np.arange(top.size), bottom - top)
    starts = lines * shape[1] + left[box_of]
    indices = ranges(starts, starts + (right - left)[box_of])
    return _binary_rows(indices, (bottom - top) * (right - left), shape[0] * shape[1])


def clip_rows(
    rows: sparse.csr_array, which: np.ndarray, boxes: np.ndarray, width: int
) -> sparse.csr_array:
    """Row k is mask ``which[k]`` of ``rows`` restricted to ``boxes[k]``, shape (K, H*W).

    ``rows`` must list each row's pixels in increasing order, as :func:`mask_rows` does. Each
    line of each box is one binary search in the stored pixels, so the cost grows with the
    boxes' heights and the pixels kept, not with the size of the masks (a tile-sized road blob
    costs no more than a building).
    """
    n_pixels = rows.shape[1]
    keys = np.repeat(np.arange(rows.shape[0]), areas(rows)) * n_pixels + rows.indices
    box_of = np.repeat(np.arange(which.size), boxes[:, 1] - boxes[:, 0])
    line = which[box_of] * n_pixels + ranges(boxes[:, 0], boxes[:, 1]) * width
    low = np.searchsorted(keys, line + boxes[box_of, 2])
    high = np.searchsorted(keys, line + boxes[box_of, 3])
    kept = np.bincount(box_of, weights=high - low, minlength=which.size).astype(np.int64)
    return _binary_rows(rows.indices[ranges(low, high)], kept, n_pixels)


def overlap_rows(
    rows: sparse.csr_array, first: np.ndarray, second: np.ndarray, width: int
) -> sparse.csr_array:
    """Row k is the intersection of masks ``first[k]`` and ``second[k]``, shape (K, H*W).

    Both masks are first clipped to the overlap of their bounding boxes, so a building against
    a tile-sized blob costs about the building's box, not the blob.
    """
    boxes_of = mask_boxes(rows, width)
    boxes = box_intersection(boxes_of[first], boxes_of[second])
    both = clip_rows(rows, first, boxes, width).multiply(clip_rows(rows, second, boxes, width))
    return binarise(sparse.csr_array(both))
