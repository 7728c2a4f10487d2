"""Graph labelling: iterative GRU refinement of object and predicate labels (stage 5 of MSGG-AI).

Node states start from the proposal features and edge states from the pair features,

    h^0 = ReLU(W_n x),   e^0 = ReLU(W_e z),

then ``iterations`` T rounds of ``SceneGraphGRUConv`` (weights shared across rounds, as in Xu
et al. 2017) mix each object with its proposed relations and their other ends; the final states
are read out as

    object logits [P, 1 + K]     = L_o h^T   (0 = background, 1 + i = CLASS_IDS[i])
    predicate logits [M, 1 + R]  = L_r e^T   (0 = no relation, 1 + j = PREDICATE_IDS[j]).

Shapes: x [P, C_node], z [M, C_edge], pair_index [2, M].
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from model.nn.scene_graph_gru import SceneGraphGRUConv


class GraphLabelling(nn.Module):
    """T rounds of GRU message passing, then object and predicate classifiers."""

    def __init__(
        self,
        *,
        node_channels: int,
        edge_channels: int,
        hidden_channels: int,
        num_classes: int,
        num_predicates: int,
        iterations: int,
    ) -> None:
        super().__init__()
        if iterations < 0:
            raise ValueError(f"iterations must be >= 0, got {iterations}")
        self.iterations = iterations
        self.node_in = nn.Linear(node_channels, hidden_channels)
        self.edge_in = nn.Linear(edge_channels, hidden_channels)
        self.conv = SceneGraphGRUConv(channels=hidden_channels)
        self.object_out = nn.Linear(hidden_channels, 1 + num_classes)
        self.predicate_out = nn.Linear(hidden_channels, 1 + num_predicates)

    def forward(self, x: Tensor, z: Tensor, pair_index: Tensor) -> tuple[Tensor, Tensor]:
        h = torch.relu(self.node_in(x))
        e = torch.relu(self.edge_in(z))
        for _ in range(self.iterations):
            h, e = self.conv(h, e, pair_index)
        return self.object_out(h), self.predicate_out(e)
