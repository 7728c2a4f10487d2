"""Fixtures of the imagery tests: the shared real data (skipped with a reason where absent) and a
repository on the test stack's emptied Neo4j."""

from __future__ import annotations

from pathlib import Path

import pytest
from imagery_files import DATA
from neo4j import Driver

from graphdb.client import GraphClient
from graphdb.repository import Neo4jGraph
from graphdb.schema import apply_schema


@pytest.fixture
def shared_imagery() -> Path:
    """The shared imagery folder; the test is skipped where the checkout lacks it."""
    if not DATA.is_dir():
        pytest.skip(f"shared data not found at {DATA}")
    return DATA


@pytest.fixture
def neo4j_graph(graph: Driver, neo4j_database: str) -> Neo4jGraph:
    """The repository on the emptied test database, schema applied (the driver stays open)."""
    client = GraphClient(graph, neo4j_database)
    apply_schema(client)
    return Neo4jGraph(client)
