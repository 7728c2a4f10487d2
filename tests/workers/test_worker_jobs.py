"""Jobs end to end through a real worker: imagery fan-out, vector ingest, alerts, CLI."""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import redis
from neo4j import Driver

from config.connections import PROJECT_ROOT
from config.tasks import ALERTS_CHANNEL, JOB_PROGRESS_CHANNEL_PREFIX
from graphdb.client import GraphClient
from graphdb.jobs import JobStatus, JobStore
from graphdb.rasters import RasterRegistry
from graphdb.repository import Neo4jGraph
from tests.workers.harness import BIN, Submit, Workers, wait_for_job, wait_until
from tests.workers.maps import write_map
from tests.workers.receiver import receiver
from tests.workers.scenes import BUILDINGS, write_scene

TILING = {"scales": [2000, 10000], "tile_size": 128, "overlap": 16}
"""25 tiles at 1:2000 and 9 at 1:10000 over a 512 px scene."""


def drain(pubsub: Any, wanted: int, what: str) -> list[dict[str, Any]]:
    """Read JSON messages until ``wanted`` arrived (bounded wait)."""
    got: list[dict[str, Any]] = []

    def enough() -> bool:
        while (message := pubsub.get_message(timeout=0.1)) is not None:
            if message["type"] in ("message", "pmessage"):
                got.append(json.loads(message["data"]))
        return len(got) >= wanted

    wait_until(enough, 60, f"{wanted} {what} on Redis (got {len(got)})")
    return got


def test_imagery_jobs_commit_and_alert_on_change(
    workers: Workers,
    jobs: JobStore,
    submit: Submit,
    redis_client: redis.Redis,
    tmp_path: Path,
    graph: Driver,
    neo4j_database: str,
) -> None:
    client = GraphClient(graph, neo4j_database)
    before = write_scene(tmp_path / "south-2024.tif")
    kept = [name for name in BUILDINGS if name != "house-b"]
    after = write_scene(tmp_path / "south-2025.tif", kept, extra=[(420, 60, 30, 40)])
    alerts = redis_client.pubsub(ignore_subscribe_messages=True)
    alerts.subscribe(ALERTS_CHANNEL)
    progress = redis_client.pubsub(ignore_subscribe_messages=True)
    progress.psubscribe(JOB_PROGRESS_CHANNEL_PREFIX + "*")
    with receiver(failures=1) as hook:
        workers.start(webhook_urls=hook.url)
        first = submit("imagery", before, state="south-2024", as_of=date(2024, 5, 1), **TILING)
        done = wait_for_job(jobs, first.job.id, workers)
        assert done.status is JobStatus.COMMITTED, done.reason
        # 5 buildings and the pond at 1:2000; the hall's block and the pond at 1:10000.
        assert (done.objects, done.alerts, done.runs) == (8, 0, 1)
        assert done.relations and done.relations > 0
        assert jobs.tile_count(done.id) == 0
        (raster,) = RasterRegistry(client).of_state("south-2024")
        assert raster.record.sha256 == done.input_sha256 and Path(raster.record.uri).is_file()
        # what the segmenter lists, at each scale only what is drawn there
        assert Neo4jGraph(client).state("south-2024").observed == {
            2000: ("building", "water_body"),
            10000: ("residential_block", "water_body"),
        }

        second = submit("imagery", after, state="south-2025", as_of=date(2025, 5, 1), **TILING)
        changed = wait_for_job(jobs, second.job.id, workers)
        assert changed.status is JobStatus.COMMITTED, changed.reason
        features = drain(alerts, changed.alerts or 0, "alerts")
        changes = sorted(
            (f["properties"]["change"], f["properties"]["scale"])
            for f in features
            if f["properties"]["change"] in ("appeared", "disappeared")
        )
        assert changes == [("appeared", 2000), ("disappeared", 2000)]
        for feature in features:
            assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
            props = feature["properties"]
            assert props["states"] == {"old": "south-2024", "new": "south-2025"}
            assert props["severity"] in ("LOW", "MEDIUM", "HIGH")
            assert props["job_id"] == changed.id and props["area"] == "vaduz-south"
        appeared = next(f for f in features if f["properties"]["change"] == "appeared")
        assert appeared["properties"]["classes"] == {"old": None, "new": "building"}

        wait_until(lambda: hook.bodies, 60, "the webhook POST", workers.logs)
        (body,) = hook.bodies
        assert hook.requests == 2, "the first POST got 503 and must have been retried once"
        assert body["type"] == "FeatureCollection" and body["job_id"] == changed.id
        assert {f["id"] for f in body["features"]} == {f["id"] for f in features}
        assert hook.headers[0]["Idempotency-Key"]

    events = drain(progress, 2, "job events")
    statuses = [e["status"] for e in events if e["job_id"] == first.job.id]
    assert statuses[0] == "RUNNING" and statuses[-1] == "COMMITTED"
    assert any(e["stage"].startswith("segmenting") for e in events)


def test_vector_job_and_resubmission(
    workers: Workers, jobs: JobStore, tmp_path: Path, graph: Driver, neo4j_database: str
) -> None:
    path = write_map(tmp_path / "vaduz.geojson")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        metrics_port = probe.getsockname()[1]
    workers.start(metrics_port=metrics_port)
    command = [str(BIN / "orthograph"), "jobs"]
    submit = [
        *command,
        "submit",
        "vector",
        str(path),
        "--state",
        "vaduz-map",
        "--area",
        "vaduz",
        "--as-of",
        "2024-01-01",
        "--json",
    ]
    first = json.loads(_run(submit))
    followed = _run([*command, "status", first["id"], "--follow", "--json"])
    final = json.loads(followed.splitlines()[-1])
    assert final["status"] == "COMMITTED", final
    job = jobs.get(first["id"])
    assert job.objects == 13 and job.relations and job.runs == 1
    # the classes of the OSM keys the map sets (building, highway, waterway), and the blocks
    # and settlements its buildings make
    assert Neo4jGraph(GraphClient(graph, neo4j_database)).state("vaduz-map").observed == {
        2000: ("building", "road", "motorway", "river", "stream", "dam"),
        10000: ("residential_block", "road", "motorway", "river", "stream", "dam"),
        50000: ("settlement", "motorway", "river", "dam"),
    }

    again = json.loads(_run(submit))
    assert again["id"] == first["id"] and again["status"] == "COMMITTED"
    listed = [json.loads(line) for line in _run([*command, "list", "--json"]).splitlines()]
    assert [j["id"] for j in listed] == [first["id"]]
    assert jobs.get(first["id"]).runs == 1, "a resubmitted committed job must not run again"
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=30) as page:
        metrics = page.read().decode()
    assert 'orthograph_jobs{kind="vector",status="COMMITTED"} 1.0' in metrics
    assert 'orthograph_job_duration_seconds_count{kind="vector",status="COMMITTED"} 1.0' in metrics


def test_cli_reports_unknown_job() -> None:
    result = subprocess.run(
        [str(BIN / "orthograph"), "jobs", "status", "jmissing"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    assert "no job 'jmissing'" in result.stderr


def _run(command: list[str]) -> str:
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stderr}"
    return result.stdout
