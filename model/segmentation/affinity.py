"""Sparse patch-affinity graph W for the normalized cut.

Nodes are the N patches, with features f_i [D]. Similarity is cosine, s_ij = <f_i, f_j> /
(|f_i| |f_j|). Each node keeps its ``k`` most similar other nodes, and of those the ones with
s_ij >= ``threshold``; its single most similar neighbour is always kept, so no node is isolated
and the degree matrix D = diag(W 1) is invertible. Edge weights are w_ij = max(s_ij, eps) and
the graph is made symmetric by W = max(W, W^T) (an edge kept by either end counts).

Similarities are computed ``chunk_size`` rows at a time, so memory is O(chunk_size * N) rather
than O(N^2): 4,096 patches in 1,024-row chunks need 16 MiB at a time.
"""

from __future__ import annotations

import scipy.sparse as sp
import torch
import torch.nn.functional as F
from torch import Tensor

MIN_WEIGHT = 1e-6
"""Floor of an edge weight: a kept edge with non-positive similarity still links its nodes."""


def knn_affinity(
    features: Tensor, *, k: int, threshold: float, chunk_size: int = 1024
) -> sp.csr_array:
    """The symmetric sparse affinity W [N, N] (float64) of ``features`` [N, D].

    ``k`` >= 1 neighbours per node (capped at N - 1); ``threshold`` in [-1, 1] on the cosine
    similarity. N must be at least 2.
    """
    n = features.shape[0]
    if n < 2:
        raise ValueError(f"an affinity graph needs at least 2 nodes, got {n}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    k = min(k, n - 1)
    unit = F.normalize(features.detach().float().cpu(), dim=1)
    rows, cols, weights = [], [], []
    for start in range(0, n, chunk_size):
        block = unit[start : start + chunk_size] @ unit.T
        local = torch.arange(block.shape[0])
        block[local, local + start] = -torch.inf
        values, indices = block.topk(k, dim=1)
        keep = values >= threshold
        keep[:, 0] = True
        row = (local + start)[:, None].expand_as(indices)
        rows.append(row[keep])
        cols.append(indices[keep])
        weights.append(values[keep].clamp(min=MIN_WEIGHT))
    affinity = sp.csr_array(
        (
            torch.cat(weights).double().numpy(),
            (torch.cat(rows).numpy(), torch.cat(cols).numpy()),
        ),
        shape=(n, n),
    )
    return affinity.maximum(affinity.T).tocsr()
