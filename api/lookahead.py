"""Look-ahead: does the query select a field somewhere below the one being resolved?

Geometry is most of an object's bytes in Neo4j, on the wire and in Python (WKB decoding, then
GeoJSON), so the resolvers that read objects ask for it only when the document selects it.
"Somewhere below" is deliberate: an object read without geometry may come back deeper down
(``relations { subject { geometry } }`` answers with the object itself), so any ``geometry``
in the subtree counts. The answer comes from the operation's syntax tree (fragments followed,
``@skip``/``@include`` ignored: what might be selected counts as selected, so nothing selected
is ever missing). It is memoised per field node in the request's context: the resolvers of a
nested list (``relations`` of 800 objects) share one field node and pay the walk once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from api.context import Info


def selects(info: Info, name: str, under: Sequence[str] = ()) -> bool:
    """Whether a field ``name`` is selected anywhere below the current field's child path
    ``under`` (field names, e.g. ``("edges", "node")``; empty: the current field)."""
    raw = info._raw_info
    key = (id(raw.field_nodes[0]), (*under, name))
    memo = info.context.lookahead
    if key not in memo:
        memo[key] = _selects(raw.field_nodes, name, under, raw.fragments)
    return memo[key]


def _selects(
    nodes: Iterable[FieldNode],
    name: str,
    under: Sequence[str],
    fragments: dict[str, FragmentDefinitionNode],
) -> bool:
    level = list(nodes)
    for step in under:
        level = [
            child
            for node in level
            for child in _children(node, fragments)
            if child.name.value == step
        ]
    pending = [child for node in level for child in _children(node, fragments)]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if node.name.value == name:
            return True
        if id(node) not in seen:
            seen.add(id(node))
            pending.extend(_children(node, fragments))
    return False


def _children(node: FieldNode, fragments: dict[str, FragmentDefinitionNode]) -> list[FieldNode]:
    return list(_fields(node.selection_set, fragments, set()))


def _fields(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    entered: set[str],
) -> Iterator[FieldNode]:
    """The fields of a selection set, fragments expanded (each once per selection set: the guard
    has already refused cycles, and a repeat adds no field)."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, entered)
        elif isinstance(selection, FragmentSpreadNode):
            spread = selection.name.value
            if spread not in entered and spread in fragments:
                entered.add(spread)
                yield from _fields(fragments[spread].selection_set, fragments, entered)
