"""The objects of one map tile: one scale of a committed state within a bbox, the largest first.

A map tile wants every object of a scale that meets its bbox, capped, and when capped the ones
that show: so the read sorts by size (``extent``, centroid to farthest bbox edge) and keeps the
first ``limit``. It seeks only the classes the state has at that scale, on the cheaper of two of
the reader's plans (``graphdb.reader``), by the rows each would visit:

- cells: the ``(state_id, class, cell)`` index over the grid cells of the bbox grown by
  ``SPATIAL_PAD_DEG`` (plus the few objects larger than the pad): about ``objects of those
  classes x (padded bbox area / coverage area)`` rows, of every scale; cheap for small tiles;
- by scale: the ``(state_id, class, scale)`` index, every object of the scale; cheap when the
  scale has few objects (1:50,000 settlements) and the tile is large.

The counts per scale and class come from one index read per state version, kept in the process
(versions never change).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Any, LiteralString

import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from graphdb import queries
from graphdb.client import GraphClient
from graphdb.geometry import cells_covering
from graphdb.models import BBox, MapState
from graphdb.params import bbox_params, class_filter, page_limit, scale_params
from graphdb.reader import MAX_CELLS, SPATIAL_PAD_DEG

COUNTED_STATES = 256
"""State versions whose object counts one reader keeps."""

Counts = dict[int, dict[str, int]]
"""Objects of a state version by scale, then class."""


@dataclass(frozen=True, slots=True)
class TileObject:
    """What a map tile draws of an object: WGS84 geometry, id, class and name."""

    id: str
    cls: str
    name: str | None
    geometry: BaseGeometry


class TileReader:
    """Reads the objects of map tiles; keeps the object counts of the state versions it read."""

    def __init__(self, client: GraphClient) -> None:
        self._client = client
        self._counts: OrderedDict[str, Counts] = OrderedDict()
        self._lock = Lock()

    def objects(self, state: MapState, *, scale: int, bbox: BBox, limit: int) -> list[TileObject]:
        """At most ``limit`` objects of ``state`` at ``scale`` whose bbox meets ``bbox``
        (WGS84), the largest first (ask for one more than a cap to learn it was passed)."""
        params: dict[str, Any] = {
            "state_id": state.id,
            **scale_params(scale),
            **bbox_params(bbox),
            "limit": page_limit(limit),
        }
        counts = self._counts_of(state.id)
        at_scale = counts.get(scale, {})
        west, south, east, north = state.coverage.bounds
        coverage = box(west, south, east, north)
        if not at_scale or not coverage.intersects(box(*bbox)):
            return []
        params["classes"] = class_filter(sorted(at_scale))
        anchor = self._anchor(params, counts, scale, coverage)
        rows = self._client.fetch(anchor + queries.load("objects_tile"), params)
        geometries = shapely.from_wkb([r["geometry"] for r in rows])
        return [
            TileObject(r["id"], r["class"], r.get("name"), g)
            for r, g in zip(rows, geometries, strict=True)
        ]

    def _anchor(
        self, params: dict[str, Any], counts: Counts, scale: int, coverage: BaseGeometry
    ) -> LiteralString:
        """The plan visiting fewer rows (module docstring); adds its parameters."""
        pad = SPATIAL_PAD_DEG
        west, south = max(params["west"] - pad, -180.0), max(params["south"] - pad, -90.0)
        east, north = min(params["east"] + pad, 180.0), min(params["north"] + pad, 90.0)
        padded = box(west, south, east, north)
        cells = cells_covering(*padded.bounds)
        share = padded.intersection(coverage).area / coverage.area if coverage.area else 1.0
        of_classes = sum(n for per_class in counts.values()
                         for cls, n in per_class.items() if cls in params["classes"])  # fmt: skip
        if len(cells) > MAX_CELLS or of_classes * share > sum(counts[scale].values()):
            return queries.load("objects_from_class")
        params.update(pad=pad, cells=cells)
        return queries.load("objects_from_cells")

    def _counts_of(self, state_id: str) -> Counts:
        """Objects of the state version by scale and class (read once per version)."""
        with self._lock:
            counts = self._counts.get(state_id)
            if counts is not None:
                self._counts.move_to_end(state_id)
                return counts
        rows = self._client.fetch(
            queries.load("object_scale_counts"),
            {"state_id": state_id, "classes": class_filter(None)},
        )
        counts = {}
        for r in rows:
            counts.setdefault(int(r["scale"]), {})[r["class"]] = int(r["objects"])
        with self._lock:
            self._counts[state_id] = counts
            while len(self._counts) > COUNTED_STATES:
                self._counts.popitem(last=False)
        return counts
