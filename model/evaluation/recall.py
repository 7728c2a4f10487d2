"""Recall metrics over images, from first-hit ranks (see ``matching``).

Notation: image i has ground-truth triplets G_i (an image with G_i empty is skipped by every
metric here); h_g is the first-hit rank of g in a ranking; g is recalled at K when h_g < K.

- R@K = mean over images of |{g in G_i : h_g < K}| / |G_i|, with the graph-constrained ranking.
- ngR@K: the same with the no-graph-constraint ranking.
- mR@K: for each predicate p and each image i whose G_i has triplets with predicate p,
  r_{p,i} = |{g in G_i(p) : h_g < K}| / |G_i(p)|; R_p = mean of r_{p,i} over those images;
  mR@K = mean of R_p over the predicates present in the ground truth of the block.
- zR@K: as R@K restricted to the zero-shot triplets Z_i ⊆ G_i (whose (subject class, predicate,
  object class) is absent from the training triplets), averaged over images with Z_i non-empty.
- STAR MR@K (unique-pair recall): let U_i be the distinct ordered (subject, object) pairs of G_i;
  a pair is recalled when at least one of its ground-truth triplets is recalled at K;
  MR@K = mean over images of |recalled pairs of U_i| / |U_i|.
- STAR mMR@K = mR@K as above (graph-constrained, triplet denominators);
  HMR@K = 2 MR mMR / (MR + mMR), 0 when both are 0.

A metric with no image to average over is ``None``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

RECALL_KS = (20, 50, 100)
STAR_KS = (1000, 1500, 2000)
RANKING_LIMIT = max(*RECALL_KS, *STAR_KS)
"""No recall reads past this rank, so rankings are cut here."""


@dataclass(frozen=True, slots=True)
class RelationTruth:
    """The ground-truth triplets of one image as aggregation needs them; all arrays are (T,), T > 0.

    ``pairs[t]`` numbers the distinct ordered (subject, object) pair of triplet t;
    ``zero_shot`` is ``None`` when no training triplets were given.
    """

    predicates: np.ndarray
    pairs: np.ndarray
    zero_shot: np.ndarray | None


@dataclass(frozen=True, slots=True)
class RankingHits:
    """First-hit ranks (T,) of one image's ground-truth triplets in both rankings of one task."""

    graph: np.ndarray
    no_graph: np.ndarray


Record = tuple[RelationTruth, np.ndarray]
"""One image: its ground truth and the first-hit ranks of one ranking."""

TaskImage = tuple[RelationTruth, RankingHits]
"""One image: its ground truth and the first-hit ranks of both rankings of one task."""

Block = dict[str, float | None]


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if values else None


def recall(records: Sequence[Record], k: int) -> float | None:
    """R@K (or ngR@K, given no-graph-constraint hits)."""
    return _mean([float(np.mean(hits < k)) for _, hits in records])


def mean_recall(records: Sequence[Record], k: int) -> float | None:
    """mR@K: per-predicate recall averaged over images, then over predicates."""
    per_predicate: dict[str, list[float]] = defaultdict(list)
    for truth, hits in records:
        recalled = hits < k
        for predicate in np.unique(truth.predicates):
            per_predicate[str(predicate)].append(
                float(np.mean(recalled[truth.predicates == predicate]))
            )
    return _mean([float(np.mean(values)) for values in per_predicate.values()])


def zero_shot_recall(records: Sequence[Record], k: int) -> float | None:
    """zR@K over images with at least one zero-shot triplet; ``None`` without a training set."""
    return _mean(
        [
            float(np.mean(hits[truth.zero_shot] < k))
            for truth, hits in records
            if truth.zero_shot is not None and truth.zero_shot.any()
        ]
    )


def pair_recall(records: Sequence[Record], k: int) -> float | None:
    """STAR MR@K: share of distinct ground-truth (subject, object) pairs with a recalled triplet."""
    shares = []
    for truth, hits in records:
        recalled = np.zeros(int(truth.pairs.max()) + 1, dtype=bool)
        np.logical_or.at(recalled, truth.pairs, hits < k)
        shares.append(float(np.mean(recalled)))
    return _mean(shares)


def harmonic_mean(a: float | None, b: float | None) -> float | None:
    """2ab / (a + b); 0 when both are 0, ``None`` when either is missing."""
    if a is None or b is None:
        return None
    return 2 * a * b / (a + b) if a + b > 0 else 0.0


def task_block(images: Sequence[TaskImage]) -> Block | None:
    """``R@K``, ``ngR@K``, ``mR@K``, ``zR@K`` for K in ``RECALL_KS``; ``None`` without images."""
    if not images:
        return None
    graph = [(truth, hits.graph) for truth, hits in images]
    no_graph = [(truth, hits.no_graph) for truth, hits in images]
    return {
        **{f"R@{k}": recall(graph, k) for k in RECALL_KS},
        **{f"ngR@{k}": recall(no_graph, k) for k in RECALL_KS},
        **{f"mR@{k}": mean_recall(graph, k) for k in RECALL_KS},
        **{f"zR@{k}": zero_shot_recall(graph, k) for k in RECALL_KS},
    }


def star_block(images: Sequence[TaskImage]) -> Block | None:
    """``MR@K``, ``mMR@K``, ``HMR@K`` for K in ``STAR_KS``; ``None`` without images."""
    if not images:
        return None
    graph = [(truth, hits.graph) for truth, hits in images]
    pairs = {k: pair_recall(graph, k) for k in STAR_KS}
    means = {k: mean_recall(graph, k) for k in STAR_KS}
    return {
        **{f"MR@{k}": pairs[k] for k in STAR_KS},
        **{f"mMR@{k}": means[k] for k in STAR_KS},
        **{f"HMR@{k}": harmonic_mean(pairs[k], means[k]) for k in STAR_KS},
    }
