"""Job records and task messages for the tests of job control: a spec, and what waits in a queue.

The spec names an input that is never read: these tests exercise the job record and the broker,
not an ingest.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import date
from typing import Any

import redis

from graphdb.jobs import JobKind, JobSpec

VECTOR_SPEC = JobSpec(
    kind=JobKind.VECTOR,
    input_path="/store/ab/vaduz.geojson",
    input_sha256="ab" * 32,
    input_name="vaduz.geojson",
    state="vaduz-2024",
    area="vaduz",
    as_of=date(2024, 5, 1),
)


def job_spec(**changes: Any) -> JobSpec:
    """:data:`VECTOR_SPEC` with ``changes`` (another ``state`` gives another job)."""
    return replace(VECTOR_SPEC, **changes)


def queued_jobs(client: redis.Redis, queue: str = "cpu") -> list[tuple[str, str]]:
    """Task name and ``job_id`` of each message waiting in a Celery queue, newest first."""
    found = []
    for raw in client.lrange(queue, 0, -1):
        envelope = json.loads(raw)
        _, kwargs, _ = json.loads(base64.b64decode(envelope["body"]))
        found.append((envelope["headers"]["task"], kwargs["job_id"]))
    return found
