"""The session's test stack serves real clients: Bolt with auth, Redis with pub/sub."""

from __future__ import annotations

import redis
from neo4j import Driver


def test_bolt_write_then_read(graph: Driver, neo4j_database: str) -> None:
    graph.execute_query(
        "CREATE (:StackProbe {id: $id, name: $name})",
        id="probe-1",
        name="written through Bolt",
        database_=neo4j_database,
    )
    records, _, _ = graph.execute_query(
        "MATCH (p:StackProbe {id: $id}) RETURN p.name AS name",
        id="probe-1",
        database_=neo4j_database,
    )
    assert [record["name"] for record in records] == ["written through Bolt"]


def test_graph_fixture_starts_empty(graph: Driver, neo4j_database: str) -> None:
    records, _, _ = graph.execute_query(
        "MATCH (n) RETURN count(n) AS nodes", database_=neo4j_database
    )
    assert records[0]["nodes"] == 0


def test_redis_write_then_read(redis_client: redis.Redis) -> None:
    redis_client.set("stack:probe", b"written through Redis")
    assert redis_client.get("stack:probe") == b"written through Redis"


def test_redis_client_starts_empty(redis_client: redis.Redis) -> None:
    assert redis_client.dbsize() == 0


def test_redis_pubsub_round_trip(redis_client: redis.Redis) -> None:
    pubsub = redis_client.pubsub()
    pubsub.subscribe("stack:alerts")
    messages = pubsub.listen()
    assert next(messages)["type"] == "subscribe"

    receivers = redis_client.publish("stack:alerts", b"state committed")

    message = next(messages)
    pubsub.close()
    assert receivers == 1
    assert (message["type"], message["channel"], message["data"]) == (
        "message",
        b"stack:alerts",
        b"state committed",
    )
