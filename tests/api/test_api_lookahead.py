"""Look-ahead: the API reads an object's geometry from Neo4j only when the document selects it
somewhere below (directly, through fragments, or on a nested object that may be the same one)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, LiteralString

import pytest

from graphdb.client import GraphClient
from tests.api.support import Api, Town

Rows = list[dict[str, Any]]


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[Rows]:
    """The rows each of the API's graph reads returned from now on."""
    reads: list[Rows] = []
    original = GraphClient.fetch

    def recording(self: GraphClient, query: LiteralString, params: Mapping[str, Any]) -> Any:
        rows = original(self, query, params)
        reads.append(list(rows))
        return rows

    monkeypatch.setattr(GraphClient, "fetch", recording)
    return reads


def geometries(reads: list[Rows], column: str) -> list[bytes | None]:
    """The ``geometry`` of every object projection in ``column`` of the rows read."""
    return [row[column]["geometry"] for rows in reads for row in rows if column in row]


OBJECTS = """
query Objects($state: String!) {
  objects(filter: {state: $state, classes: [BRIDGE]}) { edges { node { %s } } }
}
"""


def test_objects_without_geometry_read_none(api: Api, town: Town, rows_read: list[Rows]) -> None:
    edges = api.data(OBJECTS % "key name", state=town.old)["objects"]["edges"]
    assert {e["node"]["key"] for e in edges} == {"br1", "br2", "br3"}
    read = geometries(rows_read, "object")
    assert len(read) == 3 and read == [None, None, None]


def test_objects_with_geometry_read_it(api: Api, town: Town, rows_read: list[Rows]) -> None:
    edges = api.data(OBJECTS % "key geometry", state=town.old)["objects"]["edges"]
    assert all(e["node"]["geometry"]["type"] == "LineString" for e in edges)
    assert all(isinstance(g, bytes) for g in geometries(rows_read, "object"))


def test_geometry_through_a_fragment_is_read(api: Api, town: Town, rows_read: list[Rows]) -> None:
    fragment = "fragment Shape on MapObject { ... on MapObject { geometry } }"
    document = (OBJECTS % "...Shape") + fragment
    edges = api.data(document, state=town.old)["objects"]["edges"]
    assert [e["node"]["geometry"]["type"] for e in edges] == ["LineString"] * 3


def test_an_object_met_again_deeper_down_has_its_geometry(api: Api, town: Town) -> None:
    """The page's bridges are read without geometry on their own level, but each comes back as
    the subject of its own relations, where geometry is selected."""
    nested = "key relations(predicate: PASSING_OVER) { subject { key geometry } }"
    edges = api.data(OBJECTS % nested, state=town.old)["objects"]["edges"]
    subjects = [t["subject"] for e in edges for t in e["node"]["relations"]]
    assert {s["key"] for s in subjects} == {"br1", "br2", "br3"}
    assert all(s["geometry"]["type"] == "LineString" for s in subjects)


TRIPLETS = """
query Triplets($state: String!) {
  triplets(state: $state, predicate: PASSING_OVER, subject: BRIDGE) {
    edges { node { subject { key geometry } object { key } } }
  }
}
"""


def test_triplets_read_each_sides_geometry_only_when_selected(
    api: Api, town: Town, rows_read: list[Rows]
) -> None:
    edges = api.data(TRIPLETS, state=town.old)["triplets"]["edges"]
    assert len(edges) == 3
    assert all(isinstance(g, bytes) for g in geometries(rows_read, "subject"))
    assert geometries(rows_read, "object") == [None, None, None]


def test_relations_read_the_other_sides_geometry_only_when_selected(
    api: Api, town: Town, rows_read: list[Rows]
) -> None:
    without = "key relations(predicate: PASSING_OVER) { object { key name } }"
    edges = api.data(OBJECTS % without, state=town.old)["objects"]["edges"]
    assert sorted(t["object"]["key"] for e in edges for t in e["node"]["relations"]) == [
        "r1",
        "r2",
        "rd1",
    ]
    assert geometries(rows_read, "other") == [None, None, None]
