"""Patch-grid class probabilities refined to pixels along the image's own edges.

A 14 px patch grid cannot draw a building's outline; upsampling its probabilities bilinearly
gives blurred, rounded blobs. The guided filter (He, Sun and Tang, "Guided image filtering",
TPAMI 2013) re-fits each probability map locally as a linear function of the image's brightness,
so class boundaries snap to image edges where the image has them and stay smooth where it does
not. It costs a few box filters per map, O(pixels), independent of the radius.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor


def _box(x: Tensor, radius: int) -> Tensor:
    """Mean over a (2r+1)^2 window clipped at the borders, as two 1-D passes."""
    side = 2 * radius + 1
    rows = F.avg_pool2d(x, (side, 1), stride=1, padding=(radius, 0), count_include_pad=False)
    return F.avg_pool2d(rows, (1, side), stride=1, padding=(0, radius), count_include_pad=False)


def guided_filter(guide: Tensor, source: Tensor, *, radius: int, eps: float) -> Tensor:
    """Filter ``source`` [B, K, H, W] guided by the grey image ``guide`` [B, 1, H, W]."""
    mean_i = _box(guide, radius)
    mean_p = _box(source, radius)
    cov_ip = _box(guide * source, radius) - mean_i * mean_p
    var_i = _box(guide * guide, radius) - mean_i * mean_i
    a = cov_ip / (var_i + eps)
    b = mean_p - a * mean_i
    return _box(a, radius) * guide + _box(b, radius)


def pixel_probabilities(
    logits: Tensor, images: Tensor, *, radius: int = 6, eps: float = 1e-3
) -> Tensor:
    """Class probabilities [B, K, H, W] at the pixels of ``images`` [B, 3, H, W] in [0, 1].

    ``logits`` [B, K, h, w] are on the patch grid of the same (padded) images; ``radius`` 0
    turns the edge-aware step off (plain bilinear upsampling).
    """
    size = images.shape[-2:]
    probabilities = F.interpolate(logits, size=size, mode="bilinear", align_corners=False)
    probabilities = probabilities.softmax(dim=1)
    if radius <= 0:
        return probabilities
    refined = guided_filter(images.mean(1, keepdim=True), probabilities, radius=radius, eps=eps)
    refined = refined.clamp_min(0)
    return refined / refined.sum(1, keepdim=True).clamp_min(1e-6)
