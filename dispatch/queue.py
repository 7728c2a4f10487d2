"""Enqueueing a job's task by name on the queue ``config.tasks`` gives it.

The job id is in the message's arguments, so Flower and ``celery inspect`` show which job a
message belongs to; the task id stays Celery's own, fresh for each enqueue, so a requeued job
starts with a clean delivery count.
"""

from __future__ import annotations

from celery import Celery

from config.tasks import INGEST_TASKS, TASK_QUEUES
from graphdb.jobs import JobKind


def task_client(broker_url: str, *, timeout_s: float) -> Celery:
    """A Celery app that only sends tasks by name: it knows the broker, never the workers' code.

    Connecting and publishing give up after about ``timeout_s`` (one retry), so a caller meets
    a broker that is down with kombu's ``OperationalError`` in seconds, not after minutes.
    """
    app = Celery("orthograph-client", broker=broker_url, set_as_current=False)
    app.conf.broker_connection_retry_on_startup = False
    app.conf.broker_connection_timeout = timeout_s
    app.conf.task_publish_retry_policy = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": timeout_s / 2,
        "interval_max": timeout_s / 2,
    }
    return app


def send_job(celery: Celery, kind: JobKind, job_id: str) -> None:
    """Send the task that runs a job of ``kind`` (``INGEST_TASKS``) with its only argument,
    ``job_id``, to that task's queue (``TASK_QUEUES``)."""
    task = INGEST_TASKS[kind]
    celery.send_task(task, kwargs={"job_id": job_id}, queue=TASK_QUEUES[task])
