"""Submitting jobs through HTTP: the job record, the task message on the broker, uploads, and the
refusals (no key, paths outside the data root, oversize uploads) that leave nothing behind."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import redis

from config.tasks import INGEST_IMAGERY, INGEST_VECTOR
from graphdb import ids
from graphdb.repository import Neo4jGraph
from intake.store import input_root
from tests.api.support import HEADERS, UPLOAD_LIMIT, Api, error_codes

SUBMIT_VECTOR = """
mutation Submit($input: VectorJobInput!) {
  submitVectorJob(input: $input) {
    enqueued
    job { id kind status state area asOf inputName inputSha256 options progress mapState { name } }
  }
}
"""
SUBMIT_IMAGERY = """
mutation Submit($input: ImageryJobInput!) {
  submitImageryJob(input: $input) { enqueued job { id kind status inputName options } }
}
"""
GEOJSON = b'{"type": "FeatureCollection", "features": []}'


def vector_input(**fields: Any) -> dict[str, Any]:
    return {"state": "osm-2024", "area": "vaduz", "asOf": "2024-06-01", **fields}


def queued(client: redis.Redis, queue: str = "cpu") -> list[tuple[str, dict[str, Any]]]:
    """Task name and keyword arguments of each message waiting in a Celery queue."""
    found = []
    for raw in client.lrange(queue, 0, -1):
        envelope = json.loads(raw)
        _, kwargs, _ = json.loads(base64.b64decode(envelope["body"]))
        found.append((envelope["headers"]["task"], kwargs))
    return found


def upload_form() -> dict[str, str]:
    """The non-file parts of a GraphQL multipart request submitting a vector upload."""
    operations = {"query": SUBMIT_VECTOR, "variables": {"input": vector_input(upload=None)}}
    return {
        "operations": json.dumps(operations),
        "map": json.dumps({"0": ["variables.input.upload"]}),
    }


def uploads(api: Api) -> list[Path]:
    """Files in the input store of the served API (``<home>/inputs``, the workers' store)."""
    return [p for p in input_root(api.settings.home).rglob("*") if p.is_file()]


@pytest.fixture
def clean(repo: Neo4jGraph, redis_client: redis.Redis, api: Api) -> redis.Redis:
    """An empty graph, broker and input store; the Redis client to inspect the broker."""
    for path in uploads(api):
        path.unlink()
    return redis_client


@pytest.fixture
def map_file(data_root: Path) -> Path:
    path = data_root / "maps" / "vaduz.geojson"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(GEOJSON)
    return path


def test_submit_by_path_records_and_enqueues(api: Api, clean: redis.Redis, map_file: Path) -> None:
    first = api.data(
        SUBMIT_VECTOR, HEADERS, input=vector_input(path="maps/vaduz.geojson", layer="roads")
    )["submitVectorJob"]
    job = first["job"]
    assert first["enqueued"] is True
    assert (job["kind"], job["status"], job["state"], job["area"], job["asOf"]) == (
        "VECTOR", "QUEUED", "osm-2024", "vaduz", "2024-06-01",
    )  # fmt: skip
    assert job["inputName"] == "vaduz.geojson" and len(job["inputSha256"]) == 64
    assert job["options"] == {"layer": "roads"} and job["mapState"] is None
    assert queued(clean) == [(INGEST_VECTOR, {"job_id": job["id"]})]

    again = api.data(SUBMIT_VECTOR, HEADERS, input=vector_input(path=str(map_file), layer="roads"))
    assert again["submitVectorJob"]["enqueued"] is False
    assert again["submitVectorJob"]["job"]["id"] == job["id"]
    assert len(queued(clean)) == 1

    read = api.data("query($id: ID!) { job(id: $id) { id status } }", id=job["id"])
    assert read["job"] == {"id": job["id"], "status": "QUEUED"}
    listed = api.data("{ jobs(status: QUEUED) { id } }")["jobs"]
    assert listed == [{"id": job["id"]}]
    assert api.data('{ job(id: "j-missing") { id } }') == {"job": None}


def test_a_replacing_submission_is_its_own_job_and_names_its_version(
    api: Api, clean: redis.Redis, map_file: Path
) -> None:
    plain = api.data(SUBMIT_VECTOR, HEADERS, input=vector_input(path="maps/vaduz.geojson"))
    replacing = api.data(
        SUBMIT_VECTOR, HEADERS, input=vector_input(path="maps/vaduz.geojson", replace=True)
    )
    plain_job, job = plain["submitVectorJob"]["job"], replacing["submitVectorJob"]["job"]

    assert plain_job["options"] == {} and job["options"] == {"replace": True}
    assert job["id"] != plain_job["id"] and replacing["submitVectorJob"]["enqueued"] is True
    read = api.data("query($id: ID!) { job(id: $id) { stateVersion } }", id=job["id"])
    assert read["job"]["stateVersion"] == ids.version_id("osm-2024", job["id"])


def test_submit_imagery_with_scales(api: Api, clean: redis.Redis, data_root: Path) -> None:
    (data_root / "scene.tif").write_bytes(b"II*\x00not really a tiff")
    body = api.data(
        SUBMIT_IMAGERY,
        HEADERS,
        input={
            "state": "scene-2024", "area": "vaduz", "asOf": "2024-06-01", "path": "scene.tif",
            "scales": [10000, 2000, 10000], "tileSize": 512, "bands": [3, 2, 1],
        },
    )["submitImageryJob"]  # fmt: skip
    assert body["job"]["options"] == {"scales": [2000, 10000], "tile_size": 512, "bands": [3, 2, 1]}
    assert queued(clean) == [(INGEST_IMAGERY, {"job_id": body["job"]["id"]})]
    bad_scale = api.gql(
        SUBMIT_IMAGERY,
        HEADERS,
        input={"state": "s", "area": "a", "asOf": "2024-06-01", "path": "scene.tif", "scales": [7]},
    )
    assert error_codes(bad_scale) == ["BAD_USER_INPUT"]


def test_upload_is_stored_in_the_input_store(api: Api, clean: redis.Redis, data_root: Path) -> None:
    response = api.http.post(
        "/graphql",
        headers=HEADERS,
        data=upload_form(),
        files={"0": ("../../etc/Vaduz map.geojson", GEOJSON, "application/geo+json")},
    )
    body = response.json()
    assert "errors" not in body, body
    job = body["data"]["submitVectorJob"]["job"]
    assert job["inputName"] == "Vaduz_map.geojson"
    stored = uploads(api)
    assert [p.name for p in stored] == ["Vaduz_map.geojson"]
    assert stored[0].parent.name == job["inputSha256"]
    assert stored[0].read_bytes() == GEOJSON
    assert queued(clean) == [(INGEST_VECTOR, {"job_id": job["id"]})]


@pytest.mark.parametrize(
    "path",
    ["../outside.geojson", "maps/../../outside.geojson", "/etc/passwd", "escape.geojson", "maps"],
)
def test_paths_outside_the_data_root_are_refused(
    api: Api, clean: redis.Redis, data_root: Path, map_file: Path, path: str
) -> None:
    outside = data_root.parent / "outside.geojson"
    outside.write_bytes(GEOJSON)
    link = data_root / "escape.geojson"
    if not link.is_symlink():
        link.symlink_to(outside)
    body = api.gql(SUBMIT_VECTOR, HEADERS, input=vector_input(path=path))
    assert error_codes(body) == ["FORBIDDEN_PATH"]
    assert str(data_root.parent) not in body["errors"][0]["message"]
    assert api.data("{ jobs { id } }") == {"jobs": []}
    assert queued(clean) == []


def test_refusals_leave_nothing_behind(
    api: Api, clean: redis.Redis, data_root: Path, map_file: Path
) -> None:
    anonymous = api.gql(SUBMIT_VECTOR, input=vector_input(path="maps/vaduz.geojson"))
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    wrong_key = api.gql(
        SUBMIT_VECTOR, {"X-API-Key": "guess"}, input=vector_input(path="maps/vaduz.geojson")
    )
    assert error_codes(wrong_key) == ["UNAUTHENTICATED"]
    both = api.gql(SUBMIT_VECTOR, HEADERS, input=vector_input())
    assert error_codes(both) == ["BAD_USER_INPUT"]
    blank = api.gql(SUBMIT_VECTOR, HEADERS, input=vector_input(path="maps/vaduz.geojson", area=""))
    assert error_codes(blank) == ["BAD_USER_INPUT"]
    mapping = api.gql(
        SUBMIT_VECTOR, HEADERS, input=vector_input(path="maps/vaduz.geojson", mapping="../m.yaml")
    )
    assert error_codes(mapping) == ["FORBIDDEN_PATH"]
    assert api.data("{ jobs { id } }") == {"jobs": []}
    assert queued(clean) == []


def test_oversize_upload_is_refused_before_it_is_stored(
    api: Api, clean: redis.Redis, data_root: Path
) -> None:
    form = upload_form()
    big = b"x" * (UPLOAD_LIMIT + 1)
    response = api.http.post(
        "/graphql", headers=HEADERS, data=form, files={"0": ("big.geojson", big, "text/plain")}
    )
    assert response.status_code == 413
    assert error_codes(response.json()) == ["PAYLOAD_TOO_LARGE"]

    def chunks() -> Any:
        boundary = b"--x\r\n"
        yield boundary + b'Content-Disposition: form-data; name="operations"\r\n\r\n'
        yield form["operations"].encode() + b"\r\n" + boundary
        yield b'Content-Disposition: form-data; name="map"\r\n\r\n'
        yield form["map"].encode() + b"\r\n" + boundary
        yield b'Content-Disposition: form-data; name="0"; filename="big.geojson"\r\n\r\n'
        for _ in range(UPLOAD_LIMIT // 1024 + 2):
            yield b"x" * 1024
        yield b"\r\n--x--\r\n"

    streamed = api.http.post(
        "/graphql",
        headers={**HEADERS, "Content-Type": "multipart/form-data; boundary=x"},
        content=chunks(),
    )
    assert streamed.status_code == 413
    assert uploads(api) == []
    assert api.data("{ jobs { id } }") == {"jobs": []}
    assert queued(clean) == []
