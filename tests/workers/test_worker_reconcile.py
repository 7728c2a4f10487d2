"""What one reconciliation pass decides, against the real test Neo4j and Redis (no worker runs):
lost messages are sent again, lost workers' jobs are requeued or given up, live and waiting jobs
are left alone, cancelled jobs are cleaned up, and one worker reconciles at a time. Also the
settings that bound it, and the heartbeat watch of a task, run here in the test's main thread."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
import redis
from pydantic import ValidationError

from config.tasks import INGEST_IMAGERY, INGEST_VECTOR
from dispatch.queue import send_job
from graphdb.job_tiles import TileResult
from graphdb.jobs import CANCELLED, Job, JobKind, JobStatus, JobStore
from tests.support.jobs import job_spec, queued_jobs
from tests.workers.harness import wait_until
from workers.app import app as celery_app
from workers.app import celery_config
from workers.context import WorkerContext, passing_context
from workers.errors import JobCancelled
from workers.heartbeat import INTERRUPT, JobWatch
from workers.reconcile import LOCK, Reconciled, ReconcileLoop, reconcile, waiting_jobs
from workers.settings import WorkerSettings, get_settings

SPEC = job_spec(state="reconcile-me")
IMAGE = job_spec(kind=JobKind.IMAGERY, input_name="south.tif", state="reconcile-image")
AGE = """
MATCH (j:Job {id: $id})
SET j.heartbeat_at = j.heartbeat_at - duration({seconds: $s}),
    j.enqueued_at = j.enqueued_at - duration({seconds: $s})
"""
SETTINGS = WorkerSettings(queued_stale_s=600, running_stale_s=400, max_requeues=2)
TILE = TileResult(
    scale=2000, row=0, col=0, window=(0, 0, 64, 64), source="colour",
    classes=[], scores=[], geometries=[],
)  # fmt: skip


@pytest.fixture
def ctx(jobs: JobStore, redis_client: redis.Redis) -> Iterator[WorkerContext]:
    """A worker context on the emptied test stores (``jobs`` applied the schema)."""
    with passing_context() as opened:
        yield opened


def age(ctx: WorkerContext, job_id: str, seconds: float, **props: object) -> None:
    """Move the job's signs of life ``seconds`` back and set ``props`` on it."""
    ctx.graph.client.write(lambda tx: tx.run(AGE, {"id": job_id, "s": seconds}).consume())
    ctx.graph.client.write(
        lambda tx: tx.run("MATCH (j:Job {id: $id}) SET j += $p", {"id": job_id, "p": props})
    )


def running_image(ctx: WorkerContext) -> Job:
    """An imagery job started, with one tile result stored."""
    job = ctx.jobs.submit(IMAGE).job
    ctx.jobs.start(job.id)
    ctx.jobs.put_tile(job.id, TILE)
    return job


def send(job: Job) -> None:
    send_job(celery_app, job.kind, job.id)


def test_a_queued_job_whose_message_was_lost_is_enqueued_again(
    ctx: WorkerContext, redis_client: redis.Redis
) -> None:
    lost = ctx.jobs.submit(SPEC).job
    waiting = ctx.jobs.submit(job_spec(state="still-waiting")).job
    send(waiting)
    age(ctx, lost.id, 601)
    age(ctx, waiting.id, 601)
    done = reconcile(ctx, SETTINGS, send)
    assert (done.reenqueued, done.requeued) == ([lost.id], [])
    assert sorted(queued_jobs(redis_client)) == sorted(
        [(INGEST_VECTOR, waiting.id), (INGEST_VECTOR, lost.id)]
    ), "the lost job is sent once; the one whose message waits is not sent twice"
    again = ctx.jobs.get(lost.id)
    assert again.status is JobStatus.QUEUED and again.requeues == 0
    assert reconcile(ctx, SETTINGS, send) == Reconciled(), "a second pass finds nothing to do"


def test_a_running_job_of_a_lost_worker_is_requeued_and_a_live_one_is_left_alone(
    ctx: WorkerContext, redis_client: redis.Redis
) -> None:
    lost = running_image(ctx)
    live = ctx.jobs.submit(job_spec(state="live")).job
    ctx.jobs.start(live.id)
    for job in (lost, live):
        ctx.jobs.heartbeat(job.id, "w@gone", 7)
    age(ctx, lost.id, 401)
    age(ctx, live.id, 300)
    done = reconcile(ctx, SETTINGS, send)
    assert done.requeued == [lost.id]
    taken = ctx.jobs.get(lost.id)
    assert (taken.status, taken.requeues, taken.worker) == (JobStatus.QUEUED, 1, None)
    assert ctx.jobs.tile_count(lost.id) == 1, "work already done is kept for the rerun"
    assert queued_jobs(redis_client) == [(INGEST_IMAGERY, lost.id)]
    assert ctx.jobs.get(live.id).status is JobStatus.RUNNING


def test_a_running_job_with_its_tiles_waiting_is_alive(
    ctx: WorkerContext, redis_client: redis.Redis
) -> None:
    job = ctx.jobs.submit(IMAGE).job
    ctx.jobs.start(job.id)
    celery_app.send_task("orthograph.infer_tile", kwargs={"job_id": job.id}, queue="gpu")
    age(ctx, job.id, 401)
    assert waiting_jobs(redis_client) == {job.id}
    assert reconcile(ctx, SETTINGS, send).requeued == []
    assert ctx.jobs.get(job.id).status is JobStatus.RUNNING


def test_a_job_that_lost_its_workers_too_often_fails_and_is_cleaned_up(
    ctx: WorkerContext, redis_client: redis.Redis
) -> None:
    job = running_image(ctx)
    age(ctx, job.id, 401, requeues=SETTINGS.max_requeues)
    done = reconcile(ctx, SETTINGS, send)
    assert done.failed == [job.id]
    failed = ctx.jobs.get(job.id)
    assert failed.status is JobStatus.FAILED
    assert failed.reason and "worker was lost 3 times" in failed.reason
    assert ctx.jobs.tile_count(job.id) == 0 and not failed.cleanup_pending
    assert queued_jobs(redis_client) == []


def test_a_cancelled_job_is_cleaned_up_once_no_task_touches_it(
    ctx: WorkerContext, redis_client: redis.Redis
) -> None:
    job = running_image(ctx)
    ctx.jobs.cancel(job.id)
    assert reconcile(ctx, SETTINGS, send).cleaned == [], "a task may still be stopping"
    age(ctx, job.id, 3 * SETTINGS.heartbeat_interval_s + 1)
    assert reconcile(ctx, SETTINGS, send).cleaned == [job.id]
    cleaned = ctx.jobs.get(job.id)
    assert (cleaned.status, cleaned.reason, cleaned.cleanup_pending) == (
        JobStatus.FAILED, CANCELLED, False,
    )  # fmt: skip
    assert ctx.jobs.tile_count(job.id) == 0
    assert reconcile(ctx, SETTINGS, send).cleaned == []


def test_one_worker_reconciles_per_interval(ctx: WorkerContext, redis_client: redis.Redis) -> None:
    settings = get_settings()
    first = ReconcileLoop(settings, celery_app, "w1@test")
    second = ReconcileLoop(settings, celery_app, "w2@test")
    assert first.run_once(redis_client) is not None
    assert second.run_once(redis_client) is None
    assert redis_client.get(LOCK) == b"w1@test"
    assert 0 < redis_client.pttl(LOCK) <= settings.reconcile_interval_s * 1000


def test_visibility_follows_the_longest_hold_and_stale_thresholds_outlast_retries() -> None:
    assert WorkerSettings(hard_time_limit_s=1_000, soft_time_limit_s=900).visibility == 1_300
    assert WorkerSettings(hard_time_limit_s=5_000, soft_time_limit_s=4_000).visibility == 5_500
    assert WorkerSettings(visibility_timeout_s=4_000).visibility == 4_000
    conf = celery_config(WorkerSettings())
    assert conf["broker_transport_options"]["visibility_timeout"] == 3_960
    with pytest.raises(ValidationError, match="running_stale_s"):
        WorkerSettings(running_stale_s=100, retry_backoff_max_s=90)
    with pytest.raises(ValidationError, match="queued_stale_s"):
        WorkerSettings(queued_stale_s=50, heartbeat_interval_s=20, retry_backoff_max_s=5)


@pytest.fixture
def restore_interrupt() -> Iterator[None]:
    """Put back the handler of the interrupt signal that a watch installs in this process."""
    previous = signal.getsignal(INTERRUPT)
    yield
    signal.signal(INTERRUPT, previous)


@pytest.mark.usefixtures("restore_interrupt")
def test_the_watch_beats_and_interrupts_the_task_of_a_job_cancelled_meanwhile(
    jobs: JobStore,
) -> None:
    job = jobs.submit(SPEC).job
    jobs.start(job.id)
    watch = JobWatch(jobs.heartbeat, interval_s=0.1)
    with pytest.raises(JobCancelled), watch.running(job.id, "w@test"):
        wait_until(lambda: jobs.get(job.id).worker == "w@test", 60, "a heartbeat")
        assert jobs.get(job.id).worker_pid == os.getpid()
        jobs.cancel(job.id)
        wait_until(lambda: False, 60, "the cancelled task to be interrupted")


@pytest.mark.usefixtures("restore_interrupt")
def test_the_watch_leaves_a_task_alone_whose_job_had_ended_before(jobs: JobStore) -> None:
    job = jobs.submit(SPEC).job
    jobs.cancel(job.id)
    watch = JobWatch(jobs.heartbeat, interval_s=0.05)
    with watch.running(job.id, "w@test"):
        time.sleep(0.5)
    assert jobs.get(job.id).worker is None, "an ended job takes no heartbeat"
