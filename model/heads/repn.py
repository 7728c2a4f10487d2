"""Relation proposal network (RePN, Graph R-CNN): keep the M most related ordered pairs.

Scoring all P (P - 1) ordered pairs with a full predicate classifier is quadratic in cost;
RePN scores them with a cheap factorised relatedness

    r_ij = sigmoid( <phi(x_i), psi(x_j)> ),   i != j,

where phi (subject) and psi (object) are two small MLPs [P, C] -> [P, H], so all logits are one
matrix product phi psi^T. Only the top ``max_pairs`` pairs go on to ``GraphLabelling``.

The P x P logit matrix is never held whole: rows are scored ``chunk_size`` at a time and a
running top-M is merged chunk by chunk, so memory is O(chunk_size * P + M). Sigmoid is
monotonic, so ranking logits ranks relatedness.

Shapes: x [P, C] -> pair_index [2, M'] (row 0 subjects, row 1 objects), relatedness [M'] in
(0, 1), sorted by descending relatedness, M' = min(max_pairs, P (P - 1)).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class RelationProposalNetwork(nn.Module):
    """Relatedness of ordered proposal pairs and the top-``max_pairs`` of them."""

    def __init__(
        self, *, in_channels: int, hidden_channels: int, max_pairs: int, chunk_size: int = 256
    ) -> None:
        super().__init__()
        if max_pairs < 1 or chunk_size < 1:
            raise ValueError(
                f"max_pairs and chunk_size must be positive, got {max_pairs}, {chunk_size}"
            )
        self.max_pairs = max_pairs
        self.chunk_size = chunk_size
        self.subject = nn.Sequential(
            nn.Linear(in_channels, hidden_channels),
            nn.ReLU(),
            nn.Linear(hidden_channels, hidden_channels),
        )
        self.object = nn.Sequential(
            nn.Linear(in_channels, hidden_channels),
            nn.ReLU(),
            nn.Linear(hidden_channels, hidden_channels),
        )

    def pair_logits(self, x: Tensor, pair_index: Tensor) -> Tensor:
        """Relatedness logits [M] of the given pairs [2, M] (for training and inspection)."""
        return (self.subject(x)[pair_index[0]] * self.object(x)[pair_index[1]]).sum(-1)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        count = x.shape[0]
        wanted = min(self.max_pairs, count * (count - 1))
        if wanted == 0:
            return torch.zeros(2, 0, dtype=torch.long, device=x.device), x.new_zeros(0)
        phi, psi = self.subject(x), self.object(x)
        best_logits = x.new_empty(0)
        best_flat = torch.zeros(0, dtype=torch.long, device=x.device)
        for start in range(0, count, self.chunk_size):
            logits = phi[start : start + self.chunk_size] @ psi.T
            rows = torch.arange(logits.shape[0], device=x.device)
            logits[rows, rows + start] = -torch.inf
            flat = (rows[:, None] + start) * count + torch.arange(count, device=x.device)
            logits = torch.cat([best_logits, logits.flatten()])
            flat = torch.cat([best_flat, flat.flatten()])
            best_logits, order = logits.topk(min(wanted, logits.numel()))
            best_flat = flat[order]
        pair_index = torch.stack([best_flat // count, best_flat % count])
        return pair_index, torch.sigmoid(best_logits)
