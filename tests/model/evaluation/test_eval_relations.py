"""Triplet recalls on PredCls and SGCls predictions, every expected value counted by hand."""

import pytest

from model.evaluation import (
    EvaluationSample,
    GroundTruth,
    ObjectLabel,
    PredClsPrediction,
    PredictedTriplet,
    SGClsPrediction,
    Triplet,
    evaluate,
)

SHAPE = (4, 4)


def _predcls(image_id, objects, truth, predicted):
    return EvaluationSample(
        image_id,
        2000,
        GroundTruth(SHAPE, objects, tuple(truth)),
        predcls=PredClsPrediction(tuple(predicted)),
    )


def test_recall_at_k_cuts_the_ranking(pixel_objects):
    objects = pixel_objects(*["building"] * 7)
    truth = [Triplet(0, "adjacent_to", 1), Triplet(2, "nearby", 3)]
    others = [
        (s, o) for s in range(7) for o in range(7) if s != o and (s, o) not in {(0, 1), (2, 3)}
    ]  # 7 * 6 - 2 = 40 pairs
    ranking = [(s, "distant", o) for s, o in others]
    ranking.insert(10, (0, "adjacent_to", 1))  # rank index 10: inside the top 20
    ranking.insert(30, (2, "nearby", 3))  # rank index 30: outside the top 20, inside the top 50
    predicted = [PredictedTriplet(s, p, o, 1.0 - i / 100) for i, (s, p, o) in enumerate(ranking)]
    block = evaluate([_predcls("t", objects, truth, predicted)])["overall"]["predcls"]
    assert block["R@20"] == pytest.approx(1 / 2)  # only (0, adjacent_to, 1)
    assert block["R@50"] == pytest.approx(2 / 2)
    assert block["R@100"] == pytest.approx(2 / 2)


def test_graph_constraint_keeps_one_predicate_per_pair(pixel_objects):
    objects = pixel_objects("bridge", "river", "road")
    truth = [Triplet(0, "passing_over", 1), Triplet(0, "connected_to", 2)]
    predicted = [
        PredictedTriplet(0, "crosses", 1, 0.9),  # wrong, but the best predicate of pair 0->1
        PredictedTriplet(0, "passing_over", 1, 0.6),  # right, second predicate of pair 0->1
        PredictedTriplet(0, "connected_to", 2, 0.5),  # right
    ]
    block = evaluate([_predcls("t", objects, truth, predicted)])["overall"]["predcls"]
    # graph-constrained: pair 0->1 keeps only "crosses" -> 1 of 2 recalled.
    assert block["R@20"] == pytest.approx(1 / 2)
    # no graph constraint: all three are ranked -> 2 of 2.
    assert block["ngR@20"] == pytest.approx(2 / 2)
    assert block["ngR@20"] >= block["R@20"]


def test_no_graph_constraint_can_also_push_a_triplet_out_of_the_top_k(pixel_objects):
    objects = pixel_objects("bridge", "river", "road", "railway")
    truth = [Triplet(2, "crosses", 3)]
    # pair 0->1 gets 20 wrong predicates, all scored above the one right triplet of pair 2->3.
    wrong = [PredictedTriplet(0, f"p{n}", 1, 0.9 - n / 100) for n in range(20)]
    predicted = [*wrong, PredictedTriplet(2, "crosses", 3, 0.5)]
    block = evaluate([_predcls("t", objects, truth, predicted)])["overall"]["predcls"]
    # graph-constrained: pair 0->1 keeps one triplet, the right one is rank index 1 -> recalled.
    assert block["R@20"] == 1.0
    # no constraint: 20 triplets rank above it, rank index 20 is not < 20 -> missed at K = 20.
    assert block["ngR@20"] == 0.0
    assert block["ngR@50"] == 1.0


def test_mean_recall_averages_over_images_then_predicates(pixel_objects):
    image_a = _predcls(
        "a",
        pixel_objects(*["building"] * 4),
        [Triplet(0, "adjacent_to", 1), Triplet(2, "adjacent_to", 3), Triplet(0, "nearby", 2)],
        [
            PredictedTriplet(0, "adjacent_to", 1, 0.9),
            PredictedTriplet(0, "nearby", 2, 0.8),
            PredictedTriplet(2, "nearby", 3, 0.7),
        ],  # the last one is wrong
    )
    image_b = _predcls(
        "b",
        pixel_objects("building", "building"),
        [Triplet(0, "adjacent_to", 1)],
        [PredictedTriplet(0, "adjacent_to", 1, 0.9)],
    )
    block = evaluate([image_a, image_b])["overall"]["predcls"]
    # R: image a 2/3, image b 1/1 -> (2/3 + 1) / 2 = 5/6
    assert block["R@50"] == pytest.approx(5 / 6)
    # adjacent_to: a 1/2, b 1/1 -> 3/4 ; nearby: a 1/1 -> 1 ; mR = (3/4 + 1) / 2 = 7/8
    assert block["mR@50"] == pytest.approx(7 / 8)
    assert block["mR@100"] == pytest.approx(7 / 8)


def test_zero_shot_recall_counts_only_unseen_triplets(pixel_objects):
    train = [("bridge", "passing_over", "river")]
    image_1 = _predcls(
        "1",
        pixel_objects("bridge", "river", "road"),
        [
            Triplet(0, "passing_over", 1),  # seen in training
            Triplet(0, "connected_to", 2),  # zero-shot: bridge connected_to road
            Triplet(2, "adjacent_to", 1),
        ],  # zero-shot: road adjacent_to river
        [PredictedTriplet(0, "passing_over", 1, 0.9), PredictedTriplet(0, "connected_to", 2, 0.8)],
    )
    image_2 = _predcls(  # no zero-shot ground truth: left out of zR
        "2",
        pixel_objects("bridge", "river"),
        [Triplet(0, "passing_over", 1)],
        [PredictedTriplet(0, "crosses", 1, 0.9)],
    )
    block = evaluate([image_1, image_2], train_triplets=train)["overall"]["predcls"]
    assert block["R@50"] == pytest.approx((2 / 3 + 0) / 2)
    assert block["zR@50"] == pytest.approx(1 / 2)  # image 1: connected_to found, adjacent_to not
    without_training_set = evaluate([image_1, image_2])["overall"]["predcls"]
    assert without_training_set["zR@50"] is None


def test_images_without_relations_are_skipped(pixel_objects):
    with_relations = _predcls(
        "a",
        pixel_objects("bridge", "river"),
        [Triplet(0, "passing_over", 1)],
        [PredictedTriplet(0, "passing_over", 1, 0.9)],
    )
    without_relations = _predcls(
        "b",
        pixel_objects("bridge", "river"),
        [],
        [PredictedTriplet(0, "crosses", 1, 0.9)],
    )
    report = evaluate([with_relations, without_relations])["overall"]
    assert report["images"] == 2
    assert report["predcls"]["R@20"] == 1.0  # averaged over image a only, not (1 + 0) / 2
    assert evaluate([without_relations])["overall"]["predcls"] is None


def test_sgcls_needs_both_labels_right(pixel_objects):
    objects = pixel_objects("bridge", "river", "road")
    truth = GroundTruth(
        SHAPE, objects, (Triplet(0, "passing_over", 1), Triplet(0, "connected_to", 2))
    )
    prediction = SGClsPrediction(
        labels=(ObjectLabel("bridge", 0.9), ObjectLabel("river", 0.8), ObjectLabel("railway", 0.7)),
        triplets=(
            PredictedTriplet(0, "passing_over", 1, 0.5),
            PredictedTriplet(0, "connected_to", 2, 0.5),
        ),
    )
    block = evaluate([EvaluationSample("t", 2000, truth, sgcls=prediction)])["overall"]["sgcls"]
    # object 2 is labelled railway, not road: only (0, passing_over, 1) can match -> 1/2.
    assert block["R@20"] == pytest.approx(1 / 2)
    assert block["ngR@20"] == pytest.approx(1 / 2)


def test_star_recall_uses_unique_pairs(pixel_objects):
    objects = pixel_objects("bridge", "river", "road")
    truth = [
        Triplet(0, "passing_over", 1),
        Triplet(0, "crosses", 1),  # two predicates, pair 0->1
        Triplet(2, "adjacent_to", 1),
    ]  # pair 2->1
    predicted = [
        PredictedTriplet(0, "passing_over", 1, 0.9),
        PredictedTriplet(0, "crosses", 1, 0.8),  # dropped by the graph constraint
        PredictedTriplet(2, "adjacent_to", 1, 0.7),
    ]
    overall = evaluate([_predcls("t", objects, truth, predicted)])["overall"]
    assert overall["predcls"]["R@100"] == pytest.approx(2 / 3)  # 2 of 3 triplets
    star = overall["star"]["predcls"]
    assert star["MR@1000"] == pytest.approx(2 / 2)  # both distinct pairs have a recalled triplet
    # mMR: passing_over 1/1, crosses 0/1, adjacent_to 1/1 -> 2/3
    assert star["mMR@1500"] == pytest.approx(2 / 3)
    # HMR = 2 * 1 * (2/3) / (1 + 2/3) = (4/3) / (5/3) = 4/5
    assert star["HMR@1500"] == pytest.approx(4 / 5)
