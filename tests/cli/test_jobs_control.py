"""``orthograph jobs retry|cancel`` on the real test stack: transitions, the enqueued message, and
exit code 3 with one line on stderr when the job's status does not allow it."""

from __future__ import annotations

import json

import pytest
import redis
from neo4j import Driver
from typer.testing import CliRunner, Result

from cli.main import app
from graphdb.client import GraphClient
from graphdb.jobs import JobStatus, JobStore
from graphdb.schema import apply_schema
from tests.support.jobs import job_spec
from workers.reconcile import waiting_jobs

SPEC = job_spec(state="cli-control")


@pytest.fixture
def jobs(graph: Driver, neo4j_database: str, redis_client: redis.Redis) -> JobStore:
    client = GraphClient(graph, neo4j_database)
    apply_schema(client)
    return JobStore(client)


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["jobs", *args])


def test_cancel_and_retry(jobs: JobStore, redis_client: redis.Redis) -> None:
    job_id = jobs.submit(SPEC).job.id
    jobs.start(job_id)
    cancelled = run("cancel", job_id, "--json")
    assert cancelled.exit_code == 0, cancelled.output
    assert json.loads(cancelled.stdout)["reason"] == "cancelled"
    again = run("cancel", job_id)
    assert again.exit_code == 3
    assert (
        again.stderr.strip()
        == f"orthograph jobs: job {job_id} is FAILED already; nothing to cancel"
    )
    pending = run("retry", job_id)
    assert pending.exit_code == 3 and "yet to delete" in pending.stderr
    jobs.cleaned(job_id)
    retried = run("retry", job_id, "--json")
    assert retried.exit_code == 0, retried.output
    assert json.loads(retried.stdout)["status"] == "QUEUED"
    assert waiting_jobs(redis_client) == {job_id}
    jobs.start(job_id)
    alive = run("retry", job_id)
    assert alive.exit_code == 3 and "alive" in alive.stderr
    assert jobs.get(job_id).status is JobStatus.RUNNING
    assert run("cancel", "j-missing").exit_code == 3
