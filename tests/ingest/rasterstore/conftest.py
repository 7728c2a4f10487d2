"""Fixtures of the raster store tests: the shared imagery folder (skipped where absent) and a
client on the test stack's emptied Neo4j."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver

from graphdb.client import GraphClient
from graphdb.schema import apply_schema

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "imagery"


@pytest.fixture
def shared_imagery() -> Path:
    """The shared imagery folder; the test is skipped where the checkout lacks it."""
    if not DATA.is_dir():
        pytest.skip(f"shared data not found at {DATA}")
    return DATA


@pytest.fixture
def client(graph: Driver, neo4j_database: str) -> GraphClient:
    """A client on the emptied test database, schema applied (the driver stays open)."""
    result = GraphClient(graph, neo4j_database)
    apply_schema(result)
    return result
