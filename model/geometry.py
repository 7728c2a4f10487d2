"""Geometric features of proposals and proposal pairs, in image-normalised coordinates.

Coordinates are fractions of the image width (x) and height (y), so features do not depend on
the tile size or the scale's GSD.

- ``region_geometry``: per region, its box (x0, y0, x1, y1) and its share of the image area:
  [S, 5] (``REGION_FEATURES``).
- ``pair_geometry``: per ordered pair (s, o), both boxes, the offset of o's centre from s's in
  units of s's size, and the log ratios of o's to s's width and height:
  [M, 12] (``PAIR_FEATURES``). Relations such as "inside", "along" or "nearby" are mostly
  functions of these.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

REGION_FEATURES = 5
PAIR_FEATURES = 12


def region_geometry(regions: np.ndarray) -> Tensor:
    """[S, 5] boxes and area shares of the regions 0..S-1 of the label grid ``regions`` [h, w]."""
    rows, cols = regions.shape
    count = int(regions.max()) + 1
    flat = torch.from_numpy(regions.ravel())
    row = torch.arange(rows).repeat_interleave(cols).double()
    col = torch.arange(cols).repeat(rows).double()
    features = torch.empty(count, REGION_FEATURES, dtype=torch.float64)
    for column, values, reduce in (
        (0, col, "amin"),
        (1, row, "amin"),
        (2, col + 1, "amax"),
        (3, row + 1, "amax"),
    ):
        out = torch.zeros(count, dtype=torch.float64)
        features[:, column] = out.scatter_reduce(0, flat, values, reduce, include_self=False)
    features[:, [0, 2]] /= cols
    features[:, [1, 3]] /= rows
    features[:, 4] = torch.bincount(flat, minlength=count).double() / (rows * cols)
    return features.float()


def pair_geometry(boxes: Tensor, pair_index: Tensor) -> Tensor:
    """[M, 12] features of the ordered pairs ``pair_index`` [2, M] of ``boxes`` [S, 4]."""
    subject, obj = boxes[pair_index[0]], boxes[pair_index[1]]
    size_s = (subject[:, 2:] - subject[:, :2]).clamp(min=1e-6)
    size_o = (obj[:, 2:] - obj[:, :2]).clamp(min=1e-6)
    centre_s = (subject[:, :2] + subject[:, 2:]) / 2
    centre_o = (obj[:, :2] + obj[:, 2:]) / 2
    offset = (centre_o - centre_s) / size_s
    return torch.cat([subject, obj, offset, torch.log(size_o / size_s)], dim=1)
