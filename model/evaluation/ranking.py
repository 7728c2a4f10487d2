"""Rankings of predicted triplets, with and without the graph constraint.

For predicted triplets t = (s, p, o) with predicate score q_t and object scores c_s, c_o, the
ranking score is r_t = c_s * c_o * q_t (``TripletScoring.PRODUCT``; PredCls uses c = 1) or
r_t = q_t (``TripletScoring.PREDICATE``).

- Graph-constrained ranking: of the triplets of each ordered pair (s, o) only the one with the
  highest r_t is kept (one predicate per pair), then the kept triplets are sorted by r_t,
  highest first.
- No-graph-constraint ranking: all triplets sorted by r_t, highest first, so several predicates
  of one pair compete for the top K.

Ties are broken by the order in which the triplets were given (stable sorts), so rankings are
deterministic. Both rankings are cut at ``limit`` entries: recall at K only reads the top K.
"""

from __future__ import annotations

import numpy as np

from model.evaluation.types import TripletScoring


def ranking_scores(
    subjects: np.ndarray,
    objects: np.ndarray,
    predicate_scores: np.ndarray,
    object_scores: np.ndarray,
    scoring: TripletScoring,
) -> np.ndarray:
    """Ranking score r_t of every triplet, shape (T,); ``object_scores`` has shape (N,)."""
    if scoring is TripletScoring.PREDICATE:
        return predicate_scores
    return object_scores[subjects] * object_scores[objects] * predicate_scores


def graph_constrained_order(
    subjects: np.ndarray, objects: np.ndarray, scores: np.ndarray, limit: int
) -> np.ndarray:
    """Indices of the best triplet of each ordered pair, highest score first, at most ``limit``."""
    given = np.arange(scores.size)
    by_pair = np.lexsort((given, -scores, objects, subjects))
    pair_s, pair_o = subjects[by_pair], objects[by_pair]
    starts_pair = np.ones(scores.size, dtype=bool)
    starts_pair[1:] = (pair_s[1:] != pair_s[:-1]) | (pair_o[1:] != pair_o[:-1])
    kept = np.sort(by_pair[starts_pair])
    return kept[np.argsort(-scores[kept], kind="stable")][:limit]


def unconstrained_order(scores: np.ndarray, limit: int) -> np.ndarray:
    """Indices of all triplets, highest score first, at most ``limit``."""
    return np.argsort(-scores, kind="stable")[:limit]
