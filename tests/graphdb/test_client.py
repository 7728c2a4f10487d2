"""Bounded retry when Neo4j is unreachable (no server: a stub driver stands in for it)."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j.exceptions import ServiceUnavailable

from graphdb.client import GraphClient
from graphdb.errors import GraphUnavailable


class StubSession:
    def __enter__(self) -> StubSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute_write(self, work: Any) -> Any:
        return work("tx")


class FlakyDriver:
    """Refuses the first ``failures`` sessions the way a restarting server does."""

    def __init__(self, failures: int) -> None:
        self.failures = failures

    def session(self, **config: Any) -> StubSession:
        if self.failures:
            self.failures -= 1
            raise ServiceUnavailable("connection refused")
        return StubSession()


def test_unavailability_is_retried_with_backoff() -> None:
    waits: list[float] = []
    client = GraphClient(FlakyDriver(2), "neo4j", attempts=3, backoff_s=0.5, sleep=waits.append)  # type: ignore[arg-type]

    assert client.write(lambda tx: f"ran in {tx}") == "ran in tx"
    assert waits == [0.5, 1.0]


def test_unavailability_gives_up_after_the_bound() -> None:
    waits: list[float] = []
    client = GraphClient(FlakyDriver(5), "neo4j", attempts=3, backoff_s=0.5, sleep=waits.append)  # type: ignore[arg-type]

    with pytest.raises(GraphUnavailable, match="after 3 tries"):
        client.write(lambda tx: None)
    assert waits == [0.5, 1.0]
