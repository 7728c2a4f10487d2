"""What a GraphQL operation may cost, measured before anything else looks at the document.

graphql-core's validation rules and strawberry's depth limiter walk fragment spreads without
memoising them, so a 1 KB document whose fragments each spread the next one twice costs 2^n
steps on the event loop, and a few nested lists of 30 (``relations(first: 30)`` three deep under
50 objects) ask the graph for millions of rows. :class:`CostGuard` measures every operation of a
parsed document in one pass over its syntax tree, each fragment once (memoised, cycles
refused), and refuses it before validation and execution when it exceeds any of:

- ``max_depth``: fields nested deeper than this (root fields are depth 1; introspection
  fields do not count, the standard introspection query nests ``ofType`` eight deep);
- ``max_fragments``: fragment definitions plus spreads written in the document;
- ``max_selections``: field selections once every fragment spread is expanded;
- ``max_cost``: the estimated number of fields resolved. A field costs 1 plus its selection's
  cost times its list size: its ``first`` or ``limit`` argument (literal or variable), else,
  for a list-typed field, ``default_list_size`` (connection ``edges``/``nodes`` lists count 1:
  their size is the connection's ``first``). Introspection lists count their real sizes in
  this schema (``types``: every type; ``fields``: the most fields of any type; ...), so the
  standard introspection query passes and nesting ``type { fields { type { fields ... }}}``
  does not.

The work is linear in the document (``DocumentMeter.visited`` counts the syntax nodes
visited), and the token limit bounds the document, so a refusal is cheap whatever the document
expands to. Refusals carry ``QUERY_TOO_DEEP`` or ``QUERY_TOO_LARGE`` (``api.errors``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from strawberry.extensions import SchemaExtension

from api.errors import ErrorCode

SIZE_ARGUMENTS = ("first", "limit")
PLUMBING_LISTS = frozenset({"edges", "nodes"})
_HUGE = 10**12
"""List size taken for an integer literal too long to be a page size."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds of one operation (module docstring)."""

    max_depth: int
    max_fragments: int
    max_selections: int
    max_cost: int
    default_list_size: int


@dataclass(frozen=True, slots=True)
class Shape:
    """An expanded selection set: deepest field, fields selected, estimated fields resolved."""

    depth: int = 0
    selections: int = 0
    cost: int = 0

    def __add__(self, other: Shape) -> Shape:
        return Shape(
            max(self.depth, other.depth),
            self.selections + other.selections,
            self.cost + other.cost,
        )


class Refused(Exception):
    """An operation over a limit; ``code`` is its ``api.errors.ErrorCode``."""

    def __init__(self, message: str, code: ErrorCode) -> None:
        super().__init__(message)
        self.code = code


class DocumentMeter:
    """Measures the operations of one parsed document against ``limits``."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        limits: Limits,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.variables = dict(variables or {})
        self.visited = 0
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self._shapes: dict[str, Shape] = {}
        self._open: set[str] = set()
        self._introspection = _introspection_sizes(schema)

    def check(self) -> list[Shape]:
        """The shape of each operation; ``Refused`` at the first limit passed."""
        written = len(self._fragments) + sum(1 for _ in self._spreads())
        if written > self.limits.max_fragments:
            raise Refused(
                f"the document has {written} fragment definitions and spreads; at most "
                f"{self.limits.max_fragments} are allowed",
                ErrorCode.QUERY_TOO_LARGE,
            )
        shapes = []
        for operation in self._operations:
            root = self.schema.get_root_type(operation.operation)
            if root is None:
                continue
            shapes.append(self._selection_set(operation.selection_set, root, 0))
        return shapes

    def _spreads(self) -> Iterator[FragmentSpreadNode]:
        """Every spread written in the document (a plain walk of the syntax, no expansion)."""
        stack: list[SelectionSetNode] = [op.selection_set for op in self._operations]
        stack += [f.selection_set for f in self._fragments.values()]
        while stack:
            for selection in stack.pop().selections:
                self.visited += 1
                if isinstance(selection, FragmentSpreadNode):
                    yield selection
                elif isinstance(selection, FieldNode | InlineFragmentNode) and (
                    selection.selection_set is not None
                ):
                    stack.append(selection.selection_set)

    def _selection_set(
        self, selections: SelectionSetNode, parent: GraphQLNamedType, level: int
    ) -> Shape:
        total = Shape()
        for selection in selections.selections:
            self.visited += 1
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, level + 1)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self._selection_set(selection.selection_set, inner or parent, level)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, parent, level)
            self._bound(total)
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType, level: int) -> Shape:
        if node.name.value.startswith("__") or parent.name.startswith("__"):
            level = 0  # introspection: the schema's own nesting (ofType ...), bounded by cost
        if level > self.limits.max_depth:
            raise Refused(
                f"the operation exceeds maximum operation depth of {self.limits.max_depth}",
                ErrorCode.QUERY_TOO_DEEP,
            )
        definition = _field_definition(self.schema, parent, node.name.value)
        if node.selection_set is None or definition is None:
            return Shape(level, 1, 1)
        inner = self._selection_set(node.selection_set, get_named_type(definition.type), level)
        size = self._list_size(node, definition, parent)
        return Shape(max(level, inner.depth), 1 + inner.selections, 1 + size * inner.cost)

    def _fragment(self, name: str, parent: GraphQLNamedType, level: int) -> Shape:
        """A fragment's shape, measured once from depth 0 and shifted to ``level``."""
        fragment = self._fragments.get(name)
        if fragment is None:
            return Shape()
        if name in self._open:
            raise Refused(f"fragment {name!r} spreads itself", ErrorCode.QUERY_TOO_LARGE)
        if name not in self._shapes:
            self._open.add(name)
            condition = self.schema.get_type(fragment.type_condition.name.value) or parent
            self._shapes[name] = self._selection_set(fragment.selection_set, condition, 0)
            self._open.discard(name)
        shape = self._shapes[name]
        shifted = Shape(shape.depth + level, shape.selections, shape.cost)
        if shifted.depth > self.limits.max_depth:
            raise Refused(
                f"the operation exceeds maximum operation depth of {self.limits.max_depth}",
                ErrorCode.QUERY_TOO_DEEP,
            )
        return shifted

    def _list_size(
        self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType
    ) -> int:
        for argument in node.arguments or ():
            if argument.name.value in SIZE_ARGUMENTS:
                return self._int(argument.value)
        if not isinstance(get_nullable_type(definition.type), GraphQLList):
            return 1
        if parent.name.startswith("__"):
            return self._introspection.get(node.name.value, self.limits.default_list_size)
        if node.name.value in PLUMBING_LISTS:
            return 1
        return self.limits.default_list_size

    def _int(self, value: Any) -> int:
        if isinstance(value, IntValueNode):
            return int(value.value) if len(value.value) <= 12 else _HUGE
        if isinstance(value, VariableNode):
            given = self.variables.get(value.name.value)
            if isinstance(given, int) and not isinstance(given, bool):
                return max(given, 0)
        return self.limits.default_list_size

    def _bound(self, total: Shape) -> None:
        if total.selections > self.limits.max_selections:
            raise Refused(
                f"the operation selects more than {self.limits.max_selections} fields once its "
                "fragments are expanded",
                ErrorCode.QUERY_TOO_LARGE,
            )
        if total.cost > self.limits.max_cost:
            raise Refused(
                f"the operation could resolve more than {self.limits.max_cost} fields (each "
                "field counts once per item of the lists around it); ask for smaller pages or "
                "fewer nested lists",
                ErrorCode.QUERY_TOO_LARGE,
            )


def _field_definition(
    schema: GraphQLSchema, parent: GraphQLNamedType, name: str
) -> GraphQLField | None:
    if name == "__typename":
        return TypeNameMetaFieldDef
    if parent is schema.query_type and name == "__schema":
        return SchemaMetaFieldDef
    if parent is schema.query_type and name == "__type":
        return TypeMetaFieldDef
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None


def _introspection_sizes(schema: GraphQLSchema) -> dict[str, int]:
    """The longest each introspection list can be in ``schema``."""
    types = list(schema.type_map.values())
    with_fields = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in with_fields for f in t.fields.values()]
    return {
        "types": len(types),
        "directives": len(schema.directives),
        "fields": max((len(t.fields) for t in with_fields), default=1),
        "inputFields": max((len(getattr(t, "fields", {})) for t in types), default=1),
        "args": max([len(f.args) for f in fields] + [len(d.args) for d in schema.directives]),
        "enumValues": max((len(getattr(t, "values", {})) for t in types), default=1),
        "interfaces": max((len(getattr(t, "interfaces", ())) for t in types), default=1),
        "possibleTypes": max(
            (
                len(schema.get_possible_types(t))
                for t in types
                if isinstance(t, GraphQLInterfaceType)
            ),
            default=1,
        ),
        "locations": 20,
    }


class CostGuard(SchemaExtension):
    """Refuses an operation over ``limits`` before validation and execution (module docstring)."""

    def __init__(self, *, limits: Limits) -> None:
        self.limits = limits

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            meter = DocumentMeter(context.schema._schema, document, context.variables, self.limits)
            try:
                meter.check()
            except Refused as refused:
                context.pre_execution_errors = [
                    GraphQLError(str(refused), extensions={"code": refused.code.value})
                ]
        yield
