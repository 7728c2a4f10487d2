"""Exchange of object features between two map scales along part_of links.

The same area analysed at a fine and a coarser scale gives fine objects x_f [P_f, C] and coarse
objects x_c [P_c, C]. A link (f, c) with containment share s_fc in (0, 1] says fine object f
lies (mostly) inside coarse object c (``model.multiscale``). Features flow both ways:

    up:    x_c' = x_c + ReLU( sum_f s_fc W_up x_f / sum_f s_fc )    (share-weighted mean of parts)
    down:  x_f' = x_f + ReLU( W_down x_(parent(f)) )

so a coarse object learns what it is made of (a block of buildings) and a fine object learns
what it belongs to (a building in an industrial site). An object without links is unchanged.

Shapes: x_fine [P_f, C], x_coarse [P_c, C], links [2, L] (row 0 fine, row 1 coarse indices),
shares [L] -> ([P_f, C], [P_c, C]).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn import MessagePassing
from torch_geometric.utils import scatter

from model.nn.generated_code import generated_code_removed


class CrossScaleFusion(MessagePassing):
    """Bidirectional fine <-> coarse feature exchange of width ``channels``."""

    def __init__(self, *, channels: int) -> None:
        with generated_code_removed():
            super().__init__(aggr="sum")
        self.up = nn.Linear(channels, channels)
        self.down = nn.Linear(channels, channels)

    def forward(
        self, x_fine: Tensor, x_coarse: Tensor, links: Tensor, shares: Tensor
    ) -> tuple[Tensor, Tensor]:
        fine, coarse = links
        total = scatter(shares, coarse, dim=0, dim_size=x_coarse.shape[0], reduce="sum")
        weight = shares / total[coarse].clamp(min=1e-12)
        sizes_up = (x_fine.shape[0], x_coarse.shape[0])
        up = self.propagate(links, x=(self.up(x_fine), x_coarse), weight=weight, size=sizes_up)
        down = self.propagate(
            torch.stack([coarse, fine]),
            x=(self.down(x_coarse), x_fine),
            weight=torch.ones_like(shares),
            size=(x_coarse.shape[0], x_fine.shape[0]),
        )
        return x_fine + torch.relu(down), x_coarse + torch.relu(up)

    def message(self, x_j: Tensor, weight: Tensor) -> Tensor:
        return weight.unsqueeze(-1) * x_j
