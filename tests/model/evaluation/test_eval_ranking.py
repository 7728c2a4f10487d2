"""Triplet rankings: scores, the graph constraint, ties and the cut."""

import numpy as np

from model.evaluation.ranking import (
    graph_constrained_order,
    ranking_scores,
    unconstrained_order,
)
from model.evaluation.types import TripletScoring


def test_product_scoring_multiplies_object_and_predicate_scores():
    subjects, objects = np.array([0, 1]), np.array([1, 2])
    predicate = np.array([0.5, 0.5])
    object_scores = np.array([0.8, 0.5, 1.0])
    product = ranking_scores(subjects, objects, predicate, object_scores, TripletScoring.PRODUCT)
    # 0.8 * 0.5 * 0.5 = 0.2 ; 0.5 * 1.0 * 0.5 = 0.25
    np.testing.assert_allclose(product, [0.2, 0.25])
    given = ranking_scores(subjects, objects, predicate, object_scores, TripletScoring.PREDICATE)
    np.testing.assert_allclose(given, [0.5, 0.5])


def test_graph_constraint_keeps_best_predicate_per_ordered_pair():
    # triplets: 0:(0->1, 0.3) 1:(0->1, 0.9) 2:(1->0, 0.5) 3:(0->2, 0.7) 4:(0->1, 0.9)
    subjects = np.array([0, 0, 1, 0, 0])
    objects = np.array([1, 1, 0, 2, 1])
    scores = np.array([0.3, 0.9, 0.5, 0.7, 0.9])
    # pair 0->1 keeps triplet 1 (0.9, listed before the tied triplet 4); 1->0 is another pair.
    # ranked by score: 1 (0.9), 3 (0.7), 2 (0.5).
    np.testing.assert_array_equal(graph_constrained_order(subjects, objects, scores, 10), [1, 3, 2])
    np.testing.assert_array_equal(graph_constrained_order(subjects, objects, scores, 2), [1, 3])


def test_unconstrained_order_ranks_everything_with_stable_ties():
    scores = np.array([0.3, 0.9, 0.5, 0.7, 0.9])
    # 0.9 (index 1, then the tie at index 4), 0.7, 0.5, 0.3
    np.testing.assert_array_equal(unconstrained_order(scores, 10), [1, 4, 3, 2, 0])
    np.testing.assert_array_equal(unconstrained_order(scores, 3), [1, 4, 3])


def test_empty_rankings():
    empty = np.empty(0, dtype=np.int64)
    assert graph_constrained_order(empty, empty, np.empty(0), 5).size == 0
    assert unconstrained_order(np.empty(0), 5).size == 0
