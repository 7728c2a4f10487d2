"""Oracle ceilings: the recall of the ground truth itself under the same K and matching, and
each task's ratio to it, on hand-made images."""

import numpy as np
import pytest

from model.evaluation import (
    EvaluationSample,
    GroundTruth,
    GroundTruthObject,
    PredClsPrediction,
    PredictedTriplet,
    Triplet,
    evaluate,
)


def _objects(count: int) -> tuple[GroundTruthObject, ...]:
    """``count`` one-pixel objects on a 1 x count image."""
    masks = np.eye(count, dtype=bool).reshape(count, 1, count)
    return tuple(GroundTruthObject(f"o{n}", "building", masks[n]) for n in range(count))


def test_a_pair_with_two_predicates_caps_the_graph_constrained_ceiling() -> None:
    # 0->1 is both nearby and adjacent_to: a graph-constrained ranking keeps one predicate per
    # pair, so even the ground truth recalls 2 of its 3 triplets; without the constraint, 3.
    truth = GroundTruth(
        (1, 3),
        _objects(3),
        (Triplet(0, "nearby", 1), Triplet(0, "adjacent_to", 1), Triplet(1, "nearby", 2)),
    )
    guess = PredClsPrediction((PredictedTriplet(1, "nearby", 2, 0.9),))
    report = evaluate([EvaluationSample("a", 2000, truth, predcls=guess)])["overall"]
    assert report["ceiling"]["R@20"] == pytest.approx(2 / 3)
    assert report["ceiling"]["ngR@20"] == 1.0
    assert report["predcls"]["R@20"] == pytest.approx(1 / 3)
    assert report["ratio_to_ceiling"]["predcls"]["R@20"] == pytest.approx(0.5)
    assert report["ratio_to_ceiling"]["predcls"]["ngR@20"] == pytest.approx(1 / 3)
    assert report["ratio_to_ceiling"]["sgdet"] is None  # not predicted


def test_more_triplets_than_k_cap_the_ceiling_at_k_over_their_number() -> None:
    count = 30
    truth = GroundTruth(
        (1, count), _objects(count), tuple(Triplet(n, "nearby", n + 1) for n in range(count - 1))
    )
    report = evaluate([EvaluationSample("b", 2000, truth)])["overall"]
    assert report["ceiling"]["R@20"] == pytest.approx(20 / 29)
    assert report["ceiling"]["R@50"] == 1.0
    assert report["ceiling"]["mR@20"] == pytest.approx(20 / 29)


def test_images_without_triplets_have_no_ceiling() -> None:
    truth = GroundTruth((1, 2), _objects(2), ())
    report = evaluate([EvaluationSample("c", 2000, truth)])["overall"]
    assert report["ceiling"] is None
    assert report["ratio_to_ceiling"] == {t: None for t in ("predcls", "sgcls", "sgdet", "phrdet")}
