"""Validation of the evaluator's inputs: each mistake gets its own clear error."""

import numpy as np
import pytest

from model.errors import (
    InvalidEvaluationInput,
    InvalidGroundTruth,
    InvalidPredictions,
    ModelError,
)
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

SHAPE = (4, 4)


@pytest.fixture
def truth(pixel_objects):
    return GroundTruth(SHAPE, pixel_objects("bridge", "river"), (Triplet(0, "passing_over", 1),))


def test_errors_are_model_errors_and_value_errors():
    for error in (InvalidGroundTruth, InvalidPredictions, InvalidEvaluationInput):
        assert issubclass(error, ModelError)
        assert issubclass(error, ValueError)


def test_ground_truth_mask_shape_must_match_the_image(draw):
    with pytest.raises(InvalidGroundTruth, match=r"shape \(2, 2\) but the image is \(4, 4\)"):
        GroundTruth(SHAPE, (GroundTruthObject("a", "bridge", draw("##", "##")),), ())


def test_ground_truth_masks_must_be_boolean_and_not_empty():
    with pytest.raises(InvalidGroundTruth, match="boolean"):
        GroundTruth(SHAPE, (GroundTruthObject("a", "bridge", np.ones(SHAPE, dtype=np.uint8)),), ())
    with pytest.raises(InvalidGroundTruth, match="covers no pixel"):
        GroundTruth(SHAPE, (GroundTruthObject("a", "bridge", np.zeros(SHAPE, dtype=bool)),), ())


def test_ground_truth_ids_and_classes_must_be_given(pixel_objects):
    (obj,) = pixel_objects("bridge")
    with pytest.raises(InvalidGroundTruth, match="class_id must be a non-empty string"):
        GroundTruth(SHAPE, (GroundTruthObject("a", "", obj.mask),), ())
    with pytest.raises(InvalidGroundTruth, match="used twice"):
        GroundTruth(SHAPE, (obj, obj), ())


def test_ground_truth_triplets_are_checked(pixel_objects):
    objects = pixel_objects("bridge", "river")
    with pytest.raises(InvalidGroundTruth, match=r"object = 5 is out of range: there are 2"):
        GroundTruth(SHAPE, objects, (Triplet(0, "passing_over", 5),))
    with pytest.raises(InvalidGroundTruth, match="to itself"):
        GroundTruth(SHAPE, objects, (Triplet(1, "nearby", 1),))
    with pytest.raises(InvalidGroundTruth, match="predicate must be a non-empty string"):
        GroundTruth(SHAPE, objects, (Triplet(0, "", 1),))
    with pytest.raises(InvalidGroundTruth, match="repeats"):
        GroundTruth(SHAPE, objects, (Triplet(0, "nearby", 1), Triplet(0, "nearby", 1)))


def test_image_shape_and_scale_are_checked(pixel_objects, truth):
    with pytest.raises(InvalidGroundTruth, match="two positive ints"):
        GroundTruth((4, 0), (), ())
    with pytest.raises(InvalidGroundTruth, match="scale must be a positive int"):
        EvaluationSample("t", 0, truth)


def test_predcls_indices_refer_to_ground_truth_objects(truth):
    prediction = PredClsPrediction((PredictedTriplet(0, "passing_over", 2, 0.5),))
    with pytest.raises(InvalidPredictions, match=r"object = 2 is out of range: there are 2"):
        EvaluationSample("t", 2000, truth, predcls=prediction)


def test_scores_must_be_probabilities():
    with pytest.raises(InvalidPredictions, match=r"in \[0, 1\]"):
        PredClsPrediction((PredictedTriplet(0, "passing_over", 1, 1.5),))
    with pytest.raises(InvalidPredictions, match=r"in \[0, 1\]"):
        SGClsPrediction((ObjectLabel("bridge", float("nan")),), ())


def test_sgcls_needs_one_label_per_ground_truth_object(truth):
    prediction = SGClsPrediction((ObjectLabel("bridge", 0.9),), ())
    with pytest.raises(InvalidPredictions, match="1 labels for 2 ground-truth objects"):
        EvaluationSample("t", 2000, truth, sgcls=prediction)


def test_sgdet_masks_must_be_on_the_image_grid(truth):
    detection = SGDetPrediction((PredictedObject("bridge", 0.9, np.ones((3, 3), dtype=bool)),), ())
    with pytest.raises(InvalidPredictions, match=r"shape \(3, 3\) but the image is \(4, 4\)"):
        EvaluationSample("t", 2000, truth, sgdet=detection)


def test_sgdet_triplets_refer_to_detections():
    mask = np.ones(SHAPE, dtype=bool)
    with pytest.raises(InvalidPredictions, match=r"subject = -1 is out of range"):
        SGDetPrediction(
            (PredictedObject("bridge", 0.9, mask), PredictedObject("river", 0.9, mask)),
            (PredictedTriplet(-1, "passing_over", 1, 0.5),),
        )


def test_samples_must_be_unique_per_image_and_scale(truth):
    sample = EvaluationSample("t", 2000, truth)
    with pytest.raises(InvalidEvaluationInput, match="given twice"):
        evaluate([sample, sample])


def test_training_triplets_must_be_string_triples(truth):
    with pytest.raises(InvalidEvaluationInput, match="three non-empty strings"):
        evaluate([EvaluationSample("t", 2000, truth)], train_triplets=[("bridge", "river")])
