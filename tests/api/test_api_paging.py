"""One paging convention for every GraphQL list: `totalCount` on connections (counted only when
asked for), and one page-size rule, enforced and documented on every `first`."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType, build_schema

from api.paging import FIRST_HELP
from api.schema import schema_sdl
from tests.api.support import Api, Town, error_codes

OBJECTS = """
query Objects($filter: ObjectFilter!, $first: Int, $after: String) {
  objects(filter: $filter, first: $first, after: $after) {
    totalCount edges { node { key } } pageInfo { hasNextPage endCursor }
  }
}
"""

TRIPLETS = """
query Triplets($predicate: Predicate!, $subject: ObjectClass, $object: ObjectClass, $scale: Int,
               $first: Int, $after: String) {
  triplets(state: "town-2024", predicate: $predicate, subject: $subject, object: $object,
           scale: $scale, first: $first, after: $after) {
    totalCount edges { cursor } pageInfo { hasNextPage endCursor }
  }
}
"""


def walk(api: Api, query: str, field: str, **variables: Any) -> tuple[int, list[Any]]:
    """Every edge of a connection read two at a time, and the ``totalCount`` every page gave
    (they must agree)."""
    totals, edges, after = set(), [], None
    while True:
        page = api.data(query, **variables, first=2, after=after)[field]
        totals.add(page["totalCount"])
        edges += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(totals) == 1, totals
    return totals.pop(), edges


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({}, 12),
        ({"classes": ["BRIDGE", "RIVER"]}, 5),
        ({"scale": 10000}, 2),
        ({"classes": ["BRIDGE"], "bbox": {"west": 9.5, "south": 47.1, "east": 9.53, "north": 47.2}},
         1),
        ({"bbox": {"west": 9.5, "south": 47.1, "east": 9.53, "north": 47.2}}, 6),
        ({"nameContains": "BRÜCKE"}, 2),
        ({"nameContains": "brücke", "classes": ["RIVER"]}, 0),
    ],
)  # fmt: skip
def test_objects_total_count_is_the_whole_filtered_list(
    api: Api, town: Town, filter: dict[str, Any], expected: int
) -> None:
    total, edges = walk(api, OBJECTS, "objects", filter={"state": "town-2024", **filter})
    assert total == len(edges) == expected


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"predicate": "PASSING_OVER"}, 3),
        ({"predicate": "PASSING_OVER", "subject": "BRIDGE", "object": "RIVER"}, 2),
        ({"predicate": "PASSING_UNDER", "subject": "RIVER"}, 2),
        ({"predicate": "PART_OF", "scale": 2000}, 3),
        ({"predicate": "NEARBY"}, 2),
    ],
)
def test_triplets_total_count_is_the_whole_filtered_list(
    api: Api, town: Town, variables: dict[str, Any], expected: int
) -> None:
    total, edges = walk(api, TRIPLETS, "triplets", **variables)
    assert total == len(edges) == expected


def test_total_count_costs_one_aggregate_read_and_only_when_asked(
    api: Api, town: Town, graph_reads: list[str]
) -> None:
    calls = graph_reads
    plain = '{ objects(filter: {state: "town-2024"}, first: 3) { edges { cursor } } }'
    counted = '{ objects(filter: {state: "town-2024"}, first: 3) { totalCount edges { cursor } } }'
    reads, counts = [], []
    for document in (plain, counted):
        calls.clear()
        api.data(document)
        reads.append(len(calls))
        counts.append(sum("count(" in q for q in calls))
    assert counts == [0, 1]
    assert reads[1] - reads[0] <= 2, "the count and, at most, resolving the state's name"


LISTS = [
    ('query($first: Int) { objects(filter: {state: "town-2024"}, first: $first) '
     "{ edges { cursor } } }", "objects"),
    ('query($first: Int) { triplets(state: "town-2024", predicate: PART_OF, first: $first) '
     "{ edges { cursor } } }", "triplets"),
    ("query($first: Int) { alerts(first: $first) { edges { cursor } } }", "alerts"),
    ("query($first: Int) { jobs(first: $first) { id } }", "jobs"),
    ('query($id: ID!, $first: Int) { object(id: $id) { relations(first: $first) { origin } } }',
     "object"),
    ('query($id: ID!, $first: Int) { object(id: $id) { partOf(first: $first) { depth } } }',
     "object"),
    ('query($id: ID!, $first: Int) { object(id: $id) { consistsOf(first: $first) { depth } } }',
     "object"),
    ('query($first: Int) { diff(from: "town-2024", to: "town-2025", scale: 2000) '
     "{ objectChanges(first: $first) { kind } } }", "diff"),
    ('query($first: Int) { diff(from: "town-2024", to: "town-2025", scale: 2000) '
     "{ relationChanges(first: $first) { kind } } }", "diff"),
]  # fmt: skip
"""Every list field of the schema with a `first` argument."""


@pytest.mark.parametrize(("document", "field"), LISTS)
def test_one_page_size_rule_on_every_list(api: Api, town: Town, document: str, field: str) -> None:
    limit = api.settings.max_page_size
    extra = {"id": town.ids["b1"]} if "$id" in document else {}
    assert field in api.data(document, **extra, first=limit)
    for first in (limit + 1, 0, -1):
        body = api.gql(document, **extra, first=first)
        assert error_codes(body) == ["BAD_USER_INPUT"], (first, body)
        message = body["errors"][0]["message"]
        assert f"between 1 and {limit}" in message and f"got {first}" in message


def test_every_first_argument_documents_the_rule() -> None:
    schema = build_schema(schema_sdl())
    found = []
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            if "first" in field.args:
                found.append(f"{type_.name}.{name}")
                assert field.args["first"].description == FIRST_HELP, f"{type_.name}.{name}"
    assert len(found) == len(LISTS), found
