"""Multi-scale: objects of one area at several map scales, linked by containment (stage 6).

The same footprint analysed at a fine and a coarser scale yields two label maps: fine regions
on an [H_f, W_f] pixel grid and coarse regions on a coarser [H_c, W_c] grid of the same extent.
Geometry decides which fine object belongs to which coarse one:

    share(f, c) = |f  intersect  c| / |f|,

the share of fine object f's area lying in coarse object c, measured on the fine grid (the
coarse map is resampled to it by nearest neighbour: pixel (r, q) of the fine grid takes the
coarse label at (floor((r + 1/2) H_c / H_f), floor((q + 1/2) W_c / W_f))).

A fine object is ``part_of`` the coarse object holding the largest share of it, when that
share is at least ``PART_OF_MIN_SHARE`` (the ontology's threshold for the same predicate between
map objects); otherwise it has no parent at that scale. These links carry features between the
scales in the network (``model.nn.CrossScaleFusion``) and become the cross-scale ``part_of``
relations of the output (building at 1:2,000 part_of block at 1:10,000).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from ingest.ontology import PART_OF_MIN_SHARE


def containment_shares(fine: np.ndarray, coarse: np.ndarray) -> Tensor:
    """share(f, c) [P_f, P_c] for fine labels [H_f, W_f] and coarse labels [H_c, W_c].

    Labels are region ids 0..P-1; a negative label (a pixel outside every object) counts toward
    no region.
    """
    rows = ((np.arange(fine.shape[0]) + 0.5) * coarse.shape[0] / fine.shape[0]).astype(np.int64)
    cols = ((np.arange(fine.shape[1]) + 0.5) * coarse.shape[1] / fine.shape[1]).astype(np.int64)
    resampled = coarse[rows[:, None], cols[None, :]]
    count_f, count_c = int(fine.max()) + 1, int(coarse.max()) + 1
    inside = (fine >= 0) & (resampled >= 0)
    joint = np.bincount(
        fine[inside] * count_c + resampled[inside], minlength=count_f * count_c
    ).reshape(count_f, count_c)
    area = np.bincount(fine[fine >= 0], minlength=count_f)
    return torch.from_numpy(joint / np.maximum(area, 1)[:, None]).float()


def part_of_links(shares: Tensor, *, min_share: float = PART_OF_MIN_SHARE) -> tuple[Tensor, Tensor]:
    """Links [2, L] (fine, coarse) and their shares [L]: each fine object's best parent."""
    if shares.numel() == 0:
        return torch.zeros(2, 0, dtype=torch.long), shares.new_zeros(0)
    best, parent = shares.max(dim=1)
    fine = torch.nonzero(best >= min_share).squeeze(1)
    return torch.stack([fine, parent[fine]]), best[fine]
