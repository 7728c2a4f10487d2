"""Webhook delivery of a job's alerts (one task per receiver, on the ``io`` queue).

The body is rebuilt from the alerts stored in the graph, so the task needs only the job id and
the URL, and a retry sends the same document under the same ``Idempotency-Key``.
"""

from __future__ import annotations

import logging

from graphdb import ids
from workers.alerts import alert_feature, feature_collection, post_json
from workers.context import context
from workers.errors import WebhookRejected

log = logging.getLogger(__name__)


def deliver_alerts(job_id: str, url: str) -> bool:
    """POST the job's alerts to ``url``; False when the receiver refused them (4xx, logged).

    Raises ``WebhookUnreachable`` (retried by the task) when the receiver is away.
    """
    ctx = context()
    job = ctx.jobs.get(job_id)
    alerts = ctx.graph.alerts(job.state)
    features = [alert_feature(a, job_id=job.id, area=job.area) for a in alerts]
    body = feature_collection(features, job_id=job.id, state=job.state)
    key = ids.digest("webhook", job.id, url)
    try:
        post_json(url, body, key=key, timeout_s=ctx.settings.webhook_timeout_s)
    except WebhookRejected as exc:
        log.warning("%s", exc)
        return False
    return True
