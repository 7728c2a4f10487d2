"""The learned relation head: P(predicate | ordered pair) for every stored predicate.

A small MLP over one ordered pair of regions: each region's class (one-hot over the model's
classes: the given class for PredCls, the predicted one otherwise) and features
(``model.dense.pairs``), the pair's geometry, and whether the regions were *given* (ground-truth
regions: PredCls, SGCls) or are the model's own objects. The two readings ask different things:
on given regions, which predicates hold; on its own, imperfect objects, whether a triplet
between them is a true relation of the scene (the re-scoring of the rules' triplets), so one
head learns both and is told which it answers. It answers independent sigmoids, one per
stored predicate, because one pair may hold several (``nearby`` and ``on_bank_of``). It plays
the part of the paper's RePN + GRU labelling for the dense model: it scores the pairs the rule
engine relates (re-scoring) and proposes predicates on pairs the rules leave out (where the
predicted regions are imperfect, the rules' thresholds are missed by a pixel).

Symmetric predicates are scored on both orders and answered once per unordered pair, by the
larger of the two probabilities, with the lower index as subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from ingest.ontology import PREDICATES
from model.dense.pairs import PAIR_FEATURES, TilePairs

STORED_PREDICATES: tuple[str, ...] = tuple(p.id for p in PREDICATES.values() if p.stored)
"""The head's outputs, in ontology order: inverses are never predicted (stored reading only)."""

_SYMMETRIC = np.array([PREDICATES[p].symmetric for p in STORED_PREDICATES])


class RelationHead(nn.Module):
    """MLP: [class(s), region(s), class(o), region(o), geometry(s, o), given] -> predicate
    logits."""

    def __init__(self, num_classes: int, region_width: int, hidden: int = 128) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.region_width = region_width
        self.hidden = hidden
        width = input_width(num_classes, region_width)
        self.layers = nn.Sequential(
            nn.Linear(width, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, len(STORED_PREDICATES)),
        )

    def config(self) -> dict[str, int]:
        """What rebuilds the head from a checkpoint."""
        return {
            "num_classes": self.num_classes,
            "region_width": self.region_width,
            "hidden": self.hidden,
        }

    def forward(self, inputs: Tensor) -> Tensor:
        """Logits [P, len(STORED_PREDICATES)] of pair inputs [P, width] (:func:`pair_inputs`)."""
        logits: Tensor = self.layers(inputs)
        return logits


def input_width(num_classes: int, region_width: int) -> int:
    """Width of one pair's input row (:func:`pair_inputs`)."""
    return 2 * (num_classes + region_width) + PAIR_FEATURES + 1


def pair_inputs(
    found: TilePairs, class_index: np.ndarray, num_classes: int, *, given: bool
) -> np.ndarray:
    """The head's input rows (P, width) for the pairs of ``found``; ``class_index`` (N,) gives
    each region's class as an index into the model's classes; ``given`` says the regions are
    ground truth rather than the model's objects."""
    one_hot = np.eye(num_classes, dtype=np.float32)[class_index]
    described = np.concatenate([one_hot, found.regions], axis=1)
    s, o = found.pairs[:, 0], found.pairs[:, 1]
    flag = np.full((found.pairs.shape[0], 1), float(given), dtype=np.float32)
    return np.concatenate([described[s], described[o], found.geometry, flag], axis=1)


@dataclass(frozen=True, slots=True)
class ScoredTriplet:
    """``subject -predicate-> object`` by region index, with the head's probability."""

    subject: int
    predicate: str
    object: int
    score: float


@torch.inference_mode()
def score_pairs(
    head: RelationHead,
    found: TilePairs,
    class_index: np.ndarray,
    *,
    given: bool,
    min_score: float,
    max_triplets: int,
) -> list[ScoredTriplet]:
    """The head's triplets of one tile with probability >= ``min_score``, best first, at most
    ``max_triplets`` (symmetric predicates once per pair, see the module docstring)."""
    if found.pairs.shape[0] == 0:
        return []
    inputs = torch.from_numpy(pair_inputs(found, class_index, head.num_classes, given=given))
    device = next(head.parameters()).device
    probability = torch.sigmoid(head(inputs.to(device))).cpu().numpy()
    probability = _symmetric_once(found.pairs, probability)
    rows, columns = np.nonzero(probability >= min_score)
    order = np.argsort(-probability[rows, columns], kind="stable")[:max_triplets]
    return [
        ScoredTriplet(
            int(found.pairs[rows[n], 0]),
            STORED_PREDICATES[columns[n]],
            int(found.pairs[rows[n], 1]),
            float(probability[rows[n], columns[n]]),
        )
        for n in order
    ]


def _symmetric_once(pairs: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """Symmetric columns: the larger probability of (s, o) and (o, s) on the row with s < o,
    zero on the other row."""
    out = probability.copy()
    index = {(int(s), int(o)): n for n, (s, o) in enumerate(pairs)}
    mirror = np.array([index.get((int(o), int(s)), n) for n, (s, o) in enumerate(pairs)])
    both = np.maximum(probability[:, _SYMMETRIC], probability[mirror][:, _SYMMETRIC])
    lower = (pairs[:, 0] < pairs[:, 1])[:, None]
    out[:, _SYMMETRIC] = np.where(lower, both, 0.0)
    return out


def targets(pairs: np.ndarray, truth: Sequence[tuple[int, str, int]]) -> np.ndarray:
    """(P, len(STORED_PREDICATES)) 0/1 targets of ordered ``pairs`` from ground-truth triplets
    (stored reading, by region index); a symmetric triplet marks both orders."""
    column = {p: n for n, p in enumerate(STORED_PREDICATES)}
    index = {(int(s), int(o)): n for n, (s, o) in enumerate(pairs)}
    out = np.zeros((pairs.shape[0], len(STORED_PREDICATES)), dtype=np.float32)
    for subject, predicate, obj in truth:
        orders = [(subject, obj)]
        if PREDICATES[predicate].symmetric:
            orders.append((obj, subject))
        for order in orders:
            row = index.get(order)
            if row is not None:
                out[row, column[predicate]] = 1.0
    return out
