"""The loss terms of MSGG-AI training, one per factor of P(G|I) (docs/method.md).

**Affinity** (segments follow objects). The normalized cut partitions the cosine-affinity
graph of the patch features, and a region is a connected piece of one cluster; so patches of
one class should be near-parallel and patches of different classes at most ``margin`` alike
(the segmenter drops edges below its threshold, 0 by default). With u_i the unit feature of
labelled patch i, c_i its class, s_ij = <u_i, u_j>, and per-image weights a_i = 1 / n(c_i)
(n = patches of that class in the image, so a small class weighs as much as a large one):

    L_aff = sum_{i != j, c_i = c_j} a_i a_j (1 - s_ij) / sum a_i a_j
          + sum_{c_i != c_j} a_i a_j max(0, s_ij - margin) / sum a_i a_j.

Pulling whole classes (not single instances) together is deliberate: instances of a class are
split by connectivity after the cut, so spending clusters on two houses would waste them.

**Objects** (regions, and single patches as regions): cross-entropy over 1 + K logits with
class weights (``class_weights``), ignoring targets of -1. **Relatedness** (RePN): binary
cross-entropy of the pair logits, positives and negatives averaged separately (related pairs
are a small minority).
**Predicates**: cross-entropy against a target distribution (a pair may hold several
predicates; no relation is index 0), with predicate weights.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor


def class_weights(counts: np.ndarray, power: float) -> Tensor:
    """Weights [len(counts)]: (mean count / count_c)^power for classes with examples, 1 for
    index 0 (background / no relation) and for classes never seen."""
    weights = np.ones(len(counts), dtype=np.float32)
    seen = counts > 0
    seen[0] = False
    if seen.any():
        weights[seen] = (counts[seen].mean() / counts[seen]) ** power
    return torch.from_numpy(weights)


def affinity_loss(
    features: Tensor, classes: Tensor, margin: float, *, sample: Tensor | None = None
) -> Tensor:
    """L_aff (module docstring) of one image: ``features`` [N, D], ``classes`` [N] (-1 out).

    ``sample`` optionally restricts the loss to those patch indices (the pair matrix grows
    with their square).
    """
    if sample is not None:
        features, classes = features[sample], classes[sample]
    keep = classes >= 0
    unit = F.normalize(features[keep], dim=1)
    cls = classes[keep]
    if len(cls) < 2:
        return features.sum() * 0.0
    counts = torch.bincount(cls)
    weight = 1.0 / counts[cls].float()
    pair_weight = weight[:, None] * weight[None, :]
    pair_weight = pair_weight * (1 - torch.eye(len(cls), device=features.device))
    similarity = unit @ unit.T
    same = cls[:, None] == cls[None, :]
    pull = _weighted_mean(1 - similarity, pair_weight * same)
    push = _weighted_mean(torch.relu(similarity - margin), pair_weight * ~same)
    return pull + push


def _weighted_mean(values: Tensor, weights: Tensor) -> Tensor:
    total = weights.sum()
    return (values * weights).sum() / total if total > 0 else values.sum() * 0.0


def object_loss(logits: Tensor, targets: Tensor, weights: Tensor) -> Tensor:
    """Class-weighted cross-entropy of region logits [S, 1 + K]; targets [S], -1 ignored."""
    if not (targets >= 0).any():
        return logits.sum() * 0.0
    return F.cross_entropy(logits, targets, weight=weights, ignore_index=-1)


def relatedness_loss(logits: Tensor, related: Tensor) -> Tensor:
    """Balanced binary cross-entropy of RePN pair logits [P] against ``related`` [P] bool."""
    if not len(logits):
        return logits.sum() * 0.0
    losses = F.binary_cross_entropy_with_logits(logits, related.float(), reduction="none")
    parts = [losses[mask].mean() for mask in (related, ~related) if mask.any()]
    return torch.stack(parts).mean()


def predicate_loss(logits: Tensor, targets: Tensor, weights: Tensor) -> Tensor:
    """Weighted cross-entropy of predicate logits [M, 1 + R] against distributions [M, 1 + R]."""
    if not len(logits):
        return logits.sum() * 0.0
    weighted = targets * weights[None, :]
    return -(weighted * logits.log_softmax(dim=1)).sum() / weighted.sum()
