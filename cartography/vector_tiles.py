"""Mapbox Vector Tiles of map objects: Web Mercator ``z/x/y``, one ``objects`` layer.

Each tile is :data:`EXTENT` units across (8 per pixel of a 512-pixel tile). Geometries are
projected into those units, simplified by :data:`SIMPLIFY_PX` of a pixel at the tile's zoom
(Douglas-Peucker, topology kept), clipped to the tile grown by :data:`BUFFER` units (so strokes
across tile edges join), rounded to whole units point by point (an object under an eighth of a
pixel stays, as a dot, rather than vanishing) and encoded with ``mapbox-vector-tile``. All of it
runs vectorised in GEOS; the encoder only writes the protobuf.

Layers:

- ``objects``: one feature per object, properties ``id``, ``class``, ``name`` (empty when
  none), ``scale`` (the denominator) and ``kind`` (``polygon``, ``line``, ``point``, which a
  style filters on, Multi* geometries included);
- ``truncated``: present only when the tile held more objects than it carries; one point at the
  tile's centre with ``kept`` (how many it carries, the largest). Clients say so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import mapbox_vector_tile
import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import Point

from cartography.zooms import TILE_PX
from graphdb.models import BBox
from graphdb.tiles import TileObject

EXTENT = 4096
"""Units across a tile."""

BUFFER = 64
"""Units a tile's geometry reaches past each edge (8 pixels)."""

SIMPLIFY_PX = 0.5
"""Simplification tolerance, pixels at the tile's zoom."""

LAYER = "objects"
TRUNCATED_LAYER = "truncated"
MAX_LATITUDE = 85.0511287798
"""Web Mercator's edge, degrees."""

_KINDS = {"Polygon": "polygon", "LineString": "line", "Point": "point"}


def tile_bbox(z: int, x: int, y: int, *, buffer: int = 0) -> BBox:
    """WGS84 (west, south, east, north) of tile ``z/x/y`` grown by ``buffer`` units a side."""
    n = 2**z
    grow = buffer / EXTENT
    west = (x - grow) / n * 360.0 - 180.0
    east = (x + 1 + grow) / n * 360.0 - 180.0
    north = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y - grow) / n))))
    south = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 1 + grow) / n))))
    return (max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0))


def encode_tile(
    z: int, x: int, y: int, objects: Sequence[TileObject], *, scale: int, truncated: bool
) -> bytes:
    """The tile ``z/x/y`` of ``objects`` (all of one ``scale``) as MVT bytes."""
    geometries = _in_tile_units(z, x, y, [o.geometry for o in objects])
    features = [
        {
            "geometry": geometry,
            "properties": {
                "id": o.id,
                "class": o.cls,
                "name": o.name or "",
                "scale": scale,
                "kind": _KINDS[geometry.geom_type.removeprefix("Multi")],
            },
        }
        for o, geometry in zip(objects, geometries, strict=True)
        if not geometry.is_empty
    ]
    layers = [{"name": LAYER, "features": features}]
    if truncated:
        centre = Point(EXTENT / 2, EXTENT / 2)
        layers.append(
            {"name": TRUNCATED_LAYER, "features": [{"geometry": centre,
                                                    "properties": {"kept": len(objects)}}]}
        )  # fmt: skip
    options = {"extents": EXTENT, "y_coord_down": True, "check_winding_order": False}
    encoded: bytes = mapbox_vector_tile.encode(layers, default_options=options)
    return encoded


def _in_tile_units(z: int, x: int, y: int, geometries: Sequence[object]) -> NDArray[np.object_]:
    """WGS84 geometries projected, simplified, clipped and snapped into tile units (y down),
    polygons wound as MVT wants (exterior clockwise on screen)."""
    n = 2**z

    def project(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        lon = coords[:, 0]
        lat = np.radians(np.clip(coords[:, 1], -MAX_LATITUDE, MAX_LATITUDE))
        px = ((lon + 180.0) / 360.0 * n - x) * EXTENT
        py = ((1.0 - np.arcsinh(np.tan(lat)) / math.pi) / 2.0 * n - y) * EXTENT
        return np.column_stack([px, py])

    units = shapely.transform(np.asarray(geometries, dtype=object), project)
    tolerance = SIMPLIFY_PX * EXTENT / TILE_PX
    units = shapely.simplify(units, tolerance, preserve_topology=True)
    units = shapely.clip_by_rect(units, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
    units = shapely.set_precision(units, 1.0, mode="pointwise")
    # Signed area > 0 in y-down units is clockwise on screen: exterior_cw=False here.
    oriented: NDArray[np.object_] = shapely.orient_polygons(units, exterior_cw=False)
    return oriented
