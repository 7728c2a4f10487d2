"""Which scale of the ladder a map shows at each zoom: the one table of the vector tiles and the
viewer.

A topographic series shows at each map scale the objects generalised for it. A Web Mercator view
at zoom ``z`` (MapLibre's, on 512-pixel tiles) and latitude ``lat`` is at scale ``1:N`` with
``N = C cos(lat) / (512 2^z) / 0.28 mm`` (``C`` the equator's length, 0.28 mm the OGC standard
pixel). The tiles of zoom ``z`` are drawn from ``z`` up to ``z + 1`` (vector sources floor the
zoom), so zoom ``z`` gets the rung of the ladder nearest to ``N`` at ``z + 0.5`` on a log axis.
Tiles cannot depend on where the view's centre is, so the table is computed once at latitude
:data:`TABLE_LATITUDE_DEG`: elsewhere the view's scale is ``cos(lat) / cos(45°)`` times the
table's (0.96 at 47° N, Vaduz; 1.41 at the equator, 0.71 at 60°). With the default ladder:
zooms 0-12 show 1:50,000, 13-14 1:10,000, 15 and deeper 1:2,000.
"""

from __future__ import annotations

import math
from typing import Any

from ingest.ontology import SCALE_DENOMINATORS

EARTH_CIRCUMFERENCE_M = 40_075_016.686
"""Length of the equator on the Web Mercator sphere, metres."""

TILE_PX = 512
"""Pixels across a tile at its own zoom (MapLibre's zoom is defined on 512-pixel tiles)."""

PIXEL_M = 0.00028
"""The OGC standard rendering pixel, metres (0.28 mm)."""

TABLE_LATITUDE_DEG = 45.0
"""Latitude at which a zoom's scale is computed (the middle of the mapped world)."""


def view_denominator(zoom: float, lat_deg: float) -> float:
    """Scale denominator of a Web Mercator view at ``zoom`` and latitude ``lat_deg``."""
    metres_per_pixel = EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat_deg)) / (TILE_PX * 2**zoom)
    return metres_per_pixel / PIXEL_M


def scale_at(zoom: int) -> int:
    """The ladder scale (denominator) the tiles of ``zoom`` show."""
    shown = view_denominator(zoom + 0.5, TABLE_LATITUDE_DEG)
    return min(SCALE_DENOMINATORS, key=lambda rung: abs(math.log(rung / shown)))


def zoom_scales(max_zoom: int) -> list[dict[str, Any]]:
    """The table as zoom ranges, coarse to fine: ``[{"scale", "minzoom", "maxzoom"}, ...]``
    covering zooms 0..``max_zoom`` (published in the vector tiles' TileJSON)."""
    ranges: list[dict[str, Any]] = []
    for zoom in range(max_zoom + 1):
        scale = scale_at(zoom)
        if ranges and ranges[-1]["scale"] == scale:
            ranges[-1]["maxzoom"] = zoom
        else:
            ranges.append({"scale": scale, "minzoom": zoom, "maxzoom": zoom})
    return ranges
