"""Subscriptions over graphql-transport-ws, fed by what the workers publish on Redis."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from config.tasks import ALERTS_CHANNEL, job_channel
from graphdb.diff import Alert, ChangeKind, Severity
from graphdb.jobs import JobKind, JobSpec, JobStore
from graphdb.repository import Neo4jGraph
from graphdb.schema import apply_schema
from tests.api.support import EDITOR_KEY, Api
from workers.alerts import alert_feature, publish_features
from workers.events import publish_job

ALERTS = """
subscription($area: String, $min: Severity!) {
  alerts(area: $area, minSeverity: $min) {
    id kind severity area scale message oldClass newClass predicate location createdAt
  }
}
"""
PROGRESS = """
subscription($id: ID!) { jobProgress(id: $id) { jobId status progress stage reason } }
"""


@contextmanager
def subscription(
    api: Api, query: str, variables: dict[str, Any], params: dict[str, Any] | None = None
) -> Iterator[ClientConnection]:
    """An acknowledged graphql-transport-ws connection with one subscription started."""
    protocol = [Subprotocol("graphql-transport-ws")]
    with connect(api.ws_url, subprotocols=protocol, open_timeout=None, close_timeout=None) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": params or {}}))
        assert json.loads(ws.recv())["type"] == "connection_ack"
        ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables},
                }
            )
        )
        yield ws


def wait_for_listener(client: redis.Redis, channel: str) -> None:
    """Block until the API has subscribed to ``channel`` (pub/sub drops earlier messages)."""
    while client.pubsub_numsub(channel)[0][1] == 0:
        time.sleep(0.01)


def alert(alert_id: str, severity: Severity, kind: ChangeKind = ChangeKind.DISAPPEARED) -> Alert:
    return Alert(
        id=alert_id, kind=kind, severity=severity, old_state="town-2024", new_state="town-2025",
        scale=2000, message="bridge no longer seen", lon=9.585, lat=47.145,
        old_object_id="o1", old_class="bridge",
    )  # fmt: skip


def test_alerts_arrive_filtered_by_area_and_severity(api: Api, redis_client: redis.Redis) -> None:
    with subscription(api, ALERTS, {"area": "vaduz", "min": "MEDIUM"}) as ws:
        wait_for_listener(redis_client, ALERTS_CHANNEL)
        publish_features(
            redis_client,
            [
                alert_feature(alert("a-elsewhere", Severity.HIGH), job_id="j1", area="schaan"),
                alert_feature(alert("a-low", Severity.LOW), job_id="j1", area="vaduz"),
                alert_feature(alert("a-high", Severity.HIGH), job_id="j1", area="vaduz"),
            ],
        )
        message = json.loads(ws.recv())
    assert message["type"] == "next" and message["id"] == "1"
    received = message["payload"]["data"]["alerts"]
    assert received == {
        "id": "a-high",
        "kind": "DISAPPEARED",
        "severity": "HIGH",
        "area": "vaduz",
        "scale": 2000,
        "message": "bridge no longer seen",
        "oldClass": "BRIDGE",
        "newClass": None,
        "predicate": None,
        "location": {"type": "Point", "coordinates": [9.585, 47.145]},
        "createdAt": None,
    }


def test_job_progress_until_committed(
    api: Api, repo: Neo4jGraph, redis_client: redis.Redis
) -> None:
    apply_schema(repo.client)
    jobs = JobStore(repo.client)
    spec = JobSpec(
        kind=JobKind.VECTOR, input_path="/data/x.geojson", input_sha256="0" * 64,
        input_name="x.geojson", state="osm-2024", area="vaduz", as_of=date(2024, 6, 1),
    )  # fmt: skip
    job = jobs.submit(spec).job
    with subscription(api, PROGRESS, {"id": job.id}) as ws:
        first = json.loads(ws.recv())["payload"]["data"]["jobProgress"]
        assert (first["jobId"], first["status"], first["progress"]) == (job.id, "QUEUED", 0.0)
        wait_for_listener(redis_client, job_channel(job.id))
        publish_job(redis_client, jobs.start(job.id))  # type: ignore[arg-type]
        publish_job(redis_client, jobs.progress(job.id, 0.5, "relations"))  # type: ignore[arg-type]
        publish_job(redis_client, jobs.commit(job.id, objects=3, relations=1))
        updates = [json.loads(ws.recv()) for _ in range(4)]
    assert [(u["type"]) for u in updates] == ["next", "next", "next", "complete"]
    progress = [u["payload"]["data"]["jobProgress"] for u in updates[:3]]
    assert [(p["status"], p["progress"], p["stage"]) for p in progress] == [
        ("RUNNING", 0.0, progress[0]["stage"]),
        ("RUNNING", 0.5, "relations"),
        ("COMMITTED", 1.0, "committed"),
    ]


def test_progress_of_an_unknown_job(api: Api, repo: Neo4jGraph) -> None:
    with subscription(api, PROGRESS, {"id": "j-missing"}) as ws:
        messages = [json.loads(ws.recv()) for _ in range(2)]
    assert [m["type"] for m in messages] == ["next", "complete"]
    assert messages[0]["payload"]["data"] is None
    assert messages[0]["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_strict_server_needs_a_key_in_connection_params(strict_api: Api) -> None:
    with (
        pytest.raises(ConnectionClosed) as refused,
        subscription(strict_api, PROGRESS, {"id": "j1"}) as ws,
    ):
        ws.recv()
    assert refused.value.rcvd is not None and refused.value.rcvd.code == 4403
    with subscription(strict_api, PROGRESS, {"id": "j-missing"}, {"apiKey": EDITOR_KEY}) as ws:
        message = json.loads(ws.recv())
    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
