"""A job reads the bytes it was submitted with: the API copies every input into the store, and a
real worker refuses a stored input that was swapped for a link or rewritten before it ran."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from neo4j import Driver

from graphdb.jobs import JobStatus, JobStore
from intake.store import input_root
from tests.api.support import HEADERS, Api
from tests.workers.harness import Workers, wait_for_job
from tests.workers.maps import write_map

SUBMIT = """
mutation Submit($input: VectorJobInput!) {
  submitVectorJob(input: $input) { job { id inputSha256 } }
}
"""
STATE_NAMES = "MATCH (s:MapState) RETURN collect(DISTINCT s.name) AS names"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _submit(api: Api, path: str, state: str) -> dict[str, str]:
    inputs = {"state": state, "area": "vaduz", "asOf": "2024-06-01", "path": path}
    return api.data(SUBMIT, HEADERS, input=inputs)["submitVectorJob"]["job"]


def _writable(path: Path) -> Path:
    os.chmod(path, 0o644)
    return path


def test_jobs_read_what_was_submitted(
    api: Api, workers: Workers, jobs: JobStore, graph: Driver, data_root: Path, tmp_path: Path
) -> None:
    folder = data_root / "inputs-test"
    folder.mkdir(exist_ok=True)
    original = write_map(folder / "kept.geojson", buildings=4)
    submitted_sha = _sha(original)
    kept = _submit(api, "inputs-test/kept.geojson", "kept")
    write_map(original, buildings=1)
    stored = jobs.get(kept["id"]).input_path
    assert Path(stored).parent.parent == input_root(api.settings.home)
    assert kept["inputSha256"] == submitted_sha == _sha(Path(stored)) != _sha(original)

    outside = write_map(tmp_path / "outside.geojson", buildings=6)
    swapped = _submit(api, str(write_map(folder / "swapped.geojson", buildings=2)), "swapped")
    swapped_copy = Path(jobs.get(swapped["id"]).input_path)
    _writable(swapped_copy).unlink()
    swapped_copy.symlink_to(outside)

    rewritten = _submit(api, str(write_map(folder / "rewritten.geojson", buildings=3)), "rewritten")
    rewritten_copy = Path(jobs.get(rewritten["id"]).input_path)
    write_map(_writable(rewritten_copy), buildings=5)

    workers.start()
    done = wait_for_job(jobs, kept["id"], workers)
    assert done.status is JobStatus.COMMITTED, done.reason
    assert done.objects == 13, "the submitted map (4 houses), not the modified original (1)"

    refused = wait_for_job(jobs, swapped["id"], workers)
    assert refused.status is JobStatus.FAILED
    assert refused.reason is not None
    assert refused.reason.startswith("input changed after submission: ")
    assert "symbolic link" in refused.reason

    changed = wait_for_job(jobs, rewritten["id"], workers)
    assert changed.status is JobStatus.FAILED
    assert changed.reason == (
        f"input changed after submission: sha256 {_sha(rewritten_copy)} of rewritten.geojson, "
        f"expected {rewritten['inputSha256']}; submit the file again"
    )
    with graph.session() as session:
        names = session.run(STATE_NAMES).single(strict=True)["names"]
    assert names == ["kept"], "failed jobs must write nothing"
