"""Change alerts leave orthograph as GeoJSON: Redis pub/sub events and webhook POSTs.

Each alert is one GeoJSON ``Feature`` (a WGS84 point where the change is) whose ``id`` is the
alert's deterministic id, so a receiver that gets one twice (an at-least-once redelivery after a
crash between publishing and recording it) can drop the copy. Properties:

- ``change``: the change kind (``appeared``, ``disappeared``, ``reclassified``,
  ``geometry_changed``, ``relation_appeared``, ``relation_vanished``);
- ``classes``: ``{"old", "new"}`` classes of an object change, ``{"subject", "object"}`` of a
  relation change; ``predicate`` for relation changes;
- ``scale`` (denominator), ``severity`` (``LOW``/``MEDIUM``/``HIGH``), ``message``;
- ``states``: ``{"old", "new"}`` map state names; ``objects``: their object ids;
- ``iou`` where geometry was compared; ``confidence``, the pixel evidence's calibrated
  probability that the change is real (null where the pixels did not judge it);
  ``footprint``, the changed object's outline as a GeoJSON geometry (null for relations);
- ``job_id`` and ``area`` of the job that found it.

A webhook gets one ``FeatureCollection`` per job, with the job id and state as members.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

import redis
import shapely
from shapely.geometry import mapping

from config.tasks import ALERTS_CHANNEL
from graphdb.diff import Alert, ChangeKind
from workers.errors import WebhookRejected, WebhookUnreachable

RELATION_KINDS = frozenset({ChangeKind.RELATION_APPEARED, ChangeKind.RELATION_VANISHED})


def alert_feature(alert: Alert, *, job_id: str, area: str) -> dict[str, Any]:
    """``alert`` as a GeoJSON Feature (see the module docstring for the properties)."""
    if alert.kind in RELATION_KINDS:
        classes = {"subject": alert.old_class, "object": alert.new_class}
    else:
        classes = {"old": alert.old_class, "new": alert.new_class}
    return {
        "type": "Feature",
        "id": alert.id,
        "geometry": {"type": "Point", "coordinates": [alert.lon, alert.lat]},
        "properties": {
            "change": alert.kind.value,
            "classes": classes,
            "predicate": alert.predicate,
            "scale": alert.scale,
            "severity": alert.severity.name,
            "message": alert.message,
            "states": {"old": alert.old_state, "new": alert.new_state},
            "objects": {"old": alert.old_object_id, "new": alert.new_object_id},
            "iou": alert.iou,
            "confidence": alert.confidence,
            "footprint": mapping(shapely.from_wkt(alert.footprint)) if alert.footprint else None,
            "job_id": job_id,
            "area": area,
        },
    }


def publish_features(client: redis.Redis, features: Sequence[dict[str, Any]]) -> None:
    """Publish each feature as one message on ``ALERTS_CHANNEL``, in one round trip."""
    pipe = client.pipeline(transaction=False)
    for feature in features:
        pipe.publish(ALERTS_CHANNEL, json.dumps(feature))
    pipe.execute()


def feature_collection(
    features: Sequence[dict[str, Any]], *, job_id: str, state: str
) -> dict[str, Any]:
    """The webhook body: the job's alerts as one FeatureCollection."""
    return {
        "type": "FeatureCollection",
        "job_id": job_id,
        "state": state,
        "features": list(features),
    }


def post_json(url: str, body: dict[str, Any], *, key: str, timeout_s: float) -> int:
    """POST ``body`` as JSON to ``url``; the HTTP status.

    ``key`` goes out as ``Idempotency-Key`` so a receiver can drop a retried delivery. A 4xx
    answer raises ``WebhookRejected`` (retrying cannot help); no answer, a network error or a
    5xx raises ``WebhookUnreachable`` (retried by the task).
    """
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/geo+json", "Idempotency-Key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500:
            raise WebhookRejected(
                f"webhook {url} refused the alerts with HTTP {exc.code}; fix the receiver or "
                "remove it from ORTHOGRAPH_WEBHOOK_URLS"
            ) from exc
        raise WebhookUnreachable(f"webhook {url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise WebhookUnreachable(f"webhook {url} did not answer: {exc}") from exc
