"""Fixtures of the API tests: the API served by uvicorn on a loopback port, against the test stack.

Two servers run for the session: ``api`` (mutations need a key, reads do not) and ``strict_api``
(every request needs a key). Both share the test stack's Neo4j and Redis with the fixtures that
write data, so a test writes through ``graphdb`` and reads through HTTP. ``town`` publishes the
hand-built town of ``tests/api/support.py`` in two states.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, LiteralString

import pytest
from neo4j import Driver

from graphdb import queries
from graphdb.client import GraphClient
from graphdb.repository import Neo4jGraph, open_graph
from ingest.records import MapObject, Relation
from stack.settings import StackSettings
from tests.api.support import (
    COVERAGE,
    RELATIONS,
    RELATIONS_2025,
    TOWN,
    TOWN_2025,
    Api,
    Town,
    api_settings,
    serve_api,
)


@pytest.fixture(scope="session")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data root of the served APIs (uploads are stored under it)."""
    return tmp_path_factory.mktemp("data-root").resolve()


@pytest.fixture(scope="session")
def api(local_stack: object, stack_settings: StackSettings, data_root: Path) -> Iterator[Api]:
    """The API with keys for mutations only."""
    with serve_api(api_settings(stack_settings, data_root)) as served:
        yield served


@pytest.fixture(scope="session")
def strict_api(
    local_stack: object, stack_settings: StackSettings, data_root: Path
) -> Iterator[Api]:
    """The API that needs a key for every request, with CORS for one origin."""
    settings = api_settings(
        stack_settings, data_root, require_api_key=True, cors_origins=["https://maps.example"]
    )
    with serve_api(settings) as served:
        yield served


@pytest.fixture
def repo(graph: Driver, stack_settings: StackSettings) -> Iterator[Neo4jGraph]:
    """A repository on the emptied test database (the ``graph`` fixture emptied it)."""
    with open_graph(stack_settings) as repository:
        yield repository


@pytest.fixture
def publish(repo: Neo4jGraph) -> Callable[..., dict[str, str]]:
    """``publish(name, objects, relations, as_of=...)``: commit a state; its ids by key."""

    def run(
        name: str,
        objects: list[MapObject],
        relations: list[Relation],
        *,
        area: str = "vaduz",
        as_of: date = date(2024, 6, 1),
    ) -> dict[str, str]:
        state = repo.begin_state(name, area=area, as_of=as_of, coverage=COVERAGE, source="test")
        repo.write(name, objects, relations)
        repo.commit(name)
        page = repo.objects(name, limit=1000)
        assert page.next_after is None
        assert {o.state_id for o in page.items} == {state.id}
        return {o.key: o.id for o in page.items}

    return run


@pytest.fixture
def town(publish: Callable[..., dict[str, str]]) -> Town:
    """The town in 2024 and 2025 (see the module docstring)."""
    ids = publish("town-2024", TOWN, RELATIONS)
    new_ids = publish("town-2025", TOWN_2025, RELATIONS_2025, as_of=date(2025, 6, 1))
    return Town("town-2024", "town-2025", ids, new_ids)


@pytest.fixture
def graph_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The read queries the API sends to Neo4j from now on, in order (the response cache's
    generation lookup left out: it keys answers and reads no data)."""
    calls: list[str] = []
    original = GraphClient.fetch
    generation = queries.load("states_generation")

    def counting(self: GraphClient, query: LiteralString, params: Mapping[str, Any]) -> Any:
        if query != generation:
            calls.append(query)
        return original(self, query, params)

    monkeypatch.setattr(GraphClient, "fetch", counting)
    return calls
