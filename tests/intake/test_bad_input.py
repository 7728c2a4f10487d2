"""Bad input, tried as an attacker would, at every entry point (issue 15, point 5).

Each case runs one entry point on one bad value or file and asserts four things: the exit code
(a real ``orthograph`` process) or GraphQL ``extensions.code``; a message naming the problem
(and no traceback); the graph unchanged (node counts and a checksum over every node and
relationship); nothing left behind (the process's temporary folder empty, the input store and
the raster store unchanged). The worker cases write a job record that an old client could have
written, run its task in this process and expect the job FAILED with the same rule's message,
and no map state, object or raster written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graphdb.client import GraphClient
from graphdb.jobs import JobKind, JobSpec, JobStatus, JobStore
from graphdb.schema import apply_schema
from intake.store import input_root
from stack.settings import StackSettings
from tests.api.support import HEADERS, Api, error_codes
from tests.intake.conftest import run_cli
from tests.intake.graph_state import GraphSnapshot, files_under, snapshot

LONG = "x" * 201
NEWLINE = "seed\nINFO committed map state admin"
RLO = "map\u202egnp.exe"


@dataclass(frozen=True)
class Case:
    """One refusal: the arguments (``{name}`` is the path of bad file ``name``), the expected
    exit code or GraphQL code, and a pattern the message must match."""

    id: str
    args: tuple[Any, ...]
    code: int | str
    message: str


def _vector(file: str, *extra: str, state: str = "bad") -> tuple[str, ...]:
    return ("ingest", "vector", f"{{{file}}}", "--state", state, *extra)


def _imagery(file: str, *extra: str, state: str = "bad") -> tuple[str, ...]:
    return (
        "ingest",
        "imagery",
        f"{{{file}}}",
        "--state",
        state,
        "--acquired",
        "2024-06-01",
        *extra,
    )


def _submit(kind: str, file: str, *extra: str, state: str = "bad") -> tuple[str, ...]:
    return (
        "jobs",
        "submit",
        kind,
        f"{{{file}}}",
        "--state",
        state,
        "--as-of",
        "2024-06-01",
        *extra,
    )


CLI_CASES = [
    Case(
        "vector-state-too-long",
        _vector("good_map", state=LONG),
        2,
        r"state '.*201 char.*limit is 200",
    ),
    Case(
        "vector-state-newline",
        _vector("good_map", state=NEWLINE),
        2,
        r"state 'seed\\u000aINFO.*U\+000A",
    ),
    Case("vector-state-rlo", _vector("good_map", state=RLO), 2, r"state 'map\\u202egnp.*U\+202E"),
    Case(
        "vector-state-blank",
        _vector("good_map", state="   "),
        2,
        r"state '   ': must be a non-empty name",
    ),
    Case("vector-area-newline", _vector("good_map", "--area", "a\nb"), 2, r"area 'a\\u000ab'"),
    Case(
        "vector-as-of-future",
        _vector("good_map", "--as-of", "2999-01-01"),
        2,
        r"as_of '2999-01-01': lies in the future",
    ),
    Case(
        "vector-as-of-ancient",
        _vector("good_map", "--as-of", "1066-10-14"),
        2,
        r"as_of '1066-10-14': is before 1800",
    ),
    Case("vector-directory", _vector("directory"), 2, r"path '.*folder.geojson': is a directory"),
    Case("vector-missing", _vector("missing"), 2, r"path '.*gone.geojson': no such file"),
    Case(
        "vector-zero-bytes",
        _vector("empty_map"),
        2,
        r"path '.*empty.geojson': is empty \(0 bytes\)",
    ),
    Case("vector-fifo", _vector("fifo"), 2, r"path '.*pipe.geojson': is not a regular file"),
    Case(
        "vector-mapping-directory",
        _vector("good_map", "--mapping", "{directory}"),
        2,
        r"mapping '.*': is a directory",
    ),
    Case(
        "vector-degrees-in-3857",
        _vector("degrees_in_web_mercator"),
        2,
        r"EPSG:3857.*looks like longitude/latitude degrees",
    ),
    Case(
        "vector-1e300",
        _vector("huge_coordinates"),
        2,
        r"lies at \(1e\+300, 0\), outside the area where EPSG:4326",
    ),
    Case("vector-nan", _vector("nan_coordinates"), 2, r"cannot be built .*NaN coordinates"),
    Case("vector-null-geometry", _vector("null_geometry"), 2, r"1 without geometry \(null\)"),
    Case(
        "vector-invalid-ring",
        _vector("invalid_ring"),
        2,
        r"1 with an invalid geometry .*ring of too few points",
    ),
    Case(
        "vector-truncated-pbf",
        _vector("truncated_pbf"),
        2,
        r"truncated.osm.pbf: the OSM PBF file is truncated or damaged",
    ),
    Case(
        "vector-random-pbf",
        _vector("random_pbf"),
        2,
        r"random.osm.pbf: not a readable OSM PBF file",
    ),
    Case(
        "imagery-tile-size-huge",
        _imagery("good_image", "--tile-size", "100000"),
        2,
        r"tile_size '100000': must be 64 to 8192",
    ),
    Case(
        "imagery-tile-size-tiny",
        _imagery("good_image", "--tile-size", "8"),
        2,
        r"tile_size '8': must be 64 to 8192",
    ),
    Case(
        "imagery-overlap-too-big",
        _imagery("good_image", "--tile-size", "512", "--overlap", "512"),
        2,
        r"overlap '512': .*below the tile size \(512\)",
    ),
    Case("imagery-overlap-negative", _imagery("good_image", "--overlap", "-1"), 2, r"overlap '-1'"),
    Case(
        "imagery-bands-zero",
        _imagery("good_image", "--bands", "0"),
        2,
        r"bands '0': band numbers start at 1",
    ),
    Case(
        "imagery-bands-two",
        _imagery("good_image", "--bands", "1,2"),
        2,
        r"bands '\[1, 2\]': give three band numbers",
    ),
    Case(
        "imagery-bands-text",
        _imagery("good_image", "--bands", "red"),
        2,
        r"--bands 'red': give comma-separated whole numbers",
    ),
    Case(
        "imagery-acquired-future",
        _imagery("good_image", "--acquired", "2999-01-01"),
        2,
        r"as_of '2999-01-01': lies in the future",
    ),
    Case("imagery-state-rlo", _imagery("good_image", state=RLO), 2, r"U\+202E"),
    Case(
        "imagery-black",
        _imagery("black_image"),
        2,
        r"black.tif' holds no data: every pixel of bands \[1, 2, 3\] is 0",
    ),
    Case(
        "imagery-nodata-only",
        _imagery("nodata_image"),
        2,
        r"nodata.tif' holds no data|no valid pixel",
    ),
    Case("imagery-huge-header", _imagery("huge_header_image"), 2, r"200000 x 200000"),
    Case(
        "imagery-zero-bytes",
        _imagery("empty_image"),
        2,
        r"path '.*empty.tif': is empty \(0 bytes\)",
    ),
    Case(
        "imagery-not-an-image",
        _imagery("text_image"),
        2,
        r"notes.tif' is not a raster GDAL can read",
    ),
    Case("imagery-directory", _imagery("directory"), 2, r"is a directory; give a file"),
    Case(
        "submit-scales-unknown",
        _submit("vector", "good_map", "--scales", "123"),
        2,
        r"scales '123': unknown scale 123",
    ),
    Case(
        "submit-scales-text", _submit("vector", "good_map", "--scales", "big"), 2, r"--scales 'big'"
    ),
    Case(
        "submit-tile-size-huge",
        _submit("imagery", "good_image", "--tile-size", "100000"),
        2,
        r"tile_size '100000'",
    ),
    Case("submit-bands-zero", _submit("imagery", "good_image", "--bands", "0"), 2, r"bands '0'"),
    Case("submit-state-too-long", _submit("vector", "good_map", state=LONG), 2, r"limit is 200"),
    Case("submit-state-newline", _submit("vector", "good_map", state=NEWLINE), 2, r"U\+000A"),
    Case(
        "submit-as-of-future",
        ("jobs", "submit", "vector", "{good_map}", "--state", "bad", "--as-of", "2999-01-01"),
        2,
        r"lies in the future",
    ),
    Case("submit-zero-bytes", _submit("vector", "empty_map"), 2, r"is empty \(0 bytes\)"),
    Case("submit-directory", _submit("vector", "directory"), 2, r"is a directory"),
    Case(
        "submit-layer-rlo",
        _submit("vector", "good_map", "--layer", RLO),
        2,
        r"layer 'map\\u202egnp",
    ),
]


def _args(case: Case, files: dict[str, Path]) -> list[str]:
    return [re.sub(r"\{(\w+)\}", lambda m: str(files[m.group(1)]), str(a)) for a in case.args]


def _stores(settings: StackSettings) -> tuple[Path, Path]:
    return input_root(settings.home), Path(settings.raster_store_uri)


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_cli_refuses(
    case: Case,
    seeded: GraphSnapshot,
    bad_files: dict[str, Path],
    neo4j_driver: Driver,
    neo4j_database: str,
    stack_settings: StackSettings,
    tmp_path: Path,
) -> None:
    stored = files_under(*_stores(stack_settings))
    temp = tmp_path / "tmp"
    temp.mkdir()
    done = run_cli(_args(case, bad_files), temp)
    assert done.returncode == case.code, done.stderr
    assert re.search(case.message, done.stderr), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("orthograph "), done.stderr
    assert snapshot(neo4j_driver, neo4j_database) == seeded
    assert files_under(*_stores(stack_settings)) == stored
    assert sorted(p.name for p in temp.iterdir()) == []


SUBMIT_IMAGERY = """
mutation($input: ImageryJobInput!) { submitImageryJob(input: $input) { job { id } } }
"""
SUBMIT_VECTOR = """
mutation($input: VectorJobInput!) { submitVectorJob(input: $input) { job { id } } }
"""
GOOD = {"state": "bad", "area": "vaduz", "asOf": "2024-06-01"}

API_CASES = [
    Case(
        "api-state-too-long",
        (SUBMIT_VECTOR, {"path": "good.geojson", "state": LONG}),
        "BAD_USER_INPUT",
        r"limit is 200",
    ),
    Case(
        "api-state-newline",
        (SUBMIT_VECTOR, {"path": "good.geojson", "state": NEWLINE}),
        "BAD_USER_INPUT",
        r"state 'seed\\u000aINFO.*U\+000A",
    ),
    Case(
        "api-state-rlo",
        (SUBMIT_IMAGERY, {"path": "good.tif", "state": RLO}),
        "BAD_USER_INPUT",
        r"U\+202E",
    ),
    Case(
        "api-area-blank",
        (SUBMIT_VECTOR, {"path": "good.geojson", "area": " "}),
        "BAD_USER_INPUT",
        r"area ' ': must be a non-empty name",
    ),
    Case(
        "api-tile-size-huge",
        (SUBMIT_IMAGERY, {"path": "good.tif", "tileSize": 100000}),
        "BAD_USER_INPUT",
        r"tile_size '100000': must be 64 to 8192",
    ),
    Case(
        "api-overlap-too-big",
        (SUBMIT_IMAGERY, {"path": "good.tif", "tileSize": 256, "overlap": 300}),
        "BAD_USER_INPUT",
        r"overlap '300'",
    ),
    Case(
        "api-scales-unknown",
        (SUBMIT_VECTOR, {"path": "good.geojson", "scales": [123]}),
        "BAD_USER_INPUT",
        r"scales '123': unknown scale",
    ),
    Case(
        "api-scales-empty",
        (SUBMIT_VECTOR, {"path": "good.geojson", "scales": []}),
        "BAD_USER_INPUT",
        r"give at least one scale",
    ),
    Case(
        "api-bands-zero",
        (SUBMIT_IMAGERY, {"path": "good.tif", "bands": [0]}),
        "BAD_USER_INPUT",
        r"bands '0'",
    ),
    Case(
        "api-as-of-future",
        (SUBMIT_VECTOR, {"path": "good.geojson", "asOf": "2999-01-01"}),
        "BAD_USER_INPUT",
        r"as_of '2999-01-01': lies in the future",
    ),
    Case(
        "api-layer-newline",
        (SUBMIT_VECTOR, {"path": "good.geojson", "layer": "a\nb"}),
        "BAD_USER_INPUT",
        r"layer 'a\\u000ab'",
    ),
    Case(
        "api-zero-bytes",
        (SUBMIT_VECTOR, {"path": "empty.geojson"}),
        "BAD_USER_INPUT",
        r"path 'empty.geojson': is empty",
    ),
    Case(
        "api-directory",
        (SUBMIT_VECTOR, {"path": "folder.geojson"}),
        "FORBIDDEN_PATH",
        r"not a file",
    ),
]


@pytest.mark.parametrize("case", API_CASES, ids=[c.id for c in API_CASES])
def test_api_refuses(
    case: Case,
    seeded: GraphSnapshot,
    served: Api,
    neo4j_driver: Driver,
    neo4j_database: str,
) -> None:
    query, fields = case.args
    stored = files_under(input_root(served.settings.home))
    body = served.gql(query, HEADERS, input={**GOOD, **fields})
    assert error_codes(body) == [case.code], body
    assert re.search(case.message, body["errors"][0]["message"]), body
    assert snapshot(neo4j_driver, neo4j_database) == seeded
    assert files_under(input_root(served.settings.home)) == stored


WORKER_CASES = [
    Case("worker-state-newline", ("vector", "good_map", {"state": NEWLINE}), "FAILED", r"U\+000A"),
    Case(
        "worker-as-of-future",
        ("vector", "good_map", {"as_of": date(2999, 1, 1)}),
        "FAILED",
        r"lies in the future",
    ),
    Case(
        "worker-scales-unknown",
        ("vector", "good_map", {"options": {"scales": [123]}}),
        "FAILED",
        r"unknown scale 123",
    ),
    Case(
        "worker-tile-size-huge",
        ("imagery", "good_image", {"options": {"tile_size": 100000}}),
        "FAILED",
        r"tile_size '100000'",
    ),
    Case(
        "worker-input-emptied",
        ("vector", "empty_map", {}),
        "FAILED",
        r"input '.*is empty \(0 bytes\)",
    ),
    Case("worker-black-image", ("imagery", "black_image", {}), "FAILED", r"holds no data"),
]


def _staged(path: Path, home: Path) -> Path:
    """Where a worker reads ``path``: its copy in the input store (bytes copied as they are,
    an empty file included, as an old client may have stored it)."""
    from intake.store import stage_input

    if path.stat().st_size == 0:
        folder = home / "inputs" / ("0" * 64)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / path.name).write_bytes(b"")
        return folder / path.name
    return stage_input(path, home).path


@pytest.mark.parametrize("case", WORKER_CASES, ids=[c.id for c in WORKER_CASES])
def test_worker_refuses_a_stored_job(
    case: Case,
    seeded: GraphSnapshot,
    bad_files: dict[str, Path],
    neo4j_driver: Driver,
    neo4j_database: str,
    stack_settings: StackSettings,
) -> None:
    from workers.tasks import ingest_imagery, ingest_vector

    kind, file, fields = case.args
    client = GraphClient(neo4j_driver, neo4j_database)
    apply_schema(client)
    spec: dict[str, Any] = {
        "kind": JobKind(kind),
        "input_path": str(_staged(bad_files[file], stack_settings.home)),
        "input_sha256": f"{case.id:0<64}"[:64],
        "input_name": bad_files[file].name,
        "state": f"worker-{case.id}",
        "area": "vaduz",
        "as_of": date(2024, 6, 1),
        "options": {},
        **fields,
    }
    store = JobStore(client)
    job = store.submit(JobSpec(**spec)).job
    stored = files_under(*_stores(stack_settings))
    task = ingest_vector if kind == "vector" else ingest_imagery
    task.apply(kwargs={"job_id": job.id})
    ended = store.get(job.id)
    assert ended.status is JobStatus.FAILED
    assert re.search(case.message, ended.reason or ""), ended.reason
    after = snapshot(neo4j_driver, neo4j_database)
    assert {k: v for k, v in after.counts.items() if k != "Job"} == {
        k: v for k, v in seeded.counts.items() if k != "Job"
    }
    assert files_under(*_stores(stack_settings)) == stored
