"""Jobs write versions: a replacing job switches the name only when it commits, a failed one
leaves the published map as it was, and every run of one job writes the same version id."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

from neo4j import Driver

from config.connections import PROJECT_ROOT
from graphdb import ids
from graphdb.client import GraphClient
from graphdb.jobs import JobStatus, JobStore
from graphdb.models import StateStatus
from graphdb.repository import Neo4jGraph
from tests.workers.harness import BIN, Submit, Workers, wait_for_job
from tests.workers.maps import write_map


def test_a_replacing_job_writes_a_new_version_and_keeps_the_old(
    workers: Workers,
    jobs: JobStore,
    submit: Submit,
    tmp_path: Path,
    graph: Driver,
    neo4j_database: str,
) -> None:
    repo = Neo4jGraph(GraphClient(graph, neo4j_database))
    workers.start()
    first = submit(
        "vector",
        write_map(tmp_path / "v1.geojson", buildings=4),
        state="vaduz-map",
        as_of=date(2024, 1, 1),
    )
    assert wait_for_job(jobs, first.job.id, workers).status is JobStatus.COMMITTED
    v1 = repo.state("vaduz-map")
    assert v1.id == ids.version_id("vaduz-map", first.job.id)

    refused = submit(
        "vector",
        write_map(tmp_path / "v2.geojson", buildings=6),
        state="vaduz-map",
        as_of=date(2024, 1, 1),
    )
    failed = wait_for_job(jobs, refused.job.id, workers)
    assert failed.status is JobStatus.FAILED and "exists" in (failed.reason or "")
    assert repo.state("vaduz-map").id == v1.id

    command = [
        str(BIN / "orthograph"), "jobs", "submit", "vector",
        str(write_map(tmp_path / "v2.geojson", buildings=6)),
        "--state", "vaduz-map", "--area", "vaduz-south", "--as-of", "2024-01-01",
        "--replace", "--json",
    ]  # fmt: skip
    printed = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=600
    )
    second_id = json.loads(printed.stdout)["id"]
    done = wait_for_job(jobs, second_id, workers)
    assert done.status is JobStatus.COMMITTED, done.reason

    current = repo.state("vaduz-map")
    assert (current.id, current.version) == (ids.version_id("vaduz-map", second_id), 2)
    assert done.objects is not None and current.object_count == done.objects
    assert done.objects > (v1.object_count or 0)
    old = repo.state(v1.id)
    assert (old.status, old.replaced_by, old.object_count) == (
        StateStatus.REPLACED, current.id, v1.object_count,
    )  # fmt: skip
    assert len(repo.objects(v1.id, limit=1000).items) == v1.object_count
