"""Fixtures of the imagery tests: a repository on the test stack's emptied Neo4j.

The real samples come from ``imagery_files`` (found through ``tests.support.sample_data``).
"""

from __future__ import annotations

import pytest
from neo4j import Driver

from graphdb.client import GraphClient
from graphdb.repository import Neo4jGraph
from graphdb.schema import apply_schema


@pytest.fixture
def neo4j_graph(graph: Driver, neo4j_database: str) -> Neo4jGraph:
    """The repository on the emptied test database, schema applied (the driver stays open)."""
    client = GraphClient(graph, neo4j_database)
    apply_schema(client)
    return Neo4jGraph(client)
