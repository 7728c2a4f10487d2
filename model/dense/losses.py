"""The partial-label loss: cross-entropy against a *set* of allowed classes per pixel.

With label set S at a pixel and class probabilities p, the loss is -log sum_{c in S} p_c: the
model is free to split probability among the allowed classes and is pushed only away from the
excluded ones. A full label (|S| = 1) gives ordinary cross-entropy; "not a building" from a
building-only source pushes only the building probability down; an empty or full set carries no
information and no loss. This lets sources that label only some classes supervise exactly what
they label (Cour et al., "Learning from partial labels", JMLR 2011).
"""

from __future__ import annotations

import torch
from torch import Tensor


def allowed_mask(allowed: Tensor, classes: int) -> Tensor:
    """uint8 label sets [...] -> bool [..., classes] (bit i set -> class i allowed)."""
    powers = 2 ** torch.arange(classes, device=allowed.device)
    return (allowed.long()[..., None] & powers) > 0


def partial_label_loss(logits: Tensor, allowed: Tensor, weights: Tensor | None = None) -> Tensor:
    """Mean of -log P(label in S) over informative pixels.

    ``logits`` [B, K, H, W]; ``allowed`` uint8 [B, H, W] label sets; ``weights`` [K] optional
    class weights, applied to fully labelled pixels by their class (partial ones weigh 1).
    Returns 0 (with a gradient path) when no pixel is informative.
    """
    classes = logits.shape[1]
    mask = allowed_mask(allowed, classes).permute(0, 3, 1, 2)  # [B, K, H, W]
    count = mask.sum(1)
    informative = (count > 0) & (count < classes)
    if not informative.any():
        return logits.sum() * 0.0
    log_all = torch.logsumexp(logits, dim=1)
    log_allowed = torch.logsumexp(logits.masked_fill(~mask, float("-inf")), dim=1)
    loss = (log_all - log_allowed)[informative]
    if weights is None:
        return loss.mean()
    full = (count == 1)[informative]
    index = mask.float().argmax(1)[informative]
    weight = torch.where(full, weights[index], torch.ones_like(loss))
    return (loss * weight).sum() / weight.sum()
