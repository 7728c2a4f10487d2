"""The 16 predicates of orthograph scene graphs, each with an exact, testable definition.

Predicates describe spatial topology (geometric), function (functional) and hierarchy
(hierarchical). Distances and lengths are ground metres at the scale the relation is stated at,
using that scale's thresholds (``Scale.nearby_m``, ``distant_m``, ``simplify_tolerance_m`` and
``min_length_m``); distances up to ``simplify_tolerance_m`` count as contact. A "layer" is the
effective OSM layer of ``ingest.ontology.osm.osm_layer`` (model objects have layer 0, bridges 1).

Three pairs are inverses (inside/contains, passing_over/passing_under, part_of/consists_of).
Each pair is stored once, under its first name (``stored`` is True) with its subject and object
in that reading; ``canonical_triplet`` turns the other name into it. Symmetric predicates hold
both ways and are stored once per pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from ingest.errors import NonCanonicalPredicate, UnknownPredicate
from ingest.ontology.names import graphql_enum_name, unknown_id_message

PredicateKind = Literal["geometric", "functional", "hierarchical"]

INSIDE_MIN_SHARE = 0.9
"""Share of the subject (area; length for a line) that must lie in the object for ``inside``."""

ADJACENT_MAX_OVERLAP = 0.1
"""Largest overlap, as a share of the smaller polygon's area, that still counts as ``adjacent_to``
rather than one lying in the other."""

ALONG_MIN_SHARE = 0.5
"""Share of the subject line's length that must run near and parallel to the object (``along``)."""

ALONG_MAX_ANGLE_DEG = 30.0
"""Largest angle, in degrees (directions taken modulo 180°), that still counts as parallel."""

PART_OF_MIN_SHARE = 0.5
"""Share of a fine-scale subject (area, length, or the point) that must lie in its coarse parent."""

WATER_CLASSES = frozenset({"river", "stream", "water_body", "reservoir"})
"""Classes that have banks (the objects of ``on_bank_of``)."""

COMPOSITE_CLASSES = frozenset(
    {"residential_block", "settlement", "industrial_site", "industrial_zone", "farm", "airport",
     "port"}
)  # fmt: skip
"""Classes made of other objects: what lies in one of them is ``part_of`` it, not ``inside``."""

SERVES_PAIRS = frozenset(
    {("railway_station", "railway"), ("dam", "reservoir")}
    | {
        ("road", site)
        for site in ("parking_lot", "industrial_site", "farm", "airport", "port", "quarry",
                     "sports_ground", "cemetery")
    }
    | {("railway", "industrial_site"), ("railway", "port"), ("railway", "quarry")}
)  # fmt: skip
"""The (subject class, object class) pairs ``serves`` is stated for."""


@dataclass(frozen=True)
class Predicate:
    """A predicate: id, kind, exact definition, inverse name, whether stored, whether symmetric."""

    id: str
    kind: PredicateKind
    definition: str
    inverse: str | None
    stored: bool
    symmetric: bool


def _predicate(
    id: str,
    kind: PredicateKind,
    definition: str,
    *,
    inverse: str | None = None,
    stored: bool = True,
    symmetric: bool = False,
) -> Predicate:
    return Predicate(id, kind, definition, inverse, stored, symmetric)


_SITES = ", ".join(sorted({obj for subj, obj in SERVES_PAIRS if subj in ("road", "railway")}))

PREDICATES: Mapping[str, Predicate] = MappingProxyType(
    {
        p.id: p
        for p in (
            _predicate(
                "inside",
                "geometric",
                f"The subject lies in the object's polygon: at least {INSIDE_MIN_SHARE:.0%} of "
                "the subject's area (its length for a line; the point itself for a point) is "
                "within the object, the subject is smaller than the object, and the object's "
                "class is not composite (there the relation is part_of).",
                inverse="contains",
            ),
            _predicate(
                "contains",
                "geometric",
                "Inverse of inside: the object lies in the subject's polygon. Never stored.",
                inverse="inside",
                stored=False,
            ),
            _predicate(
                "adjacent_to",
                "geometric",
                "Two polygons that share a border: their shortest distance is at most "
                "simplify_tolerance_m and their overlap is below "
                f"{ADJACENT_MAX_OVERLAP:.0%} of the smaller one's area.",
                symmetric=True,
            ),
            _predicate(
                "crosses",
                "geometric",
                "Two lines that cross at grade: their interiors intersect in isolated points "
                "only and both are on the same layer (otherwise one passes over the other).",
                symmetric=True,
            ),
            _predicate(
                "passing_through",
                "geometric",
                "A line that traverses a polygon: both of the subject's endpoints lie outside "
                "the object and the part of the subject inside it is at least min_length_m "
                "long (a road through a forest, a river through a settlement).",
            ),
            _predicate(
                "passing_over",
                "geometric",
                "The subject is on a higher layer than the object (a missing layer is 1 on a "
                "bridge, -1 in a tunnel, 0 otherwise) and their interiors intersect; touching "
                "at an endpoint only (a bridge meeting the road it carries) does not count.",
                inverse="passing_under",
            ),
            _predicate(
                "passing_under",
                "geometric",
                "Inverse of passing_over: the subject is below the object. Never stored.",
                inverse="passing_over",
                stored=False,
            ),
            _predicate(
                "along",
                "geometric",
                "A line that follows another line or a polygon's edge: the segments of the "
                "subject (cut to at most nearby_m long) that lie within nearby_m of the object "
                f"and at most {ALONG_MAX_ANGLE_DEG:.0f} degrees off the direction of the "
                "object's nearest segment add up to at least "
                f"{ALONG_MIN_SHARE:.0%} of the subject's length.",
            ),
            _predicate(
                "around",
                "geometric",
                f"The subject encloses the object: at least {INSIDE_MIN_SHARE:.0%} of the "
                "object lies within the subject's outline with its holes filled (for a line, "
                "the ring it closes, its ends at most simplify_tolerance_m apart), while less "
                f"than {ADJACENT_MAX_OVERLAP:.0%} of the object overlaps the subject itself "
                "(a forest around a lake in its clearing, a ring road around a settlement).",
            ),
            _predicate(
                "nearby",
                "geometric",
                "The shortest distance between the two geometries is more than "
                "simplify_tolerance_m and at most nearby_m.",
                symmetric=True,
            ),
            _predicate(
                "distant",
                "geometric",
                "The shortest distance between the two geometries is more than nearby_m and "
                "at most distant_m; pairs further apart have no relation.",
                symmetric=True,
            ),
            _predicate(
                "connected_to",
                "geometric",
                "Two lines that join: an endpoint of one lies within simplify_tolerance_m of "
                "an endpoint of the other, on any layers (a bridge meets its approach roads), "
                "or of the other's interior when both are on the same layer (a T-junction, a "
                "stream's mouth).",
                symmetric=True,
            ),
            _predicate(
                "serves",
                "functional",
                "The subject gives access or service to the object, only for the class pairs "
                "of SERVES_PAIRS: a railway_station within nearby_m of the railway; a dam "
                "within nearby_m of the reservoir it holds; a road or railway with an endpoint "
                "inside, or within simplify_tolerance_m of, a site it leads to "
                f"({_SITES}).",
            ),
            _predicate(
                "on_bank_of",
                "geometric",
                "The subject lies by water: the object is a river, stream, water_body or "
                "reservoir and the subject is none of these, the shortest distance from the "
                "subject to the object's edge (its line, or its polygon's boundary) is at most "
                "nearby_m, and the subject neither crosses the object's line nor enters its "
                "polygon's interior (a bridge over a river is passing_over it).",
            ),
            _predicate(
                "part_of",
                "hierarchical",
                "The subject is one of the pieces the object is made of. Within a scale: the "
                "subject lies in an object of a composite class by the inside rule. Across "
                "scales: the object is at the next coarser scale of the ladder and holds at "
                f"least {PART_OF_MIN_SHARE:.0%} of the subject (area, length or the point); "
                "each subject has at most one such parent, the one holding the largest share, "
                "and the edge carries cross_scale=true.",
                inverse="consists_of",
            ),
            _predicate(
                "consists_of",
                "hierarchical",
                "Inverse of part_of: the object is one of the subject's pieces. Never stored.",
                inverse="part_of",
                stored=False,
            ),
        )
    }
)
"""Every predicate by id, in the fixed order of ``PREDICATE_IDS``."""

PREDICATE_IDS: tuple[str, ...] = tuple(PREDICATES)
"""Predicate ids in a fixed order; a predicate's index here is its index in the model."""


def get_predicate(predicate_id: str) -> Predicate:
    """The predicate with this id; raises UnknownPredicate naming the closest id and listing all."""
    try:
        return PREDICATES[predicate_id]
    except (KeyError, TypeError):
        raise UnknownPredicate(
            unknown_id_message("predicate", predicate_id, PREDICATE_IDS)
        ) from None


def canonical_triplet(subject: str, predicate: str, obj: str) -> tuple[str, str, str]:
    """The stored reading of a triplet: an inverse name is flipped, subject and object swapped.

    ``("river", "passing_under", "bridge")`` -> ``("bridge", "passing_over", "river")``; any
    stored name (including the symmetric ones) comes back unchanged.
    """
    found = get_predicate(predicate)
    if found.stored or found.inverse is None:
        return subject, predicate, obj
    return obj, found.inverse, subject


def relationship_type(predicate_id: str) -> str:
    """The Neo4j relationship type of a stored predicate ("passing_over" -> "PASSING_OVER").

    Only stored names have a type; an inverse name raises NonCanonicalPredicate, because
    mapping it silently would store the edge backwards. Call ``canonical_triplet`` first.
    """
    found = get_predicate(predicate_id)
    if not found.stored:
        raise NonCanonicalPredicate(
            f"{predicate_id!r} is never stored; store {found.inverse!r} with subject and object "
            "swapped (ingest.ontology.canonical_triplet does this)"
        )
    return graphql_enum_name(predicate_id)
