"""Job metrics read at scrape time from the graph and the broker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import redis
from prometheus_client import CollectorRegistry, generate_latest

from graphdb.jobs import JobStore
from tests.workers.harness import Submit
from tests.workers.maps import write_map
from workers.metrics import JobCollector


def test_collector_reports_jobs_and_queue_depth(
    jobs: JobStore, submit: Submit, redis_client: redis.Redis, tmp_path: Path
) -> None:
    submit("vector", write_map(tmp_path / "a.geojson"), state="a", as_of=date(2024, 1, 1))
    submit(
        "vector", write_map(tmp_path / "b.geojson", buildings=2), state="b", as_of=date(2024, 1, 1)
    )
    registry = CollectorRegistry()
    registry.register(JobCollector(jobs, redis_client))
    text = generate_latest(registry).decode()
    assert 'orthograph_jobs{kind="vector",status="QUEUED"} 2.0' in text
    assert 'orthograph_queue_depth{queue="cpu"} 2.0' in text
    assert 'orthograph_queue_depth{queue="gpu"} 0.0' in text
    assert 'orthograph_job_runs_total{kind="vector",status="QUEUED"} 0.0' in text
