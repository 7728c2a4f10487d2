"""Retrying and cancelling jobs through HTTP: the job record's transition, the task message on the
broker, and the refusals (no key, unknown job, a status that does not allow it)."""

from __future__ import annotations

import pytest
import redis

from config.tasks import INGEST_VECTOR
from graphdb.jobs import JobStore
from graphdb.repository import Neo4jGraph
from tests.api.support import HEADERS, Api, error_codes
from tests.support.jobs import job_spec, queued_jobs

CANCEL = "mutation($id: ID!) { cancelJob(id: $id) { id status reason stage } }"
RETRY = "mutation($id: ID!) { retryJob(id: $id) { id status reason requeues worker } }"
SPEC = job_spec(state="control-2024")


@pytest.fixture
def jobs(repo: Neo4jGraph, redis_client: redis.Redis) -> JobStore:
    """The job store of the emptied test database (the broker emptied too)."""
    return JobStore(repo.client)


def test_cancel_then_retry(api: Api, jobs: JobStore, redis_client: redis.Redis) -> None:
    job_id = jobs.submit(SPEC).job.id
    assert error_codes(api.gql(CANCEL, id=job_id)) == ["UNAUTHENTICATED"]
    cancelled = api.data(CANCEL, HEADERS, id=job_id)["cancelJob"]
    assert cancelled == {"id": job_id, "status": "FAILED", "reason": "cancelled",
                         "stage": "cancelled"}  # fmt: skip
    assert jobs.get(job_id).cleanup_pending
    assert error_codes(api.gql(CANCEL, HEADERS, id=job_id)) == ["CONFLICT"]
    pending = api.gql(RETRY, HEADERS, id=job_id)
    assert error_codes(pending) == ["CONFLICT"], "no retry before the workers cleaned up"
    assert "yet to delete" in pending["errors"][0]["message"]
    jobs.cleaned(job_id)

    retried = api.data(RETRY, HEADERS, id=job_id)["retryJob"]
    assert retried == {"id": job_id, "status": "QUEUED", "reason": None, "requeues": 0,
                       "worker": None}  # fmt: skip
    assert queued_jobs(redis_client) == [(INGEST_VECTOR, job_id)]


def test_refusals_change_nothing(api: Api, jobs: JobStore, redis_client: redis.Redis) -> None:
    job_id = jobs.submit(SPEC).job.id
    jobs.start(job_id)
    jobs.heartbeat(job_id, "w1@host", 321)
    alive = api.gql(RETRY, HEADERS, id=job_id)
    assert error_codes(alive) == ["CONFLICT"]
    assert "w1@host" in alive["errors"][0]["message"]
    assert error_codes(api.gql(RETRY, HEADERS, id="j-missing")) == ["NOT_FOUND"]
    assert error_codes(api.gql(CANCEL, HEADERS, id="j-missing")) == ["NOT_FOUND"]
    jobs.commit(job_id, objects=1, relations=0)
    assert error_codes(api.gql(CANCEL, HEADERS, id=job_id)) == ["CONFLICT"]
    assert error_codes(api.gql(RETRY, HEADERS, id=job_id)) == ["CONFLICT"]
    assert jobs.get(job_id).status.value == "COMMITTED"
    assert queued_jobs(redis_client) == []
