"""Prometheus metrics of the job system, served by a worker on ``ORTHOGRAPH_METRICS_PORT``.

The numbers are read when Prometheus scrapes, from where they are true for the whole cluster:
job counts, runs and durations from the ``(:Job)`` records in the graph, queue depths from the
Redis lists of the broker. No per-process counters means no multiprocess bookkeeping for the
prefork pool, and a worker restart loses nothing. Every worker reports the same cluster-wide
values, so scrape one (or aggregate with ``max``). Task-level detail (per-task runtimes,
retries, which worker ran what) is Flower's: workers send task events.

- ``orthograph_jobs{kind,status}``: jobs by status (FAILED ones are the failures);
- ``orthograph_job_runs_total{kind,status}``: executions started (above the job count after
  redeliveries and retries);
- ``orthograph_job_duration_seconds{kind,status}``: a summary (count, sum) of finished jobs'
  run time, start of the first run to the end;
- ``orthograph_queue_depth{queue}``: messages waiting per queue.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import redis
from prometheus_client import start_http_server
from prometheus_client.core import (
    REGISTRY,
    CounterMetricFamily,
    GaugeMetricFamily,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector

from config.connections import REDIS_PROTOCOL
from config.tasks import QUEUES
from graphdb.client import GraphClient
from graphdb.jobs import JobStore
from workers.errors import TRANSIENT
from workers.settings import WorkerSettings

log = logging.getLogger(__name__)

PRIORITY_SEPARATOR = "\x06\x16"
"""kombu's Redis transport keeps one list per priority step: ``queue``, ``queue\\x06\\x163``..."""
PRIORITY_STEPS = (3, 6, 9)


class JobCollector(Collector):
    """Collects the job metrics at scrape time (see the module docstring)."""

    def __init__(self, jobs: JobStore, broker: redis.Redis) -> None:
        self._jobs = jobs
        self._broker = broker

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | SummaryMetricFamily]:
        labels = ["kind", "status"]
        jobs = GaugeMetricFamily("orthograph_jobs", "Jobs by kind and status.", labels=labels)
        runs = CounterMetricFamily("orthograph_job_runs", "Job executions started.", labels=labels)
        durations = SummaryMetricFamily(
            "orthograph_job_duration_seconds", "Run time of finished jobs.", labels=labels
        )
        depth = GaugeMetricFamily(
            "orthograph_queue_depth", "Messages waiting per queue.", labels=["queue"]
        )
        try:
            for stats in self._jobs.stats():
                labels = [stats.kind, stats.status]
                jobs.add_metric(labels, stats.jobs)
                runs.add_metric(labels, stats.runs)
                if stats.finished:
                    durations.add_metric(labels, stats.finished, stats.seconds)
            for queue in QUEUES:
                depth.add_metric([queue], self._queue_depth(queue))
        except TRANSIENT as exc:
            log.warning("metrics incomplete: %s", exc)
        yield from (jobs, runs, durations, depth)

    def _queue_depth(self, queue: str) -> int:
        pipe = self._broker.pipeline(transaction=False)
        pipe.llen(queue)
        for step in PRIORITY_STEPS:
            pipe.llen(f"{queue}{PRIORITY_SEPARATOR}{step}")
        return sum(int(n) for n in pipe.execute())


def serve_metrics(settings: WorkerSettings) -> None:
    """Register the collector and serve ``/metrics`` on ``settings.metrics_port`` (a thread).

    The collector has its own connections: it runs in the worker's main process, which holds
    none (pool children do).
    """
    jobs = JobStore(GraphClient.connect(settings, attempts=1))
    broker = redis.Redis.from_url(settings.redis_url, protocol=REDIS_PROTOCOL, socket_timeout=5)
    REGISTRY.register(JobCollector(jobs, broker))
    start_http_server(settings.metrics_port)
    log.info("metrics on port %d", settings.metrics_port)
