"""The raster registry: ``(:Raster)`` nodes for the COGs in the raster store, and who used them.

Each stored image is one node keyed by the SHA-256 of its source file, holding where the COG is
(``uri``), its WGS84 footprint (WKB), CRS, GSD and size; ``(:MapState)-[:USED_RASTER]->(:Raster)``
says which states were made from it. The API serves imagery tiles of a state from these URIs,
and a worker on any host can re-process a state from them.

Registration MERGEs on the hash, under a uniqueness constraint (migration 3 of
``graphdb.schema``), so registering one image for two states (or twice, by a retried job, even
concurrently) keeps one node. Deleting a state (``cleanup``, ``purge``) removes its edges; a
raster no state uses any more is removed by :meth:`RasterRegistry.forget_unused`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import shapely
from neo4j import ManagedTransaction

from graphdb import queries
from graphdb.client import GraphClient
from graphdb.errors import InvalidRecord, StateNotFound
from ingest.records import RasterRecord


@dataclass(frozen=True, slots=True)
class RegisteredRaster:
    """A registry entry: the record, the states that used it (by name) and when it came in."""

    record: RasterRecord
    states: tuple[str, ...]
    registered_at: datetime | None


class RasterRegistry:
    """Writes and reads of ``(:Raster)`` nodes."""

    def __init__(self, client: GraphClient) -> None:
        self._client = client

    def register(self, state: str, rasters: Sequence[RasterRecord]) -> None:
        """Record that map state ``state`` (any status) was made from ``rasters``."""
        for raster in rasters:
            _check(raster)
            params = {"state": state, "sha256": raster.sha256, "props": _props(raster)}
            rows = self._client.write(partial(_run, "raster_register", params))
            if not rows:
                raise StateNotFound(
                    f"no map state {state!r} to register raster {raster.sha256[:12]} with; "
                    "begin the state first"
                )

    def get(self, sha256: str) -> RegisteredRaster | None:
        """The raster with this source hash, or None when it is not registered."""
        rows = self._client.fetch(queries.load("raster_get"), {"sha256": sha256})
        return _registered(rows[0]) if rows else None

    def of_state(self, state: str) -> list[RegisteredRaster]:
        """The rasters a map state was made from, by hash."""
        rows = self._client.fetch(queries.load("raster_of_state"), {"state": state})
        return [_registered(row) for row in rows]

    def forget_unused(self, sha256s: Sequence[str]) -> int:
        """Delete those of these rasters' nodes that no state uses; returns how many."""
        params = {"shas": list(sha256s)}
        return int(
            self._client.write(
                lambda tx: tx.run(queries.load("raster_forget_unused"), params).single(strict=True)[
                    "deleted"
                ]
            )
        )


def _run(query: str, params: dict[str, Any], tx: ManagedTransaction) -> list[dict[str, Any]]:
    return tx.run(queries.load(query), params).data()


def _check(raster: RasterRecord) -> None:
    if len(raster.sha256) != 64 or not all(c in "0123456789abcdef" for c in raster.sha256):
        raise InvalidRecord(
            f"raster sha256 {raster.sha256!r} is not 64 lower-case hex digits; pass the "
            "SHA-256 of the source file"
        )
    if not raster.uri:
        raise InvalidRecord(f"raster {raster.sha256[:12]} has no URI; store it first")
    if shapely.get_dimensions(raster.footprint) != 2 or not shapely.is_valid(raster.footprint):
        raise InvalidRecord(
            f"raster {raster.sha256[:12]} needs a valid polygon footprint (WGS84), got "
            f"{raster.footprint.geom_type}"
        )


def _props(raster: RasterRecord) -> dict[str, Any]:
    return {
        "uri": raster.uri,
        "source_name": raster.source_name,
        "footprint": shapely.to_wkb(raster.footprint),
        "crs_wkt": raster.crs_wkt,
        "epsg": raster.epsg,
        "gsd_m": raster.gsd_m,
        "width": raster.width,
        "height": raster.height,
        "count": raster.count,
        "dtype": raster.dtype,
        "size_bytes": raster.size_bytes,
    }


def _registered(row: dict[str, Any]) -> RegisteredRaster:
    r = row["raster"]
    registered = r.get("registered_at")
    return RegisteredRaster(
        record=RasterRecord(
            sha256=r["sha256"],
            uri=r["uri"],
            source_name=r["source_name"],
            footprint=shapely.from_wkb(r["footprint"]),
            crs_wkt=r["crs_wkt"],
            epsg=r.get("epsg"),
            gsd_m=float(r["gsd_m"]),
            width=int(r["width"]),
            height=int(r["height"]),
            count=int(r["count"]),
            dtype=r["dtype"],
            size_bytes=int(r["size_bytes"]),
        ),
        states=tuple(row["states"]),
        registered_at=registered.to_native() if registered is not None else None,
    )
