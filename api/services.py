"""The long-lived backends of one API process, opened at start-up and closed at shut-down.

The graph driver is synchronous: resolvers call it through :func:`blocking`, which runs it in
the thread pool so one slow query never stalls the event loop. Jobs are enqueued by task name
with a Celery client that knows nothing of the workers' code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import redis.asyncio as aioredis
from celery import Celery
from starlette.concurrency import run_in_threadpool

from api.settings import ApiSettings
from config.connections import REDIS_PROTOCOL
from config.tasks import INGEST_TASKS, TASK_QUEUES
from graphdb.alerts import AlertBook
from graphdb.jobs import JobKind, JobStore
from graphdb.lookups import Lookups
from graphdb.repository import Neo4jGraph, open_graph

P = ParamSpec("P")
T = TypeVar("T")


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking call (the graph, the broker) in the thread pool."""
    return await run_in_threadpool(fn, *args, **kwargs)


class TaskQueue:
    """Enqueues jobs on the workers' broker by task name (``send_task``), never importing them."""

    def __init__(self, broker_url: str, *, timeout_s: float) -> None:
        self._app = Celery("orthograph-api", broker=broker_url, set_as_current=False)
        self._app.conf.broker_connection_retry_on_startup = False
        self._app.conf.broker_connection_timeout = timeout_s
        self._app.conf.task_publish_retry_policy = {
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": timeout_s / 2,
            "interval_max": timeout_s / 2,
        }

    def enqueue(self, kind: JobKind, job_id: str) -> None:
        """Send the job's task (``config.tasks``) with its only argument, ``job_id``, to the
        task's queue."""
        task = INGEST_TASKS[kind]
        self._app.send_task(task, kwargs={"job_id": job_id}, queue=TASK_QUEUES[task])

    def close(self) -> None:
        self._app.close()


@dataclass
class Services:
    """Everything resolvers reach; built once per process by :func:`open_services`."""

    settings: ApiSettings
    graph: Neo4jGraph
    lookups: Lookups
    alerts: AlertBook
    jobs: JobStore
    redis: aioredis.Redis
    queue: TaskQueue

    def close_sync(self) -> None:
        """Close the synchronous clients (the async Redis client is closed by :meth:`aclose`)."""
        self.queue.close()
        self.graph.close()

    async def aclose(self) -> None:
        await self.redis.aclose()
        await blocking(self.close_sync)


def open_services(settings: ApiSettings) -> Services:
    """Connect to Neo4j (schema brought up to date), Redis and the broker, every one with the
    request path's short timeouts (``graph_timeout_s``): a request meets a backend that is
    down with 503 SERVICE_UNAVAILABLE in seconds, not after the drivers' minute of retries."""
    timeout = settings.graph_timeout_s
    graph = open_graph(settings, timeout_s=timeout)
    return Services(
        settings=settings,
        graph=graph,
        lookups=Lookups(graph.client),
        alerts=AlertBook(graph.client),
        jobs=JobStore(graph.client),
        redis=aioredis.Redis.from_url(
            settings.redis_url,
            protocol=REDIS_PROTOCOL,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        ),
        queue=TaskQueue(settings.redis_url, timeout_s=timeout),
    )
