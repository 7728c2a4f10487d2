"""The report as a whole: layout, per-scale blocks, missing tasks, perfect predictions, size."""

import json

import numpy as np
import pytest

from model.evaluation import (
    EvaluationSample,
    GroundTruth,
    GroundTruthObject,
    ObjectLabel,
    PredClsPrediction,
    PredictedObject,
    PredictedTriplet,
    SGClsPrediction,
    SGDetPrediction,
    Triplet,
    evaluate,
)


def _perfect(image_id, scale, truth):
    """Predictions for all three tasks that equal the ground truth, every score 1."""
    triplets = tuple(
        PredictedTriplet(t.subject, t.predicate, t.object, 1.0) for t in truth.triplets
    )
    labels = tuple(ObjectLabel(o.class_id, 1.0) for o in truth.objects)
    detections = tuple(PredictedObject(o.class_id, 1.0, o.mask) for o in truth.objects)
    return EvaluationSample(
        image_id,
        scale,
        truth,
        predcls=PredClsPrediction(triplets),
        sgcls=SGClsPrediction(labels, triplets),
        sgdet=SGDetPrediction(detections, triplets),
    )


@pytest.fixture
def truth(draw):
    return GroundTruth(
        (4, 4),
        (
            GroundTruthObject("b", "bridge", draw("....", ".##.", ".##.", "....")),
            GroundTruthObject("r", "river", draw("....", "....", "....", "####")),
            GroundTruthObject("d", "road", draw("####", "....", "....", "....")),
        ),
        (Triplet(0, "passing_over", 1), Triplet(0, "connected_to", 2)),
    )


def _leaves(tree):
    if isinstance(tree, dict):
        for value in tree.values():
            yield from _leaves(value)
    else:
        yield tree


def test_predictions_equal_to_the_ground_truth_score_one_everywhere(truth):
    # connected_to is absent from training, so zR is defined (and 1) as well.
    report = evaluate(
        [_perfect("t", 2000, truth)], train_triplets=[("bridge", "passing_over", "river")]
    )
    counts = report["overall"].pop("objects_per_image")
    assert counts["detected"] == counts["ground_truth"] == len(truth.objects)
    for block in report["per_scale"].values():
        block.pop("objects_per_image")
    metrics = [v for v in _leaves(report) if isinstance(v, float)]
    assert len(metrics) > 100
    assert all(v == 1.0 for v in metrics)
    assert None not in list(_leaves(report))


def test_layout_is_json_with_blocks_per_scale(truth, pixel_objects):
    other = GroundTruth(
        (4, 4), pixel_objects("settlement", "river"), (Triplet(0, "on_bank_of", 1),)
    )
    missed = EvaluationSample(
        "u", 50000, other, predcls=PredClsPrediction((PredictedTriplet(0, "nearby", 1, 0.9),))
    )
    report = json.loads(json.dumps(evaluate([_perfect("t", 2000, truth), missed])))
    assert set(report) == {"overall", "per_scale"}
    assert set(report["per_scale"]) == {"2000", "50000"}
    block = report["overall"]
    assert set(block) == {
        "images",
        "predcls",
        "sgcls",
        "sgdet",
        "phrdet",
        "star",
        "objects",
        "proposal_recall",
        "objects_per_image",
        "ceiling",
        "ratio_to_ceiling",
    }
    assert {"R@20", "R@50", "R@100", "ngR@50", "mR@50", "mR@100", "zR@50"} <= set(block["predcls"])
    assert {"MR@1000", "MR@1500", "MR@2000", "mMR@1500", "HMR@1500"} <= set(
        block["star"]["predcls"]
    )
    # overall PredCls averages the two images: (1 + 0) / 2; each scale keeps its own.
    assert block["predcls"]["R@50"] == 0.5
    assert report["per_scale"]["2000"]["predcls"]["R@50"] == 1.0
    assert report["per_scale"]["50000"]["predcls"]["R@50"] == 0.0
    assert block["images"] == 2


def test_tasks_without_predictions_are_none(truth):
    sample = EvaluationSample("t", 2000, truth, predcls=PredClsPrediction(()))
    block = evaluate([sample])["overall"]
    assert block["predcls"]["R@20"] == 0.0  # predicted nothing: recall 0, not missing
    assert block["sgcls"] is None and block["sgdet"] is None and block["phrdet"] is None
    assert block["star"]["sgdet"] is None
    assert block["objects"] is None and block["proposal_recall"] is None


def test_no_samples_give_an_empty_report():
    report = evaluate([])
    assert report["per_scale"] == {}
    assert report["overall"]["images"] == 0
    assert report["overall"]["predcls"] is None


def test_hundreds_of_objects_and_a_thousand_triplets():
    # 200 buildings, each its own 16x16 block of a 256x256 tile (16 blocks per row).
    shape, side, n = (256, 256), 16, 200
    masks = []
    for i in range(n):
        mask = np.zeros(shape, dtype=bool)
        row, col = divmod(i, 16)
        mask[row * side : (row + 1) * side, col * side : (col + 1) * side] = True
        masks.append(mask)
    objects = tuple(GroundTruthObject(f"b{i}", "building", m) for i, m in enumerate(masks))
    # pairs i -> i + d for d = 1..6 (199 + 198 + ... + 194 = 1179 of them), the first 1000;
    # never a pair and its reverse.
    pairs = [(i, i + d) for d in range(1, 7) for i in range(n - d)][:1000]
    truth = GroundTruth(shape, objects, tuple(Triplet(s, "nearby", o) for s, o in pairs))
    predicted = tuple(
        PredictedTriplet(s, "nearby", o, 1.0 - k / 2000) for k, (s, o) in enumerate(pairs)
    )
    detection = SGDetPrediction(
        tuple(PredictedObject("building", 1.0, m) for m in masks), predicted
    )
    block = evaluate([EvaluationSample("big", 2000, truth, sgdet=detection)])["overall"]
    # each prediction matches exactly its own triplet: the top 100 find 100 of 1000.
    assert block["sgdet"]["R@100"] == pytest.approx(100 / 1000)
    # PhrDet: two different pairs' unions share at most one block: IoU <= 16*16 / (3*16*16) = 1/3.
    assert block["phrdet"]["R@100"] == pytest.approx(100 / 1000)
    assert block["star"]["sgdet"]["MR@1000"] == pytest.approx(1000 / 1000)
    assert block["objects"]["building"]["iou"] == 1.0
