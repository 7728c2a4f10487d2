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
    indptr = np.zeros(len(pixels) + 1, dtype=np.int64)
    np.cumsum([p.size for p in pixels], out=indptr[1:])
    indices = np.concatenate(pixels) if pixels else np.empty(0, dtype=np.int64)
    data = np.ones(indices.size, dtype=np.int64)
    return sparse.csr_array((data, indices, indptr), shape=(len(pixels), shape[0] * shape[1]))


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
