"""Alert payloads, Redis pub/sub publishing and webhook POSTs (a loopback HTTP server)."""

from __future__ import annotations

import json
import socket

import pytest
import redis

from config.tasks import ALERTS_CHANNEL
from graphdb.diff import Alert, ChangeKind, Severity
from tests.workers.receiver import receiver
from workers.alerts import alert_feature, feature_collection, post_json, publish_features
from workers.errors import WebhookRejected, WebhookUnreachable

BRIDGE_GONE = Alert(
    id="a1",
    kind=ChangeKind.DISAPPEARED,
    severity=Severity.HIGH,
    old_state="s2023",
    new_state="s2024",
    scale=2000,
    message="bridge no longer seen",
    lon=9.52,
    lat=47.14,
    old_object_id="o1",
    old_class="bridge",
)
CROSSING_NEW = Alert(
    id="a2",
    kind=ChangeKind.RELATION_APPEARED,
    severity=Severity.MEDIUM,
    old_state="s2023",
    new_state="s2024",
    scale=2000,
    message="bridge passing_over river appeared",
    lon=9.5,
    lat=47.1,
    old_object_id="o1",
    new_object_id="o2",
    old_class="bridge",
    new_class="river",
    predicate="passing_over",
)


def test_alert_feature_is_geojson_with_change_classes_scale_severity_states() -> None:
    feature = alert_feature(BRIDGE_GONE, job_id="j1", area="vaduz")
    assert feature["type"] == "Feature" and feature["id"] == "a1"
    assert feature["geometry"] == {"type": "Point", "coordinates": [9.52, 47.14]}
    props = feature["properties"]
    assert props["change"] == "disappeared" and props["severity"] == "HIGH"
    assert props["classes"] == {"old": "bridge", "new": None} and props["scale"] == 2000
    assert props["states"] == {"old": "s2023", "new": "s2024"}
    assert (props["job_id"], props["area"]) == ("j1", "vaduz")
    relation = alert_feature(CROSSING_NEW, job_id="j1", area="vaduz")["properties"]
    assert relation["classes"] == {"subject": "bridge", "object": "river"}
    assert relation["predicate"] == "passing_over"
    json.dumps(feature)


def test_features_are_published_one_message_each(redis_client: redis.Redis) -> None:
    listener = redis_client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(ALERTS_CHANNEL)
    features = [alert_feature(a, job_id="j1", area="vaduz") for a in (BRIDGE_GONE, CROSSING_NEW)]
    publish_features(redis_client, features)
    got = []
    for _ in range(50):
        message = listener.get_message(timeout=0.2)
        if message is not None:
            got.append(json.loads(message["data"]))
        if len(got) == 2:
            break
    assert [f["id"] for f in got] == ["a1", "a2"]


def test_webhook_post_and_its_failures() -> None:
    body = feature_collection(
        [alert_feature(BRIDGE_GONE, job_id="j1", area="v")], job_id="j1", state="s2024"
    )
    with receiver(failures=1) as hook:
        with pytest.raises(WebhookUnreachable, match="503"):
            post_json(hook.url, body, key="k1", timeout_s=5)
        assert post_json(hook.url, body, key="k1", timeout_s=5) == 200
        assert hook.bodies == [body] and hook.headers[0]["Idempotency-Key"] == "k1"
    with receiver(status=404) as hook, pytest.raises(WebhookRejected, match="404"):
        post_json(hook.url, body, key="k1", timeout_s=5)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(WebhookUnreachable, match="did not answer"):
        post_json(f"http://127.0.0.1:{port}/x", body, key="k1", timeout_s=5)
