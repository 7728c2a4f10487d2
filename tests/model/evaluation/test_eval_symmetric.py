"""Symmetric predicates: a prediction in either orientation matches, at its own rank."""

import pytest

from model.errors import InvalidEvaluationInput
from model.evaluation import (
    EvaluationSample,
    GroundTruth,
    GroundTruthObject,
    PredClsPrediction,
    PredictedObject,
    PredictedTriplet,
    SGDetPrediction,
    Triplet,
    evaluate,
)

SYMMETRIC = {"adjacent_to", "nearby"}


def _predcls(objects, truth, predicted, **rules) -> dict:
    sample = EvaluationSample(
        "t", 2000, GroundTruth((4, 4), objects, tuple(truth)), predcls=PredClsPrediction(predicted)
    )
    return evaluate([sample], **rules)["overall"]["predcls"]


def test_predcls_matches_the_other_orientation_only_when_symmetric(pixel_objects):
    objects = pixel_objects("building", "road")
    truth = [Triplet(0, "adjacent_to", 1)]  # stored with the smaller key as subject
    swapped = (PredictedTriplet(1, "adjacent_to", 0, 0.9),)
    assert _predcls(objects, truth, swapped)["R@20"] == 0.0
    assert _predcls(objects, truth, swapped, symmetric_predicates={"crosses"})["R@20"] == 0.0
    assert _predcls(objects, truth, swapped, symmetric_predicates=SYMMETRIC)["R@20"] == 1.0


def test_a_non_symmetric_predicate_never_matches_swapped(pixel_objects):
    objects = pixel_objects("building", "park")
    truth = [Triplet(0, "inside", 1)]
    swapped = (PredictedTriplet(1, "inside", 0, 0.9),)
    block = _predcls(objects, truth, swapped, symmetric_predicates=SYMMETRIC)
    assert block["R@20"] == 0.0
    assert block["ngR@100"] == 0.0


@pytest.mark.parametrize(("n_wrong", "recalled_at_20"), [(19, 1.0), (20, 0.0)])
def test_swapped_copies_keep_the_rank_of_their_original(pixel_objects, n_wrong, recalled_at_20):
    objects = pixel_objects(*["building"] * 12)
    # n_wrong wrong symmetric triplets (pairs of objects 2..11), then the true pair 0-1 swapped
    # at rank index n_wrong: the wrong triplets' swapped copies share their ranks, so they
    # neither push the true one out of the top 20 (19 wrong) nor pull it in (20 wrong).
    wrong = [(s, o) for s in range(2, 12) for o in range(2, 12) if s < o][:n_wrong]
    predicted = tuple(
        PredictedTriplet(s, "nearby", o, 0.9 - n / 100) for n, (s, o) in enumerate(wrong)
    ) + (PredictedTriplet(1, "nearby", 0, 0.5),)
    block = _predcls(objects, [Triplet(0, "nearby", 1)], predicted, symmetric_predicates=SYMMETRIC)
    assert block["R@20"] == recalled_at_20
    assert block["R@50"] == 1.0


def test_sgdet_matches_the_other_orientation_only_when_symmetric(draw):
    building = draw("##..", "##..", "....", "....")
    road = draw("....", "....", "####", "....")
    truth = GroundTruth(
        (4, 4),
        (GroundTruthObject("a", "building", building), GroundTruthObject("b", "road", road)),
        (Triplet(0, "adjacent_to", 1),),
    )
    # the detector lists the road first, so its triplet reads <road adjacent_to building>.
    detection = SGDetPrediction(
        objects=(PredictedObject("road", 0.9, road), PredictedObject("building", 0.9, building)),
        triplets=(PredictedTriplet(0, "adjacent_to", 1, 0.8),),
    )
    samples = [EvaluationSample("t", 2000, truth, sgdet=detection)]
    plain = evaluate(samples)["overall"]
    assert (plain["sgdet"]["R@20"], plain["phrdet"]["R@20"]) == (0.0, 0.0)
    symmetric = evaluate(samples, symmetric_predicates=SYMMETRIC)["overall"]
    assert (symmetric["sgdet"]["R@20"], symmetric["phrdet"]["R@20"]) == (1.0, 1.0)
    assert symmetric["star"]["sgdet"]["MR@1000"] == 1.0


@pytest.mark.parametrize(
    ("predicates", "named"), [({"nearby", ""}, "''"), ({None}, "None"), ("nearby", "'nearby'")]
)
def test_bad_symmetric_predicates_are_refused(predicates, named):
    with pytest.raises(InvalidEvaluationInput, match=f"symmetric_predicates.*{named}"):
        evaluate([], symmetric_predicates=predicates)
