"""Object classification of region proposals (stage 3 of MSGG-AI).

A two-layer MLP on each proposal's feature:

    logits = W_2 ReLU(W_1 x + b_1) + b_2,

shapes x [P, C_in] -> logits [P, 1 + K]: index 0 is background (a region that is no object of
the ontology), index 1 + i is ontology class ``CLASS_IDS[i]`` for K classes. These are the
initial labels; ``GraphLabelling`` refines them in context.
"""

from __future__ import annotations

from torch import Tensor, nn


class ObjectClassifier(nn.Module):
    """Background + ``num_classes`` logits for proposals of ``in_channels`` features."""

    def __init__(self, *, in_channels: int, hidden_channels: int, num_classes: int) -> None:
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Linear(in_channels, hidden_channels),
            nn.ReLU(),
            nn.Linear(hidden_channels, 1 + num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.mlp(x)
