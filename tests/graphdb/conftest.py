"""Fixtures of the graph tests: a repository on the emptied test database, and record builders.

Coordinates are small boxes and lines near Vaduz (lon 9.5, lat 47.1), built by hand so every
expected answer can be read off the picture in each test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from neo4j import Driver
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from graphdb.client import GraphClient
from graphdb.models import MapState
from graphdb.repository import Neo4jGraph
from graphdb.schema import apply_schema
from ingest.records import MapObject, Relation

COVERAGE = box(9.50, 47.10, 9.60, 47.20)
"""The coverage of the test area (WGS84)."""


@pytest.fixture
def client(graph: Driver, neo4j_database: str) -> GraphClient:
    """A client on the emptied test database, schema applied (the driver stays the session's)."""
    result = GraphClient(graph, neo4j_database)
    apply_schema(result)
    return result


@pytest.fixture
def repo(client: GraphClient) -> Neo4jGraph:
    """The repository under test, with a small batch size so tests cross batch borders."""
    return Neo4jGraph(client, batch_size=2)


@pytest.fixture
def count(client: GraphClient) -> Callable[..., int]:
    """``count(query, **params)``: the integer ``n`` a counting query returns."""

    def run(query: str, **params: object) -> int:
        return int(client.fetch(query, params)[0]["n"])

    return run


@pytest.fixture
def publish(repo: Neo4jGraph) -> Callable[..., MapState]:
    """Begin, write and commit a state in one call: ``publish(name, objects, relations)``."""

    def run(
        name: str,
        objects: list[MapObject],
        relations: list[Relation] | None = None,
        *,
        area: str = "vaduz",
        as_of: date = date(2024, 1, 1),
        coverage: BaseGeometry = COVERAGE,
    ) -> MapState:
        repo.begin_state(name, area=area, as_of=as_of, coverage=coverage, source="test")
        repo.write(name, objects, relations or [])
        return repo.commit(name)

    return run
