"""One round of GRU message passing over a scene graph (Xu et al. 2017; Graph R-CNN's aGCN).

Objects carry node states h [P, H]; the proposed relations, ordered pairs k = (s_k, o_k), carry
edge states e [M, H]. Each pair sends its subject a message about its object ("out" role) and
its object one about its subject ("in" role); for the message into node i from the other end j
of pair k with role rho:

    v_k   = U_rho [h_j || e_k]                                   (message value)
    a_k   = softmax over the messages into i of  w_rho^T [h_i || h_j || e_k]   (attention)
    m_i   = sum_k a_k v_k                                         (0 for a node in no pair)
    n_k   = S h_(s_k) + O h_(o_k)                                 (edge message)
    h_i' = GRUCell_node(m_i, h_i),   e_k' = GRUCell_edge(n_k, e_k).

The GRU gates decide per channel how much of the old state survives, so iterating the layer
lets context from neighbours overwrite a node's own evidence where the neighbours agree.

Shapes: h [P, H], e [M, H], pair_index [2, M] (row 0 subjects, row 1 objects) -> ([P, H],
[M, H]).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn import MessagePassing
from torch_geometric.utils import softmax


class SceneGraphGRUConv(MessagePassing):
    """GRU node and edge state update of width ``channels`` (see the module docstring)."""

    def __init__(self, *, channels: int) -> None:
        super().__init__(aggr="sum")
        self.value = nn.ModuleList(nn.Linear(2 * channels, channels) for _ in range(2))
        self.attention = nn.ModuleList(nn.Linear(3 * channels, 1) for _ in range(2))
        self.from_subject = nn.Linear(channels, channels)
        self.from_object = nn.Linear(channels, channels, bias=False)
        self.node_gru = nn.GRUCell(channels, channels)
        self.edge_gru = nn.GRUCell(channels, channels)

    def forward(self, h: Tensor, e: Tensor, pair_index: Tensor) -> tuple[Tensor, Tensor]:
        subjects, objects = pair_index
        edge_index = torch.stack([torch.cat([objects, subjects]), torch.cat([subjects, objects])])
        role = torch.cat([torch.zeros_like(subjects), torch.ones_like(objects)]).bool()
        messages = self.propagate(
            edge_index, h=h, relation=torch.cat([e, e]), role=role, size=(h.shape[0], h.shape[0])
        )
        edge_messages = self.from_subject(h[subjects]) + self.from_object(h[objects])
        return self.node_gru(messages, h), self.edge_gru(edge_messages, e)

    def message(
        self,
        h_i: Tensor,
        h_j: Tensor,
        relation: Tensor,
        role: Tensor,
        index: Tensor,
        ptr: Tensor | None,
        size_i: int,
    ) -> Tensor:
        pair = torch.cat([h_j, relation], dim=-1)
        full = torch.cat([h_i, pair], dim=-1)
        flag = role.unsqueeze(-1)
        value = torch.where(flag, self.value[1](pair), self.value[0](pair))
        logit = torch.where(flag, self.attention[1](full), self.attention[0](full)).squeeze(-1)
        return softmax(logit, index, ptr, size_i).unsqueeze(-1) * value
