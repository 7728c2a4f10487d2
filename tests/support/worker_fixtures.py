"""Fixtures of the tests that run real workers (worker and API tests): workers on emptied
stores, the job store, a submit helper. Loaded for the whole suite by the root ``conftest.py``
(a module's own fixture of the same name wins).

Every worker a test started is stopped at its end (see ``tests/workers/harness.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graphdb.client import GraphClient
from graphdb.jobs import JobStore
from graphdb.schema import apply_schema
from tests.workers.harness import Submit, Workers, submit_now


@pytest.fixture
def workers(tmp_path: Path, redis_client: Any, graph: Driver) -> Iterator[Workers]:
    """Worker processes on an emptied graph and broker; all stopped at the end of the test."""
    started = Workers(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def jobs(graph: Driver, neo4j_database: str) -> JobStore:
    """The job store of the test database."""
    client = GraphClient(graph, neo4j_database)
    apply_schema(client)
    return JobStore(client)


@pytest.fixture
def submit() -> Submit:
    """``submit(kind, path, state=..., as_of=..., area=..., **options)`` as the CLI does."""
    return submit_now
