"""Cypher text, one statement per ``.cypher`` file, loaded once and typed as ``LiteralString``.

Values always travel as ``$parameters``. The one thing Cypher cannot take as a parameter that
the queries need is a relationship type in a pattern (``MERGE`` needs one; a read that expands
one type should not walk every relationship of a node and filter); :func:`typed` fills the
``REL_TYPE`` placeholder of a template, and only with a type of the ontology's fixed set
(checked against it).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import LiteralString, cast

from ingest.ontology import PREDICATE_IDS, get_predicate, relationship_type

_PLACEHOLDER = "REL_TYPE"
_TYPE_SHAPE = re.compile(r"[A-Z][A-Z_]*")


@cache
def load(name: str) -> LiteralString:
    """The text of ``graphdb/queries/<name>.cypher``."""
    text = (files(__package__) / f"{name}.cypher").read_text(encoding="utf-8")
    return cast(LiteralString, text)


@cache
def stored_types() -> frozenset[str]:
    """Relationship types of the stored (canonical) predicates: the only types ever written."""
    return frozenset(relationship_type(p) for p in PREDICATE_IDS if get_predicate(p).stored)


@cache
def typed(name: str, rel_type: str) -> LiteralString:
    """Template ``name`` with its ``REL_TYPE`` placeholder set to the validated ``rel_type``."""
    if rel_type not in stored_types() or not _TYPE_SHAPE.fullmatch(rel_type):
        raise ValueError(f"{rel_type!r} is not a stored relationship type of the ontology")
    template = load(name)
    if _PLACEHOLDER not in template:
        raise ValueError(f"query {name!r} is not a relationship-type template")
    return cast(LiteralString, template.replace(_PLACEHOLDER, rel_type))
