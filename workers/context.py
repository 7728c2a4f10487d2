"""What one worker process holds for its lifetime: graph, job store, Redis client, segmenter.

Everything here is opened in the pool child, after the fork (``worker_process_init``), never in
the parent: a Neo4j driver's sockets or a CUDA context must not be shared by forked processes.
:func:`forget_after_fork` is registered with ``os.register_at_fork`` so a child never inherits a
context the parent happened to open (the CLI submitting from a process that later forks, tests).
The segmenter (the model) is the heavy part: it is loaded once per process, and only where the
worker serves the ``gpu`` queue. The ``segmenter`` setting (``ORTHOGRAPH_SEGMENTER``) names its
``module:factory``, which gets the ``model_checkpoint`` setting (or None for its default
weights); the default is the MSGG-AI network's ``model.inference:load_segmenter``, tests plug
in a rule-based one. A worker imports torch only if the factory does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import redis

from config.connections import REDIS_PROTOCOL
from graphdb.jobs import JobStore
from graphdb.repository import Neo4jGraph, open_graph
from ingest.imagery.segmenter import Segmenter, load_segmenter
from workers.settings import WorkerSettings, get_settings


@dataclass
class WorkerContext:
    """The long-lived resources of one process; build it with :func:`context`."""

    settings: WorkerSettings
    graph: Neo4jGraph
    jobs: JobStore
    redis: redis.Redis
    _segmenter: Segmenter | None = field(default=None, repr=False)

    def segmenter(self) -> Segmenter:
        """The process's segmenter, loaded on first use (``SegmenterUnavailable``)."""
        if self._segmenter is None:
            self._segmenter = load_segmenter(
                self.settings.segmenter, self.settings.model_checkpoint
            )
        return self._segmenter

    def close(self) -> None:
        """Release connections (the process is shutting down)."""
        self.graph.close()
        self.redis.close()


@cache
def context() -> WorkerContext:
    """This process's context, opened on first use: connects, brings the schema up to date."""
    return _open()


@contextmanager
def passing_context() -> Iterator[WorkerContext]:
    """A context for one action of a process that must not keep one (the worker's parent,
    which records a job killed at the hard time limit), closed afterwards."""
    ctx = _open()
    try:
        yield ctx
    finally:
        ctx.close()


def _open() -> WorkerContext:
    settings = get_settings()
    graph = open_graph(settings)
    # No ``health_check_interval``: redis-py 8.2 sends that check's PING inside the connect
    # handshake, and that path twice failed a task in CI with an AttributeError from within
    # redis-py (its parser's buffer gone mid-handshake). A dead pooled socket is still
    # replaced: the client retries a command on a connection error (redis-py's default, three
    # times with backoff), reconnecting.
    client = redis.Redis.from_url(settings.redis_url, protocol=REDIS_PROTOCOL, socket_timeout=30)
    return WorkerContext(settings=settings, graph=graph, jobs=JobStore(graph.client), redis=client)


def close_context() -> None:
    """Close this process's context if it was opened."""
    if context.cache_info().currsize:
        context().close()
        context.cache_clear()


def forget_after_fork() -> None:
    """Drop (without closing: the sockets are the parent's) a context inherited through fork."""
    context.cache_clear()


os.register_at_fork(after_in_child=forget_after_fork)
