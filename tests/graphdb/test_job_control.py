"""Job transitions that take a job back or end it, on the real test Neo4j: retry, cancel, the
heartbeat, the reconciler's view of quiet jobs, and the resubmit of a job whose version was
purged."""

from __future__ import annotations

import pytest

from graphdb import ids
from graphdb.client import GraphClient
from graphdb.jobs import CANCELLED, JobConflict, JobStatus, JobStore
from graphdb.schema import apply_schema
from tests.support.jobs import job_spec

SPEC = job_spec()
AGE = """
MATCH (j:Job {id: $id})
SET j.heartbeat_at = CASE WHEN j.heartbeat_at IS NULL THEN null
                          ELSE j.heartbeat_at - duration({seconds: $s}) END,
    j.enqueued_at = j.enqueued_at - duration({seconds: $s})
"""
"""Moves a job's signs of life ``$s`` seconds into the past."""


@pytest.fixture
def jobs(client: GraphClient) -> JobStore:
    apply_schema(client)
    return JobStore(client)


def age(client: GraphClient, job_id: str, seconds: float) -> None:
    client.write(lambda tx: tx.run(AGE, {"id": job_id, "s": seconds}).consume())


def stale(jobs: JobStore) -> list[str]:
    return [j.id for j in jobs.stale(queued_s=600, running_s=300, failed_s=30)]


def test_heartbeat_names_the_worker_and_reports_the_status(jobs: JobStore) -> None:
    jobs.submit(SPEC)
    started = jobs.start(SPEC.id)
    assert started is not None and started.heartbeat_at is not None
    assert jobs.heartbeat(SPEC.id, "w1@host", 4242) is JobStatus.RUNNING
    job = jobs.get(SPEC.id)
    assert (job.worker, job.worker_pid) == ("w1@host", 4242)
    jobs.cancel(SPEC.id)
    assert jobs.heartbeat(SPEC.id, "w2@host", 1) is JobStatus.FAILED
    assert jobs.get(SPEC.id).worker == "w1@host", "a FAILED job takes no heartbeat"
    assert jobs.heartbeat("j-missing", "w1@host", 1) is None


def test_stale_lists_only_quiet_jobs_past_their_threshold(
    jobs: JobStore, client: GraphClient
) -> None:
    queued = jobs.submit(SPEC).job.id
    running = jobs.submit(job_spec(state="running")).job.id
    fresh = jobs.submit(job_spec(state="fresh")).job.id
    for job_id in (running, fresh):
        jobs.start(job_id)
    assert stale(jobs) == []
    age(client, queued, 601)
    age(client, running, 301)
    age(client, fresh, 200)
    assert sorted(stale(jobs)) == sorted([queued, running])
    jobs.heartbeat(running, "w@host", 1)
    assert stale(jobs) == [queued], "a heartbeat makes a running job fresh again"


def test_reclaim_requeues_a_quiet_running_job_and_counts_it(
    jobs: JobStore, client: GraphClient
) -> None:
    jobs.submit(SPEC)
    jobs.start(SPEC.id)
    jobs.progress(SPEC.id, 0.5, "segmenting")
    assert jobs.reclaim(SPEC.id, JobStatus.RUNNING, quiet_s=300) is None, "still alive"
    age(client, SPEC.id, 301)
    taken = jobs.reclaim(SPEC.id, JobStatus.RUNNING, quiet_s=300)
    assert taken is not None
    assert (taken.status, taken.requeues, taken.runs, taken.progress) == (
        JobStatus.QUEUED, 1, 1, 0.0,
    )  # fmt: skip
    assert taken.worker is None and taken.heartbeat_at is None
    assert jobs.reclaim(SPEC.id, JobStatus.RUNNING, quiet_s=300) is None, "no longer RUNNING"
    age(client, SPEC.id, 601)
    again = jobs.reclaim(SPEC.id, JobStatus.QUEUED, quiet_s=600)
    assert again is not None and again.requeues == 1, "a lost message is not a lost worker"


def test_retry_takes_failed_and_stuck_jobs_and_refuses_live_or_committed_ones(
    jobs: JobStore, client: GraphClient
) -> None:
    jobs.submit(SPEC)
    jobs.start(SPEC.id)
    with pytest.raises(JobConflict, match="alive"):
        jobs.retry(SPEC.id, stuck_after_s=300)
    age(client, SPEC.id, 301)
    stuck = jobs.retry(SPEC.id, stuck_after_s=300)
    assert stuck.status is JobStatus.QUEUED
    jobs.start(SPEC.id)
    jobs.fail(SPEC.id, "boom")
    retried = jobs.retry(SPEC.id)
    assert (retried.status, retried.reason, retried.runs) == (JobStatus.QUEUED, None, 2)
    jobs.start(SPEC.id)
    jobs.commit(SPEC.id, objects=3, relations=1)
    with pytest.raises(JobConflict, match="COMMITTED"):
        jobs.retry(SPEC.id)


def test_cancel_ends_live_jobs_with_cleanup_pending(jobs: JobStore, client: GraphClient) -> None:
    jobs.submit(SPEC)
    jobs.start(SPEC.id)
    cancelled = jobs.cancel(SPEC.id)
    assert (cancelled.status, cancelled.reason, cancelled.cleanup_pending) == (
        JobStatus.FAILED, CANCELLED, True,
    )  # fmt: skip
    with pytest.raises(JobConflict, match="FAILED already"):
        jobs.cancel(SPEC.id)
    assert stale(jobs) == [], "the cleanup waits until no task touched the job for a while"
    age(client, SPEC.id, 31)
    assert stale(jobs) == [SPEC.id]
    with pytest.raises(JobConflict, match="yet to delete"):
        jobs.retry(SPEC.id)
    assert not jobs.submit(SPEC).enqueue, "no rerun starts under a pending cleanup"
    assert jobs.cleaned(SPEC.id).cleanup_pending is False
    assert stale(jobs) == []
    assert jobs.retry(SPEC.id).status is JobStatus.QUEUED, "a cancelled job can be retried"


def test_give_up_fails_only_a_job_still_quiet(jobs: JobStore, client: GraphClient) -> None:
    jobs.submit(SPEC)
    jobs.start(SPEC.id)
    assert jobs.give_up(SPEC.id, "lost", quiet_s=300) is None, "its worker is alive"
    age(client, SPEC.id, 301)
    ended = jobs.give_up(SPEC.id, "lost", quiet_s=300)
    assert ended is not None
    assert (ended.status, ended.reason, ended.cleanup_pending) == (JobStatus.FAILED, "lost", True)


def test_resubmit_runs_again_only_once_the_committed_version_is_purged(
    jobs: JobStore, client: GraphClient
) -> None:
    jobs.submit(SPEC)
    jobs.start(SPEC.id)
    jobs.alerts_published(SPEC.id, 4)
    jobs.commit(SPEC.id, objects=10, relations=5)
    version = ids.version_id(SPEC.state, SPEC.id)
    client.write(
        lambda tx: tx.run(
            "CREATE (:MapState {id: $id, name: $name, status: 'committed'})",
            {"id": version, "name": SPEC.state},
        ).consume()
    )
    kept = jobs.submit(SPEC)
    assert not kept.enqueue and kept.job.status is JobStatus.COMMITTED
    client.write(
        lambda tx: tx.run("MATCH (s:MapState {id: $id}) DELETE s", {"id": version}).consume()
    )
    rerun = jobs.submit(SPEC)
    assert rerun.enqueue
    job = rerun.job
    assert (job.status, job.progress, job.stage, job.runs) == (JobStatus.QUEUED, 0.0, "queued", 1)
    assert (job.objects, job.relations, job.alerts, job.alerts_published) == (
        None, None, None, False,
    )  # fmt: skip
    assert not jobs.submit(SPEC).enqueue, "one resubmit sends it, the next finds it QUEUED"


def test_a_job_committed_before_versions_existed_is_not_run_again(
    jobs: JobStore, client: GraphClient
) -> None:
    # Its state has the name's first id and a source naming the job (the demo's second run).
    jobs.submit(SPEC)
    jobs.start(SPEC.id)
    jobs.commit(SPEC.id, objects=10, relations=5)
    client.write(
        lambda tx: tx.run(
            "CREATE (:MapState {id: $id, name: $name, status: 'committed', source: $source})",
            {
                "id": ids.state_id(SPEC.state),
                "name": SPEC.state,
                "source": f"vector:{SPEC.input_name} job:{SPEC.id}",
            },
        ).consume()
    )

    again = jobs.submit(SPEC)

    assert not again.enqueue and again.job.status is JobStatus.COMMITTED
