"""The long-lived backends of one API process, opened at start-up and closed at shut-down.

The graph driver is synchronous: resolvers call it through :func:`blocking`, which runs it in
the thread pool so one slow query never stalls the event loop. Jobs are enqueued by task name
with a Celery client that knows nothing of the workers' code (``dispatch.queue``).
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
from dispatch.queue import task_client
from graphdb.alerts import AlertBook
from graphdb.jobs import JobStore
from graphdb.lookups import Lookups
from graphdb.repository import Neo4jGraph, open_graph
from graphdb.tiles import TileReader

P = ParamSpec("P")
T = TypeVar("T")


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking call (the graph, the broker) in the thread pool."""
    return await run_in_threadpool(fn, *args, **kwargs)


@dataclass
class Services:
    """Everything resolvers reach; built once per process by :func:`open_services`."""

    settings: ApiSettings
    graph: Neo4jGraph
    lookups: Lookups
    alerts: AlertBook
    jobs: JobStore
    tiles: TileReader
    """Objects of vector tiles (keeps the per-scale counts of the state versions it served)."""
    redis: aioredis.Redis
    queue: Celery
    """Sends job tasks by name (:func:`dispatch.queue.send_job`)."""

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
    down with 503 SERVICE_UNAVAILABLE in seconds, not after the drivers' minute of retries.
    Reads end in Neo4j too when they outlast the request (``request_timeout_s``)."""
    timeout = settings.graph_timeout_s
    graph = open_graph(settings, timeout_s=timeout, read_timeout_s=settings.request_timeout_s)
    return Services(
        settings=settings,
        graph=graph,
        lookups=Lookups(graph.client),
        alerts=AlertBook(graph.client),
        jobs=JobStore(graph.client),
        tiles=TileReader(graph.client),
        redis=aioredis.Redis.from_url(
            settings.redis_url,
            protocol=REDIS_PROTOCOL,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        ),
        queue=task_client(settings.redis_url, timeout_s=timeout),
    )
