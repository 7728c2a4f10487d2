"""Object metrics per class and proposal recall on drawn 4x4 masks."""

import pytest

from model.evaluation import (
    EvaluationSample,
    GroundTruth,
    GroundTruthObject,
    PredictedObject,
    SGDetPrediction,
    evaluate,
)


@pytest.fixture
def truth(draw):
    """Buildings A (rows 0-1, cols 0-1) and B (rows 0-1, cols 2-3), a road on row 3; 4 px each."""
    return GroundTruth(
        (4, 4),
        (
            GroundTruthObject("A", "building", draw("##..", "##..", "....", "....")),
            GroundTruthObject("B", "building", draw("..##", "..##", "....", "....")),
            GroundTruthObject("R", "road", draw("....", "....", "....", "####")),
        ),
        (),
    )


@pytest.fixture
def detections(draw):
    return (
        PredictedObject("building", 0.9, draw("##..", "##..", "....", "....")),  # = A
        PredictedObject("building", 0.8, draw("..#.", "..#.", "....", "....")),  # half of B
        PredictedObject("building", 0.7, draw("##..", "....", "....", "....")),  # half of A
        PredictedObject("road", 0.6, draw("....", "....", "####", "....")),  # next to the road
        PredictedObject("bridge", 0.5, draw("....", "....", "....", "#...")),  # no bridge exists
    )


def test_per_class_iou_precision_recall_f1(truth, detections):
    overall = evaluate([EvaluationSample("t", 2000, truth, sgdet=SGDetPrediction(detections, ()))])[
        "overall"
    ]
    objects = overall["objects"]
    assert set(objects) == {"building", "road", "bridge"}
    # greedy by score: 0.9 takes A (IoU 1); 0.8 takes B (IoU 2/4 = 0.5); 0.7 overlaps only A
    # (IoU 2/4) which is taken -> false positive. TP 2, detected 3, ground truth 2.
    building = objects["building"]
    assert building["precision"] == pytest.approx(2 / 3)
    assert building["recall"] == pytest.approx(2 / 2)
    assert building["f1"] == pytest.approx(2 * 2 / (3 + 2))  # = 4/5
    # pixels: detected building region = A (4) + column 2 of rows 0-1 (2) = 6 px, all inside the
    # true building region of 8 px -> IoU 6/8.
    assert building["iou"] == pytest.approx(6 / 8)
    # road: detected on row 2, true on row 3 -> no overlap: IoU 0 / 8, TP 0 of 1 detected, 1 true.
    assert objects["road"] == {"iou": 0.0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    # bridge: 1 detection, no ground truth -> recall undefined, IoU 0 / 1, F1 = 0 / (1 + 0).
    assert objects["bridge"] == {"iou": 0.0, "precision": 0.0, "recall": None, "f1": 0.0}


def test_proposal_recall_is_class_agnostic(truth, detections, draw):
    sample = EvaluationSample("t", 2000, truth, sgdet=SGDetPrediction(detections, ()))
    # without proposals the detections count: A (IoU 1) and B (IoU 0.5) are hit, the road is not
    # (row 2: IoU 0; the bridge pixel: IoU 1/4) -> 2/3.
    assert evaluate([sample])["overall"]["proposal_recall"] == pytest.approx(2 / 3)
    proposals = (draw("....", "....", "....", "###."),)  # 3 of the road's 4 px: IoU 3/4
    with_proposals = EvaluationSample(
        "t", 2000, truth, sgdet=SGDetPrediction(detections, (), proposals=proposals)
    )
    assert evaluate([with_proposals])["overall"]["proposal_recall"] == pytest.approx(1 / 3)


def test_counts_add_up_over_images(truth, detections, draw):
    perfect = tuple(PredictedObject(o.class_id, 1.0, o.mask) for o in truth.objects)
    samples = [
        EvaluationSample("t1", 2000, truth, sgdet=SGDetPrediction(detections, ())),
        EvaluationSample("t2", 2000, truth, sgdet=SGDetPrediction(perfect, ())),
    ]
    building = evaluate(samples)["overall"]["objects"]["building"]
    # TP 2 + 2, detected 3 + 2, true 2 + 2 -> precision 4/5, recall 4/4
    assert building["precision"] == pytest.approx(4 / 5)
    assert building["recall"] == 1.0
    # pixels: intersection 6 + 8, union 8 + 8 -> 14/16
    assert building["iou"] == pytest.approx(14 / 16)
