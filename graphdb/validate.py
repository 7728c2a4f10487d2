"""Checks on input records before anything is written: a bad batch is refused whole.

Everything here is pure (no database): unknown class, scale or predicate ids, empty, invalid or
out-of-range geometry, duplicate keys and self-relations raise a named
:class:`~graphdb.errors.InvalidRecord`. Inverse predicate names are turned into their stored
reading here, so the writer only ever sees canonical relations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely

from graphdb.errors import DuplicateKey, InvalidGeometry, InvalidRecord, UnknownTerm
from graphdb.geometry import GeometryArray
from ingest.ontology import (
    canonical_triplet,
    get_class,
    get_predicate,
    get_scale,
    relationship_type,
)
from ingest.records import MapObject, Relation

PART_OF = relationship_type("part_of")
ORIGINS = frozenset({"model", "rules", "both"})
_SHOWN = 5


@dataclass(frozen=True, slots=True)
class CanonicalRelation:
    """A relation in its stored direction, with the Neo4j relationship type it is written as."""

    subject_key: str
    rel_type: str
    object_key: str
    confidence: float
    origin: str
    cross_scale: bool


def check_objects(objects: Sequence[MapObject]) -> GeometryArray:
    """Refuse bad objects; return their geometries as an array for the row builder."""
    _check_terms((o.cls for o in objects), get_class, (o.key for o in objects))
    _check_terms((o.scale for o in objects), get_scale, (o.key for o in objects))
    for obj in objects:
        if not isinstance(obj.key, str) or not obj.key:
            raise InvalidRecord(f"object key {obj.key!r} must be a non-empty string")
        if not _is_confidence(obj.confidence):
            raise InvalidRecord(
                f"object {obj.key!r}: confidence {obj.confidence!r} must be in [0, 1]"
            )
    repeated = [key for key, n in Counter(o.key for o in objects).items() if n > 1]
    if repeated:
        raise DuplicateKey(
            f"keys {_sample(repeated)} name more than one object in the batch; a key must name "
            "one object per state (make keys unique, e.g. suffix the scale)"
        )
    geoms = np.array([o.geometry for o in objects], dtype=object)
    check_geometries(geoms, [o.key for o in objects])
    return geoms


def check_geometries(geoms: GeometryArray, keys: Sequence[str]) -> None:
    """Refuse missing, empty, invalid, non-finite or out-of-WGS84-range geometries."""
    if len(geoms) == 0:
        return
    missing = np.array([not isinstance(g, shapely.Geometry) for g in geoms])
    _refuse(missing, keys, "have no shapely geometry")
    _refuse(shapely.is_empty(geoms), keys, "have an empty geometry")
    bounds = shapely.bounds(geoms)
    finite = np.isfinite(bounds).all(axis=1)
    _refuse(~finite, keys, "have non-finite coordinates")
    in_range = (
        (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180)
        & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    )  # fmt: skip
    _refuse(
        ~in_range, keys,
        "have coordinates outside WGS84 (lon -180..180, lat -90..90); reproject to EPSG:4326 "
        "with x = longitude before writing",
    )  # fmt: skip
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        first = int(np.flatnonzero(invalid)[0])
        reason = shapely.is_valid_reason(geoms[first])
        _refuse(invalid, keys, f"have invalid geometry (first: {reason}); repair with make_valid")


def canonical_relations(relations: Iterable[Relation]) -> list[CanonicalRelation]:
    """Check predicates, confidences and origins; turn inverse names into the stored reading."""
    result = []
    for rel in relations:
        try:
            rel_type, flipped = _stored(rel.predicate)
        except ValueError as exc:
            raise UnknownTerm(f"{_label(rel)}: {exc}") from exc
        subject, obj = (
            (rel.object_key, rel.subject_key) if flipped else (rel.subject_key, rel.object_key)
        )
        if subject == obj:
            raise InvalidRecord(f"{_label(rel)} relates an object to itself; drop it")
        if rel.origin not in ORIGINS:
            raise InvalidRecord(
                f"{_label(rel)}: origin {rel.origin!r} is not one of {sorted(ORIGINS)}"
            )
        if not _is_confidence(rel.confidence):
            raise InvalidRecord(f"{_label(rel)}: confidence {rel.confidence!r} must be in [0, 1]")
        if rel.cross_scale and rel_type != PART_OF:
            raise InvalidRecord(f"{_label(rel)}: only part_of links cross scales")
        result.append(
            CanonicalRelation(
                subject, rel_type, obj, float(rel.confidence), rel.origin, bool(rel.cross_scale)
            )
        )
    return result


@cache
def _stored(predicate: str) -> tuple[str, bool]:
    """Relationship type of a predicate's stored reading, and whether the asked one is flipped."""
    found = get_predicate(predicate)
    if found.stored:
        return relationship_type(found.id), False
    subject, stored, _ = canonical_triplet("s", found.id, "o")
    return relationship_type(stored), subject == "o"


def _check_terms(
    values: Iterable[Any], lookup: Callable[[Any], object], keys: Iterable[str]
) -> None:
    seen: set[object] = set()
    for value, key in zip(values, keys, strict=True):
        if value in seen:
            continue
        try:
            lookup(value)
        except ValueError as exc:
            raise UnknownTerm(f"object {key!r}: {exc}") from exc
        seen.add(value)


def _is_confidence(value: object) -> bool:
    """A number in [0, 1] (NaN fails the comparison, so no separate finiteness test)."""
    return isinstance(value, _NUMBERS) and 0 <= value <= 1


_NUMBERS = (int, float)
"""A tuple: ``isinstance`` with it is markedly cheaper than with ``int | float``, and this runs
once per relation."""


def _label(rel: Relation) -> str:
    return f"relation {rel.subject_key!r} -{rel.predicate}-> {rel.object_key!r}"


def _refuse(bad: np.ndarray, keys: Sequence[str], what: str) -> None:
    if bad.any():
        named = [keys[int(i)] for i in np.flatnonzero(bad)]
        raise InvalidGeometry(f"{len(named)} object(s) {what}: {_sample(named)}")


def _sample(items: Sequence[object]) -> str:
    shown = ", ".join(repr(i) for i in items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")
