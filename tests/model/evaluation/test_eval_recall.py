"""Recall aggregation from first-hit ranks, on hand-made ranks (no matching involved)."""

import numpy as np
import pytest

from model.evaluation.recall import (
    RelationTruth,
    harmonic_mean,
    mean_recall,
    pair_recall,
    recall,
    zero_shot_recall,
)

INF = np.inf


def _truth(predicates, pairs, zero_shot=None):
    return RelationTruth(
        np.array(predicates), np.array(pairs), None if zero_shot is None else np.array(zero_shot)
    )


def test_recall_at_k_compares_first_hit_ranks():
    truth = _truth(["a", "b", "c", "d"], [0, 1, 2, 3])
    hits = np.array([0.0, 19.0, 20.0, INF])
    # at K=20 ranks 0 and 19 count (< 20) -> 2/4; at K=50 rank 20 too -> 3/4.
    assert recall([(truth, hits)], 20) == pytest.approx(2 / 4)
    assert recall([(truth, hits)], 50) == pytest.approx(3 / 4)
    assert recall([], 20) is None


def test_pair_recall_cuts_at_star_ks():
    # triplets 0 and 1 share pair 0; triplet 2 is pair 1.
    truth = _truth(["passing_over", "crosses", "nearby"], [0, 0, 1])
    hits = np.array([INF, 1200.0, 5.0])
    # K=1000: pair 0 not yet (1200 >= 1000), pair 1 yes -> 1/2 ; K=1500: both -> 2/2.
    assert pair_recall([(truth, hits)], 1000) == pytest.approx(1 / 2)
    assert pair_recall([(truth, hits)], 1500) == pytest.approx(2 / 2)


def test_mean_recall_skips_predicates_absent_from_an_image():
    first = _truth(["a", "a", "b"], [0, 1, 2])
    second = _truth(["b"], [0])
    records = [(first, np.array([1.0, INF, INF])), (second, np.array([3.0]))]
    # a: image 1 only, 1/2 ; b: image 1 0/1, image 2 1/1 -> 1/2 ; mR = (1/2 + 1/2) / 2 = 1/2
    assert mean_recall(records, 20) == pytest.approx(1 / 2)


def test_zero_shot_recall_is_none_without_zero_shot_truth():
    truth = _truth(["a", "b"], [0, 1], zero_shot=[False, False])
    assert zero_shot_recall([(truth, np.array([0.0, 0.0]))], 20) is None
    unseen = _truth(["a", "b"], [0, 1], zero_shot=[False, True])
    assert zero_shot_recall([(unseen, np.array([0.0, INF]))], 20) == 0.0  # the unseen one: missed


def test_harmonic_mean_edges():
    assert harmonic_mean(0.5, 0.25) == pytest.approx(2 * 0.5 * 0.25 / 0.75)  # = 1/3
    assert harmonic_mean(0.0, 0.0) == 0.0
    assert harmonic_mean(None, 0.5) is None
