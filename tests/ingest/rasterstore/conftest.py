"""Fixtures of the raster store tests: a client on the test stack's emptied Neo4j.

Real samples are found by the tests themselves through ``tests.support.sample_data``.
"""

from __future__ import annotations

import pytest
from neo4j import Driver

from graphdb.client import GraphClient
from graphdb.schema import apply_schema


@pytest.fixture
def client(graph: Driver, neo4j_database: str) -> GraphClient:
    """A client on the emptied test database, schema applied (the driver stays open)."""
    result = GraphClient(graph, neo4j_database)
    apply_schema(result)
    return result
