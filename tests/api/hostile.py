"""Hostile GraphQL documents: each costs the server next to nothing, or would without the guard.

Shared by ``tests/api/test_api_hostile.py`` (each is refused, with bounded work) and
``bench/api_hostile.py`` (how fast). Each case is ``(json body, codes it may be refused with)``.
"""

from __future__ import annotations

from typing import Any

Body = Any

TOO_LARGE = {"QUERY_TOO_LARGE"}
TOO_DEEP = {"QUERY_TOO_DEEP"}
INVALID = {"GRAPHQL_VALIDATION_FAILED"}


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the next one twice: 2^levels selections from ~30 bytes a level."""
    chain = "\n".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"query {{ ...F0 }}\n{chain}\nfragment F{levels} on Query {{ __typename }}"


def nested(opening: str, inner: str, times: int) -> str:
    """``opening { opening { ... inner`` ``times`` deep, closed by the caller."""
    return "".join(f"{opening} {{ " for _ in range(times)) + inner


def relation_lists(first: str, levels: int) -> str:
    """Objects, then ``levels`` nested lists of 30 relations: the cost bomb of issue 19."""
    inner = "id"
    for _ in range(levels):
        inner = f"relations(first: 30) {{ predicate object {{ {inner} }} }}"
    page = f'objects(filter: {{state: "s"}}, first: {first})'
    return f"{{ {page} {{ edges {{ node {{ {inner} }} }} }} }}"


def query(document: str, **variables: Any) -> Body:
    return {"query": document, "variables": variables}


HOSTILE: dict[str, tuple[Body, set[str]]] = {
    "fragment bomb, 15 doublings": (query(fragment_bomb(15)), TOO_LARGE),
    "fragment bomb, 20 doublings": (query(fragment_bomb(20)), TOO_LARGE),
    "fragment bomb, 30 doublings": (query(fragment_bomb(30)), TOO_LARGE),
    "fragment bomb, 200 doublings": (query(fragment_bomb(200)), TOO_LARGE),
    "fragment cycle": (
        query("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
        TOO_LARGE | INVALID,
    ),
    "fragment spreading itself": (
        query("query { ...A } fragment A on Query { __typename ...A }"),
        TOO_LARGE | INVALID,
    ),
    "one fragment spread 45 times": (
        query(
            "query { "
            + " ".join(["...W"] * 45)
            + " } fragment W on Query { "
            + " ".join(f"a{i}: __typename" for i in range(60))
            + " }"
        ),
        TOO_LARGE | {"TOO_MANY_ALIASES"},
    ),  # fmt: skip
    "deep nesting": (
        query(
            '{ objects(filter: {state: "s"}, first: 1) { edges { node { '
            + nested("relations(first: 1) { object", "id", 8)
            + " } }" * 8
            + " } } } }"
        ),
        TOO_DEEP,
    ),
    "deep nesting through fragments": (
        query(
            '{ objects(filter: {state: "s"}, first: 1) { edges { node { ...R0 } } } } '
            + " ".join(
                f"fragment R{i} on MapObject "
                f"{{ relations(first: 1) {{ object {{ ...R{i + 1} }} }} }}"
                for i in range(8)
            )
            + " fragment R8 on MapObject { id }"
        ),
        TOO_DEEP,
    ),
    "nested relation lists (issue 19's 48 s query)": (query(relation_lists("50", 3)), TOO_LARGE),
    "nested relation lists, page size as a variable": (
        query(
            'query($n: Int) { objects(filter: {state: "s"}, first: $n) { edges { node { '
            "relations(first: $n) { object { relations(first: $n) { object { "
            "relations(first: $n) { predicate } } } } } } } } }",
            n=1000,
        ),
        TOO_LARGE,
    ),
    "a 5,000-digit page size": (query(relation_lists("9" * 5000, 0)), TOO_LARGE),
    "a page size of 10^12 in a variable": (
        query(
            'query($n: Int) { objects(filter: {state: "s"}, first: $n) { edges { node { id } } } }',
            n=10**12,
        ),
        TOO_LARGE | {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"},
    ),  # fmt: skip
    "introspection, types within fields within types": (
        query(
            "{ __schema { types { fields { type { fields { type { fields { type { fields "
            "{ name } } } } } } } } } }"
        ),
        TOO_LARGE,
    ),
    "introspection, twelve aliases of types, fields, args and their types' fields": (
        query(
            "{ "
            + " ".join(
                f"s{i}: __schema {{ types {{ fields {{ args {{ type {{ fields {{ name }} }} }} }} "
                "} }"
                for i in range(12)
            )
            + " }"
        ),
        TOO_LARGE,
    ),
    "100 aliases of one field": (
        query("{ " + " ".join(f'a{i}: mapStates(area: "a") {{ name }}' for i in range(100)) + " }"),
        {"TOO_MANY_ALIASES"} | TOO_LARGE,
    ),
    "one field repeated 2,500 times": (
        query("{ " + " ".join(["__typename"] * 2500) + " }"),
        TOO_LARGE,
    ),
    "directives repeated on one field": (
        query("{ __typename " + "@include(if: true) " * 40 + "}"),
        INVALID,
    ),
    "directives flooding the token budget": (
        query("{ __typename " + "@include(if: true) " * 600 + "}"),
        TOO_LARGE,
    ),
    "inline fragments 600 deep": (
        query("{ " + "... on Query { " * 600 + "__typename" + " }" * 600 + " }"),
        TOO_LARGE | INVALID,
    ),
    "a list argument of 5,000 numbers": (
        query(
            '{ objects(filter: {state: "s", bbox: [' + ", ".join(["1"] * 5000) + "]}) { edges { "
            "node { id } } } }"
        ),
        TOO_LARGE,
    ),
    "a 2 MB string": (
        query('{ mapState(name: "' + "x" * 2_000_000 + '") { name } }'),
        {"PAYLOAD_TOO_LARGE"},
    ),  # fmt: skip
    "an unknown fragment": (query("{ ...Nowhere }"), INVALID),
    "500 operations in one document": (
        query(" ".join(f"query Q{i} {{ __typename }}" for i in range(500))),
        TOO_LARGE,
    ),
}
"""Name -> (request body, codes it may be refused with)."""
