"""Model triplets on merged objects: stored direction, one per object pair, agreement with rules."""

from __future__ import annotations

import pytest

from ingest.imagery.triplets import PieceTriplet, combine, model_relations
from ingest.records import Relation

OWNERS = ["raster/b", "raster/a", "raster/b", None, "raster/c"]
"""Owner keys of five pieces: pieces 0 and 2 are one object, piece 3 was dropped."""


def test_inverse_names_are_stored_in_the_canonical_direction() -> None:
    found = model_relations([PieceTriplet(1, "contains", 4, 0.7)], OWNERS)
    assert found == {("raster/c", "inside", "raster/a"): 0.7}


def test_symmetric_predicates_put_the_smaller_key_first() -> None:
    found = model_relations([PieceTriplet(0, "adjacent_to", 1, 0.4)], OWNERS)
    assert found == {("raster/a", "adjacent_to", "raster/b"): 0.4}


def test_the_same_triplet_from_several_tiles_keeps_its_best_score() -> None:
    triplets = [
        PieceTriplet(0, "passing_over", 4, 0.3),
        PieceTriplet(2, "passing_over", 4, 0.9),
        PieceTriplet(4, "passing_under", 2, 0.5),
    ]
    assert model_relations(triplets, OWNERS) == {("raster/b", "passing_over", "raster/c"): 0.9}


def test_triplets_with_a_dropped_piece_or_within_one_object_are_left_out() -> None:
    triplets = [PieceTriplet(3, "nearby", 1, 0.9), PieceTriplet(0, "adjacent_to", 2, 0.9)]
    assert model_relations(triplets, OWNERS) == {}


def test_agreement_with_the_rules_is_marked_both_and_rescored_by_the_model() -> None:
    rules = [
        Relation("raster/a", "adjacent_to", "raster/b", confidence=0.6),
        Relation("raster/a", "nearby", "raster/c", confidence=0.5),
        Relation("raster/b", "part_of", "raster/z", confidence=1.0, cross_scale=True),
    ]
    model = {
        ("raster/a", "adjacent_to", "raster/b"): 0.8,
        ("raster/c", "inside", "raster/a"): 0.7,
        ("raster/b", "part_of", "raster/z"): 0.9,
        ("raster/c", "nearby", "raster/b"): 0.3,
    }
    combined = {
        (r.subject_key, r.predicate, r.object_key, r.cross_scale): r for r in combine(rules, model)
    }
    assert len(combined) == 5
    both = combined[("raster/a", "adjacent_to", "raster/b", False)]
    assert both.origin == "both"
    assert both.confidence == pytest.approx(0.6 * 0.8)
    assert combined[("raster/a", "nearby", "raster/c", False)].origin == "rules"
    assert combined[("raster/b", "part_of", "raster/z", True)].origin == "rules"
    model_only = combined[("raster/c", "inside", "raster/a", False)]
    assert (model_only.origin, model_only.confidence) == ("model", 0.7)
    within = combined[("raster/b", "part_of", "raster/z", False)]
    assert (within.origin, within.confidence) == ("model", 0.9)
    assert ("raster/c", "nearby", "raster/b", False) not in combined  # below MODEL_ONLY_MIN_SCORE
