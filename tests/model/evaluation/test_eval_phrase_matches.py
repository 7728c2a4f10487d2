"""``phrase_matches``: which predicted triplets PhrDet credits, wherever they are ranked."""

from __future__ import annotations

import numpy as np

from model.evaluation import (
    GroundTruth,
    GroundTruthObject,
    PredictedObject,
    PredictedTriplet,
    SGDetPrediction,
    Triplet,
    phrase_matches,
)

SHAPE = (64, 64)


def _box(rows: slice, cols: slice) -> np.ndarray:
    mask = np.zeros(SHAPE, dtype=bool)
    mask[rows, cols] = True
    return mask


TRUTH = GroundTruth(
    shape=SHAPE,
    objects=(
        GroundTruthObject("a", "building", _box(slice(0, 10), slice(0, 10))),
        GroundTruthObject("r", "road", _box(slice(10, 14), slice(0, 64))),
    ),
    triplets=(Triplet(0, "adjacent_to", 1),),
)


def _detection(*triplets: tuple[int, str, int]) -> SGDetPrediction:
    road = _box(slice(10, 14), slice(0, 20)) | _box(slice(40, 64), slice(0, 64))  # wrong far off
    return SGDetPrediction(
        objects=(
            PredictedObject("building", 0.9, _box(slice(0, 10), slice(0, 9))),
            PredictedObject("road", 0.8, road),
        ),
        triplets=tuple(PredictedTriplet(s, p, o, 0.5) for s, p, o in triplets),
    )


def test_each_triplet_is_judged_on_its_own() -> None:
    detection = _detection((0, "adjacent_to", 1), (0, "nearby", 1), (1, "adjacent_to", 0))
    stuff = {"road"}
    assert phrase_matches(TRUTH, detection, stuff_classes=stuff).tolist() == [True, False, False]
    assert phrase_matches(
        TRUTH, detection, stuff_classes=stuff, symmetric_predicates={"adjacent_to"}
    ).tolist() == [True, False, True]
    # Without the stuff rule the road blob that goes wrong far from the building does not match.
    assert phrase_matches(TRUTH, detection).tolist() == [False, False, False]


def test_nothing_to_match() -> None:
    assert phrase_matches(TRUTH, _detection()).tolist() == []
    empty = GroundTruth(shape=SHAPE, objects=TRUTH.objects, triplets=())
    assert phrase_matches(empty, _detection((0, "adjacent_to", 1))).tolist() == [False]
