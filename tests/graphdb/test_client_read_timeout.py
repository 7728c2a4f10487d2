"""A client with ``read_timeout_s`` (the API's) has Neo4j end a read that runs longer, so a
request given up on leaves no query running in the server."""

from __future__ import annotations

import pytest
from neo4j import Driver
from neo4j.exceptions import ClientError

from graphdb.client import GraphClient

ENDLESS = "UNWIND range(1, 4000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n"
"""A read that takes minutes: four billion rows filtered to none."""


def test_the_server_ends_a_read_past_the_timeout(neo4j_driver: Driver, neo4j_database: str) -> None:
    client = GraphClient(neo4j_driver, neo4j_database, read_timeout_s=0.5)
    with pytest.raises(ClientError) as raised:
        client.fetch(ENDLESS, {})
    assert "TransactionTimedOut" in str(raised.value.code), raised.value.code


def test_reads_within_the_timeout_answer(neo4j_driver: Driver, neo4j_database: str) -> None:
    client = GraphClient(neo4j_driver, neo4j_database, read_timeout_s=5.0)
    assert client.fetch("UNWIND range(1, 1000) AS x RETURN count(x) AS n", {}) == [{"n": 1000}]
