"""Input checks before writing (pure, no database): each bad record gets its named error."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, Point, Polygon, box

from graphdb.errors import DuplicateKey, InvalidGeometry, InvalidRecord, UnknownTerm
from graphdb.validate import CanonicalRelation, canonical_relations, check_objects
from ingest.records import MapObject, Relation

GOOD = box(9.50, 47.10, 9.51, 47.11)


@pytest.mark.parametrize(
    ("record", "error"),
    [
        (MapObject("k", "castle", 2000, GOOD), UnknownTerm),
        (MapObject("k", "building", 5000, GOOD), UnknownTerm),
        (MapObject("", "building", 2000, GOOD), InvalidRecord),
        (MapObject("k", "building", 2000, GOOD, confidence=1.5), InvalidRecord),
        (MapObject("k", "building", 2000, Polygon()), InvalidGeometry),
        (MapObject("k", "building", 2000, box(600000, 5200000, 600010, 5200010)), InvalidGeometry),
        (MapObject("k", "building", 2000, Point(9.5, 91.0)), InvalidGeometry),
        (MapObject("k", "building", 2000, Point(math.nan, 47.0)), InvalidGeometry),
        (
            MapObject("k", "building", 2000, Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])),
            InvalidGeometry,
        ),
    ],
    ids=[
        "unknown-class", "unknown-scale", "empty-key", "confidence", "empty-geometry",
        "projected-coordinates", "latitude-out-of-range", "nan", "bow-tie",
    ],
)  # fmt: skip
def test_bad_objects_are_refused(record: MapObject, error: type[Exception]) -> None:
    ok = MapObject("ok", "building", 2000, GOOD)
    with pytest.raises(error):
        check_objects([ok, record])


def test_a_key_names_one_object_per_batch() -> None:
    twice = [
        MapObject("way/1", "road", 2000, LineString([(9.5, 47.1), (9.6, 47.1)])),
        MapObject("way/1", "road", 10000, LineString([(9.5, 47.1), (9.6, 47.1)])),
    ]
    with pytest.raises(DuplicateKey, match="way/1"):
        check_objects(twice)


def test_inverse_predicates_are_stored_in_the_canonical_direction() -> None:
    result = canonical_relations(
        [
            Relation("block", "consists_of", "house", cross_scale=True),
            Relation("river", "passing_under", "bridge", confidence=0.7, origin="model"),
            Relation("bridge", "passing_over", "road"),
        ]
    )
    assert result == [
        CanonicalRelation("house", "PART_OF", "block", 1.0, "rules", True),
        CanonicalRelation("bridge", "PASSING_OVER", "river", 0.7, "model", False),
        CanonicalRelation("bridge", "PASSING_OVER", "road", 1.0, "rules", False),
    ]


@pytest.mark.parametrize(
    ("relation", "error"),
    [
        (Relation("a", "flies_over", "b"), UnknownTerm),
        (Relation("a", "nearby", "a"), InvalidRecord),
        (Relation("a", "nearby", "b", origin="guess"), InvalidRecord),  # type: ignore[arg-type]
        (Relation("a", "nearby", "b", confidence=-0.1), InvalidRecord),
        (Relation("a", "nearby", "b", cross_scale=True), InvalidRecord),
    ],
    ids=["unknown-predicate", "self", "origin", "confidence", "cross-scale-not-part-of"],
)
def test_bad_relations_are_refused(relation: Relation, error: type[Exception]) -> None:
    with pytest.raises(error):
        canonical_relations([relation])
