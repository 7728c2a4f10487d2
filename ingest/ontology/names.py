"""Identifier spelling shared by the ontology: enum names, node labels, "unknown id" messages.

Ontology ids are lower_snake_case everywhere (Python, Neo4j properties, exports); GraphQL enum
values and Neo4j relationship types spell the same id in UPPER_SNAKE_CASE, and the class label
of an object node in PascalCase (``water_body`` <-> ``WATER_BODY`` <-> ``:WaterBody``). Keeping
the conversions here means the API, the graph and the model can never disagree on a spelling.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_LOWER_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def graphql_enum_name(identifier: str) -> str:
    """The UPPER_SNAKE spelling of a lower_snake ontology id: "passing_over" -> "PASSING_OVER".

    Raises ValueError for anything that is not lower_snake_case, so a typo or an already
    converted name is caught where it is made rather than turning into a second spelling.
    """
    return _checked(identifier).upper()


def node_label(identifier: str) -> str:
    """The PascalCase spelling of a lower_snake ontology id: "water_body" -> "WaterBody".

    The Neo4j convention for node labels, so ``MATCH (b:Bridge)`` reads as Cypher users expect.
    Raises ValueError for anything that is not lower_snake_case, like :func:`graphql_enum_name`.
    """
    return "".join(word.capitalize() for word in _checked(identifier).split("_"))


def _checked(identifier: str) -> str:
    if not _LOWER_SNAKE.fullmatch(identifier):
        raise ValueError(
            f"{identifier!r} is not a lower_snake_case ontology id; "
            "pass the id as the ontology spells it (e.g. 'passing_over')"
        )
    return identifier


def unknown_id_message(kind: str, given: object, valid: Iterable[object]) -> str:
    """Say that ``given`` is not a known ``kind`` and what to use instead.

    Names the closest valid id when one is similar enough (a typo), and always lists every
    valid id, so the reader can fix the call without opening the ontology.
    """
    valid_names = [str(v) for v in valid]
    message = f"unknown {kind} {given!r}"
    close = difflib.get_close_matches(str(given), valid_names, n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {close[0]!r}?"
    return f"{message} (valid: {', '.join(valid_names)})"
