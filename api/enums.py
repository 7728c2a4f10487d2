"""GraphQL enums. Object classes and predicates are generated from the ontology, so the schema
cannot drift from it: each value is the UPPER_SNAKE spelling of an ontology id and carries that
id (``ObjectClass.BRIDGE.value == "bridge"``)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import strawberry

from graphdb.alerts import Decision
from graphdb.diff import ChangeKind as DiffChangeKind
from graphdb.diff import Severity as DiffSeverity
from graphdb.models import StateStatus as GraphStateStatus
from ingest.ontology import CLASS_IDS, PREDICATE_IDS, get_class, get_predicate, graphql_enum_name

_ObjectClass = Enum(  # type: ignore[misc]
    "ObjectClass",
    {
        graphql_enum_name(c): strawberry.enum_value(c, description=get_class(c).description)
        for c in CLASS_IDS
    },
    module=__name__,
)
_Predicate = Enum(  # type: ignore[misc]
    "Predicate",
    {
        graphql_enum_name(p): strawberry.enum_value(p, description=get_predicate(p).definition)
        for p in PREDICATE_IDS
    },
    module=__name__,
)

if TYPE_CHECKING:
    # What type checkers see: the members exist only at run time, made from the ontology.
    class ObjectClass(Enum):
        value: str

    class Predicate(Enum):
        value: str

else:
    ObjectClass = strawberry.enum(
        _ObjectClass,
        name="ObjectClass",
        description="The 32 object classes of the ontology.",
    )
    Predicate = strawberry.enum(
        _Predicate,
        name="Predicate",
        description="The 16 predicates; inverse names (CONTAINS, PASSING_UNDER, CONSISTS_OF) "
        "read stored edges backwards.",
    )


@strawberry.enum(description="How serious a change alert is.")
class Severity(Enum):
    LOW = DiffSeverity.LOW
    MEDIUM = DiffSeverity.MEDIUM
    HIGH = DiffSeverity.HIGH


@strawberry.enum(description="What a diff found.")
class ChangeKind(Enum):
    APPEARED = DiffChangeKind.APPEARED
    DISAPPEARED = DiffChangeKind.DISAPPEARED
    RECLASSIFIED = DiffChangeKind.RECLASSIFIED
    GEOMETRY_CHANGED = DiffChangeKind.GEOMETRY_CHANGED
    RELATION_APPEARED = DiffChangeKind.RELATION_APPEARED
    RELATION_VANISHED = DiffChangeKind.RELATION_VANISHED


@strawberry.enum(
    description="Life of a map state version (a name reads its COMMITTED or RETIRED version; "
    "REPLACED versions read by id)."
)
class StateStatus(Enum):
    UNCOMMITTED = GraphStateStatus.UNCOMMITTED
    COMMITTED = GraphStateStatus.COMMITTED
    RETIRED = GraphStateStatus.RETIRED
    REPLACED = GraphStateStatus.REPLACED
    DISCARDING = GraphStateStatus.DISCARDING


@strawberry.enum(description="A map editor's decision on an alert.")
class AlertDecision(Enum):
    ACCEPT = Decision.ACCEPT
    REJECT = Decision.REJECT


@strawberry.enum(description="Which end of a relation the object is, in the predicate's reading.")
class RelationDirection(Enum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"
    BOTH = "both"
