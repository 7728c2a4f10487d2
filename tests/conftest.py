"""The test harness: a real Neo4j and Redis (the project's test stack), started on first use.

The test stack has its own home and ports (``.orthograph/test``, Bolt 7688, Redis 6380), so
pytest never touches a developer's own stack; ``ORTHOGRAPH_HOME``, ``ORTHOGRAPH_NEO4J_URI`` and
``ORTHOGRAPH_REDIS_URL`` already in the environment win, so parallel runs can isolate
themselves. The stack starts only when a test asks for one of the fixtures below, and is left
running at the end so the next run starts in a second; ``scripts/test.sh`` stops it.

Skips: a test steps aside only through ``tests.support.skips`` (logical, or a missing part with
the fix in its reason); in a strict run (``../shared`` present, as in CI) any other skip fails the
run, so CI never counts a test that did not run.

Fixtures: ``stack_settings``, ``local_stack``, ``neo4j_driver`` (session), ``neo4j_database``,
``graph`` (an emptied database; schema kept), ``redis_client`` (an emptied Redis database).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator

import pytest
import redis
from neo4j import Driver, GraphDatabase

from config.connections import PROJECT_ROOT, REDIS_PROTOCOL
from stack import StackStatus, up
from stack.settings import StackSettings, get_settings
from tests.support.skips import NOT_APPLICABLE

TEST_STACK = {
    "ORTHOGRAPH_HOME": str(PROJECT_ROOT / ".orthograph" / "test"),
    "ORTHOGRAPH_NEO4J_URI": "bolt://127.0.0.1:7688",
    "ORTHOGRAPH_REDIS_URL": "redis://127.0.0.1:6380/0",
}
STACK_FIXTURES = {"local_stack", "neo4j_driver", "graph", "redis_client"}

pytest_plugins = ["tests.support.strict_skips", "tests.support.worker_fixtures"]
"""The rule that a strict run (CI) fails on any skip that is not logical."""

CLEAR_GRAPH = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
"""Deletes in batches so a big leftover graph does not need one huge transaction."""


def pytest_configure(config: pytest.Config) -> None:
    """Point every settings class at the test stack before anything reads settings."""
    for name, value in TEST_STACK.items():
        os.environ.setdefault(name, value)
    get_settings.cache_clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests that use the stack ``integration``; skip ``gpu`` tests without CUDA."""
    gpu_items = [item for item in items if item.get_closest_marker("gpu")]
    if gpu_items and not _cuda_available():
        skip = pytest.mark.skip(reason=NOT_APPLICABLE + "needs a CUDA device (torch with CUDA)")
        for item in gpu_items:
            item.add_marker(skip)
    for item in items:
        if STACK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


def _cuda_available() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


@pytest.fixture(scope="session")
def stack_settings() -> StackSettings:
    """The test stack's settings (from the environment set in ``pytest_configure``)."""
    return get_settings()


@pytest.fixture(scope="session")
def local_stack(stack_settings: StackSettings) -> StackStatus:
    """The running test stack: started now unless it already runs, left running afterwards."""
    return up(stack_settings)


@pytest.fixture(scope="session")
def neo4j_database(stack_settings: StackSettings) -> str:
    """The name of the database tests write to; pass it to every query."""
    return stack_settings.neo4j_database


@pytest.fixture(scope="session")
def neo4j_driver(local_stack: StackStatus, stack_settings: StackSettings) -> Iterator[Driver]:
    """The official driver, authenticated against the test stack's Neo4j."""
    driver = GraphDatabase.driver(
        stack_settings.neo4j_uri,
        auth=(stack_settings.neo4j_user, stack_settings.neo4j_password.get_secret_value()),
    )
    driver.verify_connectivity()
    yield driver
    driver.close()


@pytest.fixture
def graph(neo4j_driver: Driver, neo4j_database: str) -> Driver:
    """The driver, on a database emptied of nodes and relationships (constraints stay)."""
    with neo4j_driver.session(database=neo4j_database) as session:
        session.run(CLEAR_GRAPH).consume()
    return neo4j_driver


@pytest.fixture
def redis_client(local_stack: StackStatus, stack_settings: StackSettings) -> Iterator[redis.Redis]:
    """A client on the test stack's Redis database, emptied first."""
    client = redis.Redis.from_url(stack_settings.redis_url, protocol=REDIS_PROTOCOL)
    client.flushdb()
    yield client
    client.close()
