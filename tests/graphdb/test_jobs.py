"""Job records on the real test Neo4j: ids, the race-free submit, transitions, tile results."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

import pytest

from graphdb.client import GraphClient
from graphdb.job_tiles import TileResult
from graphdb.jobs import (
    JobKind,
    JobNotFound,
    JobSpec,
    JobStatus,
    JobStore,
    job_id,
)
from graphdb.schema import apply_schema

SPEC = JobSpec(
    kind=JobKind.IMAGERY,
    input_path="/store/abc/scene.tif",
    input_sha256="ab" * 32,
    input_name="scene.tif",
    state="vaduz-2024",
    area="vaduz",
    as_of=date(2024, 5, 1),
    options={"scales": [10000, 2000], "tile_size": 256, "layer": None},
)


@pytest.fixture
def jobs(client: GraphClient) -> JobStore:
    apply_schema(client)
    return JobStore(client, delete_batch=2)


def test_id_depends_on_content_and_normalised_parameters() -> None:
    same = replace(
        SPEC,
        input_path="/elsewhere/copy.tif",
        input_name="copy.tif",
        options={"tile_size": 256, "scales": [2000, 10000, 2000]},
    )
    assert job_id(same) == job_id(SPEC)
    assert job_id(replace(SPEC, input_sha256="cd" * 32)) != job_id(SPEC)
    assert job_id(replace(SPEC, options={"scales": [2000]})) != job_id(SPEC)
    assert job_id(replace(SPEC, kind=JobKind.VECTOR)) != job_id(SPEC)
    assert job_id(replace(SPEC, as_of=date(2024, 5, 2))) != job_id(SPEC)


def test_submit_twice_gives_one_job_and_one_enqueue(jobs: JobStore) -> None:
    first = jobs.submit(SPEC)
    second = jobs.submit(SPEC)
    assert first.enqueue and not second.enqueue
    assert first.job.id == second.job.id == SPEC.id
    assert first.job.status is JobStatus.QUEUED
    assert first.job.options == {"scales": [2000, 10000], "tile_size": 256}
    assert [j.id for j in jobs.recent()] == [SPEC.id]


def test_concurrent_submits_make_one_job(jobs: JobStore, count) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: jobs.submit(SPEC), range(16)))
    assert sum(r.enqueue for r in results) == 1
    assert {r.job.id for r in results} == {SPEC.id}
    assert count("MATCH (j:Job) RETURN count(j) AS n") == 1


def test_lifecycle_counts_runs_and_never_overwrites_a_commit(jobs: JobStore) -> None:
    jobs.submit(SPEC)
    first = jobs.start(SPEC.id)
    assert first is not None and first.runs == 1
    again = jobs.start(SPEC.id)
    assert again is not None and again.status is JobStatus.RUNNING and again.runs == 2
    jobs.progress(SPEC.id, 0.4, "segmenting")
    assert jobs.get(SPEC.id).stage == "segmenting"
    done = jobs.commit(SPEC.id, objects=10, relations=4)
    assert done.status is JobStatus.COMMITTED and done.objects == 10 and done.progress == 1.0
    assert jobs.start(SPEC.id) is None
    assert jobs.fail(SPEC.id, "late failure").status is JobStatus.COMMITTED
    assert jobs.progress(SPEC.id, 0.1, "late") is None


def test_failed_job_is_requeued_by_a_new_submit(jobs: JobStore) -> None:
    jobs.submit(SPEC)
    jobs.start(SPEC.id)
    failed = jobs.fail(SPEC.id, "corrupt raster: truncated")
    assert failed.status is JobStatus.FAILED and failed.reason == "corrupt raster: truncated"
    again = jobs.submit(SPEC)
    assert again.enqueue and again.job.status is JobStatus.QUEUED and again.job.reason is None


def test_tile_results_are_keyed_by_tile(jobs: JobStore) -> None:
    jobs.submit(SPEC)
    jobs.start(SPEC.id)
    jobs.plan_tiles(SPEC.id, 3, [10000, 2000])
    assert jobs.get(SPEC.id).tiles_expected == 3 and jobs.get(SPEC.id).scales == [2000, 10000]
    tile = TileResult(
        scale=2000,
        row=0,
        col=1,
        window=(112, 0, 128, 128),
        source="colour",
        classes=["building", "building"],
        scores=[0.9, 0.8],
        geometries=[b"\x01\x02", b"\x03"],
        triplets=[(0, "nearby", 1, 0.6)],
    )
    jobs.put_tile(SPEC.id, tile)
    jobs.put_tile(SPEC.id, tile)
    jobs.put_tile(
        SPEC.id, replace(tile, col=0, window=(0, 0, 128, 128), classes=[], scores=[], geometries=[])
    )
    jobs.put_tile(SPEC.id, replace(tile, scale=10000, row=0, col=0))
    assert jobs.tile_count(SPEC.id) == 3
    assert jobs.has_tile(SPEC.id, 2000, 0, 1) and not jobs.has_tile(SPEC.id, 2000, 1, 1)
    assert jobs.tile_keys(SPEC.id) == {(2000, 0, 0), (2000, 0, 1), (10000, 0, 0)}
    stored = list(jobs.iter_tiles(SPEC.id, 2000, page=1))
    assert [(t.row, t.col) for t in stored] == [(0, 0), (0, 1)]
    assert stored[1] == tile and stored[0].geometries == []
    assert jobs.drop_tiles(SPEC.id) == 3 and jobs.tile_count(SPEC.id) == 0


def test_stats_for_metrics(jobs: JobStore) -> None:
    jobs.submit(SPEC)
    jobs.start(SPEC.id)
    jobs.commit(SPEC.id, objects=1, relations=0)
    jobs.submit(replace(SPEC, state="vaduz-2025"))
    stats = {(s.kind, s.status): s for s in jobs.stats()}
    assert set(stats) == {("imagery", "COMMITTED"), ("imagery", "QUEUED")}
    done, queued = stats["imagery", "COMMITTED"], stats["imagery", "QUEUED"]
    assert (done.jobs, done.runs, done.finished) == (1, 1, 1) and done.seconds >= 0
    assert (queued.jobs, queued.runs, queued.finished, queued.seconds) == (1, 0, 0, 0.0)


def test_unknown_job(jobs: JobStore) -> None:
    with pytest.raises(JobNotFound, match="jobs list"):
        jobs.get("jnope")
    with pytest.raises(JobNotFound):
        jobs.start("jnope")
