"""Tile results of an imagery fan-out: ``(:JobTile)`` nodes between the tile tasks and the
finish step.

Each result is keyed by (job, scale, tile row, tile col): a tile task run twice rewrites the same
node, and the finish step counts them *in the graph* to know that every tile is in, whatever the
chord callback claims. Geometry travels as WKB hex in the raster's CRS (the merge works on the
level's pixel grid, not in WGS84). The finish step pages through them (:meth:`JobTiles.iterate`),
so it never holds every tile's result at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphdb import ids, queries
from graphdb.client import GraphClient


@dataclass(frozen=True, slots=True)
class TileResult:
    """The vectorised output of one tile: polygons in the raster CRS (WKB) and the model's
    triplets between them, ``(subject, predicate, object, score)`` by index in the polygons.

    ``window`` is ``(col_off, row_off, width, height)`` of the tile in its level's pixels;
    ``source`` names the segmenter that found them and ``observed`` the classes it can see at
    the tile's scale (None: not said, as in results stored before it was recorded).
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
    observed: list[str] | None = None


class JobTiles:
    """Writes, counts, pages and deletes of tile results; ``delete_batch`` bounds one delete."""

    def __init__(self, client: GraphClient, *, delete_batch: int = 1_000) -> None:
        self._client = client
        self._delete_batch = delete_batch

    def put(self, job_id: str, tile: TileResult) -> None:
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
            "observed": tile.observed,
        }
        params = {"id": tile_id(job_id, tile.scale, tile.row, tile.col), "props": props}
        self._client.write(lambda tx: tx.run(queries.load("job_tile_put"), params).consume())

    def has(self, job_id: str, scale: int, row: int, col: int) -> bool:
        """Whether the result of that tile is stored."""
        params = {"id": tile_id(job_id, scale, row, col)}
        return bool(self._client.fetch(queries.load("job_tile_exists"), params)[0]["found"])

    def count(self, job_id: str) -> int:
        """How many tile results are stored for the job."""
        rows = self._client.fetch(queries.load("job_tile_count"), {"job_id": job_id})
        return int(rows[0]["n"])

    def keys(self, job_id: str) -> set[tuple[int, int, int]]:
        """``(scale, row, col)`` of every tile result stored for the job."""
        rows = self._client.fetch(queries.load("job_tile_keys"), {"job_id": job_id})
        return {(int(r["scale"]), int(r["row"]), int(r["col"])) for r in rows}

    def iterate(self, job_id: str, scale: int, *, page: int = 32) -> Iterator[TileResult]:
        """The stored tile results of one scale, row by row, read ``page`` tiles per query.

        At most one page of results is held here at a time, so the caller decides what stays
        in memory (the imagery finish step keeps only the polygons). Pages are keyed on the
        last (row, col) read, not on an offset, so each query starts where the last ended.
        """
        if page < 1:
            raise ValueError(f"page must be at least 1 tile, got {page}")
        params: dict[str, Any] = {"job_id": job_id, "scale": scale, "page": page}
        row, col = -1, -1
        while True:
            rows = self._client.fetch(
                queries.load("job_tile_page"), params | {"row": row, "col": col}
            )
            for record in rows:
                yield _tile(record["tile"])
            if len(rows) < page:
                return
            row, col = int(rows[-1]["tile"]["row"]), int(rows[-1]["tile"]["col"])

    def drop(self, job_id: str) -> int:
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


def tile_id(job_id: str, scale: int, row: int, col: int) -> str:
    """Deterministic id of one tile result."""
    return "t" + ids.digest("tile", job_id, scale, row, col)


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
        observed=None if node.get("observed") is None else list(node["observed"]),
    )
