"""Job records: ``(:Job)`` nodes that the CLI and the API read, and the tile results of a fan-out.

A job is keyed by what it would do, not by when it was asked: :func:`job_id` hashes the input's
content hash with the normalised parameters, and :meth:`JobStore.submit` MERGEs on that id under
a uniqueness constraint (migration 3 of ``graphdb.schema``), so the same input submitted twice
(even concurrently, from two processes) gives one job, and only the submit that created it is
told to enqueue it.

Status moves ``QUEUED -> RUNNING -> COMMITTED | FAILED``. Every transition that reads a status
first takes the node's write lock (``SET j.locked_at``), so two workers that received the same
message cannot both see ``QUEUED`` and both start, and a late failure never overwrites a commit.

Tile results of an imagery fan-out are ``(:JobTile)`` nodes keyed by (job, scale, tile row, tile
col): a tile task run twice rewrites the same node, and the final step counts them *in the graph*
to know that every tile is in, whatever the chord callback claims. Geometry travels as WKB hex in
the raster's CRS (the merge works on the level's pixel grid, not in WGS84).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from graphdb import ids, queries
from graphdb.client import GraphClient
from graphdb.errors import GraphError


class JobNotFound(GraphError, LookupError):
    """No job of that id; ``orthograph jobs list`` shows the jobs that exist."""


class JobKind(StrEnum):
    """What a job ingests."""

    IMAGERY = "imagery"
    VECTOR = "vector"


class JobStatus(StrEnum):
    """Life of a job (see the module docstring)."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMMITTED = "COMMITTED"
    FAILED = "FAILED"


TERMINAL = frozenset({JobStatus.COMMITTED, JobStatus.FAILED})

Option = str | int | float | bool | None | list[int] | list[str]


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What to ingest and how: everything that decides the job's id.

    ``input_path`` is where workers read the input (a shared store, see ``workers.inputs``) and
    is *not* part of the id: the content hash ``input_sha256`` is. ``options`` are kind-specific
    parameters (scales, tile size, layer...) as plain JSON values; ``None`` values are dropped
    and lists of scales are sorted, so equivalent requests hash the same.
    """

    kind: JobKind
    input_path: str
    input_sha256: str
    input_name: str
    state: str
    area: str
    as_of: date
    options: Mapping[str, Option] = field(default_factory=dict)

    def normalised_options(self) -> dict[str, Option]:
        """``options`` without ``None`` values, keys sorted, scale lists sorted and unique."""
        result: dict[str, Option] = {k: v for k, v in sorted(self.options.items()) if v is not None}
        scales = result.get("scales")
        if isinstance(scales, list):
            result["scales"] = sorted({int(v) for v in scales})
        return result

    @property
    def id(self) -> str:
        """The job's id: a digest of kind, content hash and normalised parameters."""
        return job_id(self)


def job_id(spec: JobSpec) -> str:
    """Deterministic id of ``spec`` (``j`` + 32 hex digits)."""
    params = {
        "state": spec.state,
        "area": spec.area,
        "as_of": spec.as_of.isoformat(),
        "options": spec.normalised_options(),
    }
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return "j" + ids.digest("job", spec.kind.value, spec.input_sha256, canonical)


@dataclass(frozen=True, slots=True)
class Job:
    """A job as stored. ``progress`` is a fraction in [0, 1]; ``runs`` counts executions started
    (more than one after a redelivery or a retry); ``reason`` says why a job FAILED."""

    id: str
    kind: JobKind
    status: JobStatus
    state: str
    area: str
    as_of: date
    input_path: str
    input_sha256: str
    input_name: str
    options: dict[str, Option]
    runs: int
    progress: float
    stage: str
    reason: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    tiles_expected: int | None = None
    scales: list[int] = field(default_factory=list)
    objects: int | None = None
    relations: int | None = None
    alerts: int | None = None
    alerts_published: bool = False

    @property
    def terminal(self) -> bool:
        """True once the job is COMMITTED or FAILED."""
        return self.status in TERMINAL


@dataclass(frozen=True, slots=True)
class Submitted:
    """The job a submit resolved to; ``enqueue`` is True for exactly one submit per (re)start."""

    job: Job
    enqueue: bool


@dataclass(frozen=True, slots=True)
class TileResult:
    """The vectorised output of one tile: polygons in the raster CRS (WKB) and the model's
    triplets between them, ``(subject, predicate, object, score)`` by index in the polygons.

    ``window`` is ``(col_off, row_off, width, height)`` of the tile in its level's pixels;
    ``source`` names the segmenter that found them.
    """

    scale: int
    row: int
    col: int
    window: tuple[int, int, int, int]
    source: str
    classes: list[str]
    scores: list[float]
    geometries: list[bytes]
    triplets: list[tuple[int, str, int, float]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class JobStats:
    """Jobs of one kind and status: how many, executions started, and of those that finished,
    how many and their summed run time in seconds (for metrics)."""

    kind: str
    status: str
    jobs: int
    runs: int
    finished: int
    seconds: float


class JobStore:
    """Reads and transitions of job records, and the tile results of imagery jobs."""

    def __init__(self, client: GraphClient, *, delete_batch: int = 1_000) -> None:
        self._client = client
        self._delete_batch = delete_batch

    def submit(self, spec: JobSpec) -> Submitted:
        """The job of ``spec``: created QUEUED, or the existing one (a FAILED one is requeued).

        ``enqueue`` is True when this call created or requeued the job, so exactly one of any
        number of concurrent submits sends the task.
        """
        token = uuid.uuid4().hex
        props = {
            "kind": spec.kind.value,
            "state": spec.state,
            "area": spec.area,
            "as_of": spec.as_of,
            "input_path": spec.input_path,
            "input_sha256": spec.input_sha256,
            "input_name": spec.input_name,
            "options": json.dumps(spec.normalised_options(), sort_keys=True),
        }
        params = {"id": spec.id, "props": props, "status": JobStatus.QUEUED, "token": token}
        row = self._write_one("job_submit", params)
        if row["created"]:
            return Submitted(_job(row["job"]), enqueue=True)
        params = {"id": spec.id, "from": JobStatus.FAILED, "to": JobStatus.QUEUED, "token": token}
        row = self._write_one("job_requeue", params)
        return Submitted(_job(row["job"]), enqueue=bool(row["requeued"]))

    def get(self, job_id: str) -> Job:
        """The job ``job_id`` (``JobNotFound``)."""
        rows = self._client.fetch(queries.load("job_get"), {"id": job_id})
        if not rows:
            raise JobNotFound(f"no job {job_id!r}; `orthograph jobs list` shows existing jobs")
        return _job(rows[0]["job"])

    def recent(self, *, status: JobStatus | None = None, limit: int = 50) -> list[Job]:
        """The latest ``limit`` jobs, newest first, optionally of one status."""
        params = {"status": status.value if status else None, "limit": limit}
        return [_job(r["job"]) for r in self._client.fetch(queries.load("job_list"), params)]

    def start(self, job_id: str) -> Job | None:
        """Mark the job RUNNING and count the run; None when it is already COMMITTED or FAILED."""
        params = {
            "id": job_id,
            "from": [JobStatus.QUEUED, JobStatus.RUNNING],
            "to": JobStatus.RUNNING,
        }
        row = self._write_one("job_start", params)
        return _job(row["job"]) if row["started"] else None

    def progress(self, job_id: str, fraction: float, stage: str) -> Job | None:
        """Record progress of a RUNNING job (None when it is no longer running)."""
        params = {
            "id": job_id,
            "status": JobStatus.RUNNING,
            "progress": min(max(fraction, 0.0), 1.0),
            "stage": stage,
        }
        rows = self._client.write(lambda tx: tx.run(queries.load("job_progress"), params).data())
        return _job(rows[0]["job"]) if rows else None

    def plan_tiles(self, job_id: str, tiles: int, scales: Sequence[int]) -> None:
        """Record the scales of an imagery job and how many tile results its final step needs."""
        params = {
            "id": job_id,
            "status": JobStatus.RUNNING,
            "tiles": tiles,
            "scales": sorted(scales),
        }
        self._client.write(lambda tx: tx.run(queries.load("job_plan"), params).consume())

    def commit(self, job_id: str, *, objects: int, relations: int) -> Job:
        """Mark a RUNNING job COMMITTED with its counts (a COMMITTED job is returned as is)."""
        props = {"objects": objects, "relations": relations, "progress": 1.0, "stage": "committed"}
        return self._finish(job_id, (JobStatus.RUNNING,), JobStatus.COMMITTED, props)

    def fail(self, job_id: str, reason: str) -> Job:
        """Mark a QUEUED or RUNNING job FAILED with ``reason`` (never overwrites a commit)."""
        props = {"reason": reason, "stage": "failed"}
        return self._finish(job_id, (JobStatus.QUEUED, JobStatus.RUNNING), JobStatus.FAILED, props)

    def alerts_published(self, job_id: str, alerts: int) -> None:
        """Record that the job's alerts went out, so a rerun of the final step does not resend."""
        params = {"id": job_id, "alerts": alerts}
        self._client.write(
            lambda tx: tx.run(queries.load("job_alerts_published"), params).consume()
        )

    def put_tile(self, job_id: str, tile: TileResult) -> None:
        """Store one tile's result (MERGE on job, scale, row and col: a rerun changes nothing)."""
        props = {
            "job_id": job_id,
            "scale": tile.scale,
            "row": tile.row,
            "col": tile.col,
            "window": list(tile.window),
            "source": tile.source,
            "classes": tile.classes,
            "scores": tile.scores,
            "geometries": [g.hex() for g in tile.geometries],
            "triplets": json.dumps(tile.triplets),
        }
        params = {"id": tile_id(job_id, tile.scale, tile.row, tile.col), "props": props}
        self._client.write(lambda tx: tx.run(queries.load("job_tile_put"), params).consume())

    def has_tile(self, job_id: str, scale: int, row: int, col: int) -> bool:
        """Whether the result of that tile is stored."""
        params = {"id": tile_id(job_id, scale, row, col)}
        return bool(self._client.fetch(queries.load("job_tile_exists"), params)[0]["found"])

    def tile_count(self, job_id: str) -> int:
        """How many tile results are stored for the job."""
        rows = self._client.fetch(queries.load("job_tile_count"), {"job_id": job_id})
        return int(rows[0]["n"])

    def tile_keys(self, job_id: str) -> set[tuple[int, int, int]]:
        """``(scale, row, col)`` of every tile result stored for the job."""
        rows = self._client.fetch(queries.load("job_tile_keys"), {"job_id": job_id})
        return {(int(r["scale"]), int(r["row"]), int(r["col"])) for r in rows}

    def tiles(self, job_id: str, scale: int) -> list[TileResult]:
        """The stored tile results of one scale, row by row."""
        params = {"job_id": job_id, "scale": scale}
        return [
            _tile(r["tile"]) for r in self._client.fetch(queries.load("job_tiles_of_scale"), params)
        ]

    def drop_tiles(self, job_id: str) -> int:
        """Delete the job's tile results in batches; how many were deleted."""
        params = {"job_id": job_id, "batch": self._delete_batch}
        total = 0
        while n := self._client.write(
            lambda tx: tx.run(queries.load("job_tiles_delete"), params).single(strict=True)[
                "deleted"
            ]
        ):
            total += n
        return total

    def stats(self) -> list[JobStats]:
        """Counts and run times by kind and status."""
        params = {"terminal": [status.value for status in TERMINAL]}
        return [
            JobStats(
                r["kind"],
                r["status"],
                int(r["jobs"]),
                int(r["runs"]),
                int(r["finished"]),
                float(r["seconds"]),
            )
            for r in self._client.fetch(queries.load("job_stats"), params)
        ]

    def _finish(
        self,
        job_id: str,
        allowed: Sequence[JobStatus],
        to: JobStatus,
        props: Mapping[str, Any],
    ) -> Job:
        params = {"id": job_id, "from": list(allowed), "to": to, "props": dict(props)}
        return _job(self._write_one("job_finish", params)["job"])

    def _write_one(self, query: str, params: Mapping[str, Any]) -> dict[str, Any]:
        rows = self._client.write(lambda tx: tx.run(queries.load(query), dict(params)).data())
        if not rows:
            raise JobNotFound(
                f"no job {params['id']!r}; `orthograph jobs list` shows existing jobs"
            )
        return rows[0]


def tile_id(job_id: str, scale: int, row: int, col: int) -> str:
    """Deterministic id of one tile result."""
    return "t" + ids.digest("tile", job_id, scale, row, col)


def _job(node: Mapping[str, Any]) -> Job:
    """A ``Job`` from its node's properties (bookkeeping ones like ``token`` are left out)."""
    values = {f.name: node[f.name] for f in fields(Job) if node.get(f.name) is not None}
    values |= {
        "kind": JobKind(node["kind"]),
        "status": JobStatus(node["status"]),
        "options": json.loads(node.get("options") or "{}"),
        "scales": [int(s) for s in node.get("scales") or []],
    }
    for name in ("as_of", "created_at", "started_at", "finished_at"):
        if name in values:
            values[name] = values[name].to_native()
    return Job(**values)


def _tile(node: Mapping[str, Any]) -> TileResult:
    col_off, row_off, width, height = (int(v) for v in node["window"])
    return TileResult(
        scale=int(node["scale"]),
        row=int(node["row"]),
        col=int(node["col"]),
        window=(col_off, row_off, width, height),
        source=node.get("source") or "",
        classes=list(node.get("classes") or []),
        scores=[float(s) for s in node.get("scores") or []],
        geometries=[bytes.fromhex(g) for g in node.get("geometries") or []],
        triplets=[
            (int(a), str(p), int(b), float(c))
            for a, p, b, c in json.loads(node.get("triplets") or "[]")
        ],
    )
