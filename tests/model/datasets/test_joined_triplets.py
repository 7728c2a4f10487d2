"""Triplets of a tile from the rules, the model, or both, as evaluation scores them."""

from __future__ import annotations

import numpy as np
import pytest

from model.datasets.predictors import joined_triplets
from model.datasets.relate import TileGrid, relate_masks
from model.inference import RelationTriplet

GRID = TileGrid.nominal(2000, 0.5)


def _box(rows: slice, cols: slice) -> np.ndarray:
    mask = np.zeros((64, 64), dtype=bool)
    mask[rows, cols] = True
    return mask


CLASSES = ["building", "road", "building"]
MASKS = [
    _box(slice(0, 10), slice(0, 10)),
    _box(slice(10, 14), slice(0, 64)),  # touches building 0 along its lower side
    _box(slice(30, 40), slice(30, 40)),  # 8 m below the road: nearby
]


def _rules() -> set[tuple[int, str, int]]:
    found = relate_masks([f"{n:06d}" for n in range(3)], CLASSES, MASKS, GRID)
    return {(int(r.subject_key), r.predicate, int(r.object_key)) for r in found}


def test_rules_alone_score_every_rule_triplet_one() -> None:
    rules = _rules()
    assert (0, "adjacent_to", 1) in rules and (1, "nearby", 2) in rules
    joined = joined_triplets(CLASSES, MASKS, GRID, [], "rules", floor=0.05)
    assert {(t.subject, t.predicate, t.object) for t in joined} == rules
    assert {t.score for t in joined} == {1.0}


def test_both_rescores_rules_and_keeps_confident_model_only_triplets() -> None:
    learned = [
        RelationTriplet(0, "adjacent_to", 1, 0.9),
        RelationTriplet(0, "around", 2, 0.7),  # the rules do not see it: kept, origin model
        RelationTriplet(2, "around", 0, 0.2),  # below MODEL_ONLY_MIN_SCORE: left out
    ]
    joined = {
        (t.subject, t.predicate, t.object): t.score
        for t in joined_triplets(CLASSES, MASKS, GRID, learned, "both", floor=0.05)
    }
    assert joined[(0, "adjacent_to", 1)] == pytest.approx(0.9)
    assert joined[(0, "around", 2)] == pytest.approx(0.7)
    assert (2, "around", 0) not in joined
    unscored = set(_rules()) - {(0, "adjacent_to", 1)}
    assert unscored and all(joined[t] == pytest.approx(0.025) for t in unscored)


def test_both_without_a_floor_keeps_unscored_rules_at_one() -> None:
    joined = joined_triplets(CLASSES, MASKS, GRID, [], "both", floor=None)
    assert {t.score for t in joined} == {1.0}


def test_model_alone_is_the_learned_triplets_as_given() -> None:
    learned = [RelationTriplet(2, "around", 0, 0.2)]
    (only,) = joined_triplets(CLASSES, MASKS, GRID, learned, "model", floor=0.05)
    assert (only.subject, only.predicate, only.object, only.score) == (2, "around", 0, 0.2)


def test_empty_masks_take_no_part_in_the_rules() -> None:
    masks = [*MASKS[:2], np.zeros((64, 64), dtype=bool)]
    joined = joined_triplets(CLASSES, masks, GRID, [], "rules", floor=None)
    assert joined and all(2 not in (t.subject, t.object) for t in joined)
