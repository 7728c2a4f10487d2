"""Attention pooling of patch features into region features, as PyG message passing.

The patch -> region assignment is a bipartite graph with one edge (i -> r(i)) per patch. Region
r gets

    x_r = sum_{i : r(i) = r} alpha_i W x_i,    alpha_i = softmax_{j : r(j) = r}(a^T x_i + b),

i.e. a learned, per-region softmax weighting of the projected patch features (gated attention
pooling). With a = 0 every alpha_i is 1 / |r|: plain mean pooling is the special case. Every
region must own at least one patch.

Shapes: x [N, C_in], region [N] int64 in [0, S) -> [S, C_out].
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn import MessagePassing
from torch_geometric.utils import softmax


class SegmentAttentionPool(MessagePassing):
    """Region features [S, ``out_channels``] from patch features [N, ``in_channels``]."""

    def __init__(self, *, in_channels: int, out_channels: int) -> None:
        super().__init__(aggr="sum")
        self.gate = nn.Linear(in_channels, 1)
        self.value = nn.Linear(in_channels, out_channels)

    def forward(self, x: Tensor, region: Tensor, num_regions: int) -> Tensor:
        patches = torch.arange(x.shape[0], device=x.device)
        edge_index = torch.stack([patches, region])
        return self.propagate(
            edge_index,
            value=self.value(x),
            score=self.gate(x),
            size=(x.shape[0], num_regions),
        )

    def message(
        self, value_j: Tensor, score_j: Tensor, index: Tensor, ptr: Tensor | None, size_i: int
    ) -> Tensor:
        return softmax(score_j, index, ptr, size_i) * value_j
