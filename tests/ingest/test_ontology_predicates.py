"""The 16 predicates: ids, kinds, inverse pairs, storage direction and Neo4j types."""

import re

import pytest

from ingest.errors import NonCanonicalPredicate, UnknownPredicate
from ingest.ontology import (
    ADJACENT_MAX_OVERLAP,
    ALONG_MAX_ANGLE_DEG,
    ALONG_MIN_SHARE,
    CLASS_IDS,
    COMPOSITE_CLASSES,
    INSIDE_MIN_SHARE,
    PART_OF_MIN_SHARE,
    PREDICATE_IDS,
    PREDICATES,
    SERVES_PAIRS,
    WATER_CLASSES,
    canonical_triplet,
    get_predicate,
    relationship_type,
)

METHOD_PREDICATE_IDS = (
    "inside", "contains", "adjacent_to", "crosses", "passing_through", "passing_over",
    "passing_under", "along", "around", "nearby", "distant", "connected_to", "serves",
    "on_bank_of", "part_of", "consists_of",
)  # fmt: skip
INVERSE_PAIRS = {
    ("inside", "contains"),
    ("passing_over", "passing_under"),
    ("part_of", "consists_of"),
}


def test_predicate_ids_are_the_16_of_method_md_in_fixed_order() -> None:
    assert PREDICATE_IDS == METHOD_PREDICATE_IDS
    assert tuple(PREDICATES) == PREDICATE_IDS
    assert all(PREDICATES[i].id == i for i in PREDICATE_IDS)


def test_kinds() -> None:
    by_kind: dict[str, set[str]] = {}
    for p in PREDICATES.values():
        by_kind.setdefault(p.kind, set()).add(p.id)
    assert by_kind["hierarchical"] == {"part_of", "consists_of"}
    assert by_kind["functional"] == {"serves"}
    assert len(by_kind["geometric"]) == 13 and set(by_kind) == {
        "geometric",
        "functional",
        "hierarchical",
    }


def test_inverse_pairs_and_stored_direction() -> None:
    for stored, inverse in INVERSE_PAIRS:
        assert get_predicate(stored).inverse == inverse and get_predicate(stored).stored
        assert get_predicate(inverse).inverse == stored and not get_predicate(inverse).stored
    paired = {p for pair in INVERSE_PAIRS for p in pair}
    for p in PREDICATES.values():
        if p.id not in paired:
            assert p.inverse is None and p.stored, p.id


def test_symmetric_predicates() -> None:
    symmetric = {p.id for p in PREDICATES.values() if p.symmetric}
    assert symmetric == {"adjacent_to", "crosses", "nearby", "distant", "connected_to"}
    assert all(get_predicate(p).inverse is None for p in symmetric)


@pytest.mark.parametrize(
    ("triplet", "stored"),
    [
        (("lake", "contains", "island"), ("island", "inside", "lake")),
        (("river", "passing_under", "bridge"), ("bridge", "passing_over", "river")),
        (("block", "consists_of", "building"), ("building", "part_of", "block")),
        (("bridge", "passing_over", "river"), ("bridge", "passing_over", "river")),
        (("road", "crosses", "railway"), ("road", "crosses", "railway")),
        (("station", "serves", "railway"), ("station", "serves", "railway")),
    ],
)
def test_canonical_triplet(triplet: tuple[str, str, str], stored: tuple[str, str, str]) -> None:
    assert canonical_triplet(*triplet) == stored


@pytest.mark.parametrize("predicate", PREDICATE_IDS)
def test_canonical_triplet_always_gives_a_stored_name_and_is_idempotent(predicate: str) -> None:
    once = canonical_triplet("a", predicate, "b")
    assert get_predicate(once[1]).stored
    assert canonical_triplet(*once) == once


def test_canonical_triplet_unknown_predicate() -> None:
    with pytest.raises(UnknownPredicate, match="'over'"):
        canonical_triplet("bridge", "over", "river")


def test_relationship_types() -> None:
    assert relationship_type("passing_over") == "PASSING_OVER"
    assert relationship_type("part_of") == "PART_OF"
    stored = [p.id for p in PREDICATES.values() if p.stored]
    types = [relationship_type(p) for p in stored]
    assert len(stored) == 13 and len(set(types)) == 13
    assert all(re.fullmatch(r"[A-Z][A-Z_]*", t) for t in types)


@pytest.mark.parametrize(
    ("inverse", "stored"),
    [("contains", "inside"), ("passing_under", "passing_over"), ("consists_of", "part_of")],
)
def test_relationship_type_refuses_inverse_names(inverse: str, stored: str) -> None:
    with pytest.raises(NonCanonicalPredicate, match=f"'{inverse}'.*'{stored}'") as caught:
        relationship_type(inverse)
    assert isinstance(caught.value, ValueError)


def test_unknown_predicate_suggests_the_closest_id() -> None:
    with pytest.raises(UnknownPredicate, match="did you mean 'passing_over'") as caught:
        get_predicate("pasing_over")
    assert "'pasing_over'" in str(caught.value) and isinstance(caught.value, ValueError)
    with pytest.raises(UnknownPredicate, match="'beside'.*valid: inside, contains"):
        relationship_type("beside")


def test_thresholds() -> None:
    assert INSIDE_MIN_SHARE == 0.9
    assert ADJACENT_MAX_OVERLAP == 0.1
    assert ALONG_MIN_SHARE == 0.5
    assert ALONG_MAX_ANGLE_DEG == 30.0
    assert PART_OF_MIN_SHARE == 0.5


@pytest.mark.parametrize(
    ("predicate", "phrases"),
    [
        ("inside", ["at least 90%", "not composite", "part_of"]),
        ("adjacent_to", ["simplify_tolerance_m", "below 10%"]),
        ("crosses", ["interiors intersect in isolated points", "same layer"]),
        ("passing_through", ["endpoints lie outside", "min_length_m"]),
        ("passing_over", ["higher layer", "1 on a bridge", "0 otherwise", "interiors intersect"]),
        ("along", ["nearby_m", "30 degrees", "at least 50%"]),
        ("around", ["holes filled", "less than 10%"]),
        ("nearby", ["more than simplify_tolerance_m and at most nearby_m"]),
        ("distant", ["more than nearby_m and at most distant_m"]),
        ("connected_to", ["endpoint", "same layer"]),
        ("serves", ["SERVES_PAIRS", "railway_station within nearby_m"]),
        ("on_bank_of", ["river, stream, water_body or reservoir", "nearby_m"]),
        ("part_of", ["next coarser scale", "at least 50%", "cross_scale=true"]),
    ],
)
def test_definitions_are_exact(predicate: str, phrases: list[str]) -> None:
    definition = get_predicate(predicate).definition
    for phrase in phrases:
        assert phrase in definition, phrase


def test_class_sets_name_real_classes() -> None:
    assert sorted(WATER_CLASSES) == ["reservoir", "river", "stream", "water_body"]
    assert {"residential_block", "settlement", "industrial_site"} <= COMPOSITE_CLASSES
    assert COMPOSITE_CLASSES.issubset(CLASS_IDS)
    assert {c for pair in SERVES_PAIRS for c in pair} <= set(CLASS_IDS)
    assert {
        ("railway_station", "railway"),
        ("road", "parking_lot"),
        ("dam", "reservoir"),
    } <= SERVES_PAIRS
