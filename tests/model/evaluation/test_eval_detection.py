"""SGDet and PhrDet matching on drawn 4x4 masks; overlaps counted by hand in the comments."""

import pytest

from model.evaluation import (
    EvaluationSample,
    GroundTruth,
    GroundTruthObject,
    PredictedObject,
    PredictedTriplet,
    SGDetPrediction,
    Triplet,
    evaluate,
)


@pytest.fixture
def truth(draw):
    """A bridge (4 px, rows 1-2, cols 1-2) passing over a river (4 px, row 3); union 8 px."""
    bridge = draw("....", ".##.", ".##.", "....")
    river = draw("....", "....", "....", "####")
    return GroundTruth(
        (4, 4),
        (GroundTruthObject("b", "bridge", bridge), GroundTruthObject("r", "river", river)),
        (Triplet(0, "passing_over", 1),),
    )


def _overall(truth, bridge_class, bridge_mask, river_mask):
    detection = SGDetPrediction(
        objects=(
            PredictedObject(bridge_class, 0.9, bridge_mask),
            PredictedObject("river", 0.8, river_mask),
        ),
        triplets=(PredictedTriplet(0, "passing_over", 1, 0.7),),
    )
    return evaluate([EvaluationSample("t", 2000, truth, sgdet=detection)])["overall"]


def test_phrase_detection_matches_where_sgdet_does_not(truth, draw):
    small_bridge = draw("....", "....", ".#..", "....")  # 1 px inside the true bridge
    overall = _overall(truth, "bridge", small_bridge, truth.objects[1].mask)
    # subject IoU = 1 / 4 < 0.5 -> SGDet misses.
    assert overall["sgdet"]["R@20"] == 0.0
    # union: 1 + 4 = 5 px, all inside the true union of 8 px -> IoU 5/8 >= 0.5 -> PhrDet hits.
    assert overall["phrdet"]["R@20"] == 1.0
    assert overall["phrdet"]["R@20"] >= overall["sgdet"]["R@20"]


def test_sgdet_accepts_iou_of_exactly_one_half(truth, draw):
    half_bridge = draw("....", "....", ".##.", "....")  # 2 of the true bridge's 4 px
    overall = _overall(truth, "bridge", half_bridge, truth.objects[1].mask)
    # subject IoU = 2 / (2 + 4 - 2) = 0.5, object IoU = 1 -> match.
    assert overall["sgdet"]["R@20"] == 1.0
    assert overall["star"]["sgdet"]["MR@1000"] == 1.0


def test_detections_must_carry_the_true_labels(truth):
    overall = _overall(truth, "road", truth.objects[0].mask, truth.objects[1].mask)
    # perfect masks, but the subject is labelled road -> neither SGDet nor PhrDet match.
    assert overall["sgdet"]["R@20"] == 0.0
    assert overall["phrdet"]["R@20"] == 0.0


def test_duplicate_detections_recall_a_triplet_once(truth):
    bridge, river = truth.objects[0].mask, truth.objects[1].mask
    detection = SGDetPrediction(
        objects=(
            PredictedObject("bridge", 0.9, bridge),
            PredictedObject("bridge", 0.8, bridge),
            PredictedObject("river", 0.8, river),
        ),
        triplets=(
            PredictedTriplet(0, "passing_over", 2, 0.7),
            PredictedTriplet(1, "passing_over", 2, 0.7),
        ),
    )
    block = evaluate([EvaluationSample("t", 2000, truth, sgdet=detection)])["overall"]["sgdet"]
    assert block["R@20"] == 1.0  # 1 of 1 ground-truth triplet, not 2
