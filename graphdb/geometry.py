"""Geometry helpers of the graph: metric measures and projections, vectorised over arrays.

Stored geometry is WGS84 degrees; areas, lengths and diff tolerances need metres. Each object is
measured in the UTM zone of its own centroid (objects are grouped by zone so every group is one
vectorised transform), which keeps scale error below about 0.1 % for anything a map at
1:2,000-1:50,000 holds. A diff projects both states into the zone of their common coverage.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer

WGS84 = 4326

CELL_DEG = 0.01
"""Side of the grid cells (degrees) that ``Object.cell`` numbers: about 1.1 km of latitude."""

_CELLS_PER_ROW = round(360 / CELL_DEG)

GeometryArray = NDArray[np.object_]


def utm_epsgs(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.int64]:
    """EPSG codes of the WGS84 UTM zones of the points (Norway/Svalbard exceptions ignored)."""
    zone = np.minimum(((lon + 180.0) // 6.0).astype(np.int64) + 1, 60)
    return zone + np.where(lat >= 0, 32600, 32700)


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone of one point."""
    return int(utm_epsgs(np.array([lon]), np.array([lat]))[0])


@cache
def _to_utm(epsg: int) -> Transformer:
    return Transformer.from_crs(WGS84, epsg, always_xy=True)


def project(geoms: GeometryArray, epsg: int) -> GeometryArray:
    """WGS84 geometries into the projected CRS ``epsg`` (metres)."""
    transformer = _to_utm(epsg)
    return shapely.transform(geoms, transformer.transform, interleaved=False)


def measures(geoms: GeometryArray) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Area (m²) and length (m) of each WGS84 geometry, in the UTM zone of its centroid.

    Area is NaN for non-polygons and length NaN for non-lines, so callers store only what means
    something (a polygon's perimeter is not its "length").
    """
    area = np.full(len(geoms), np.nan)
    length = np.full(len(geoms), np.nan)
    if len(geoms) == 0:
        return area, length
    centroids = shapely.centroid(geoms)
    zones = utm_epsgs(shapely.get_x(centroids), shapely.get_y(centroids))
    dims = shapely.get_dimensions(geoms)
    for epsg in np.unique(zones):
        members = np.flatnonzero(zones == epsg)
        metric = project(geoms[members], int(epsg))
        polygons, lines = dims[members] == 2, dims[members] == 1
        area[members[polygons]] = shapely.area(metric[polygons])
        length[members[lines]] = shapely.length(metric[lines])
    return area, length


def cell_ids(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.int64]:
    """Grid cell number of each point: row (from lat -90) times cells per row plus column.

    Computed as ``floor(x / CELL_DEG)`` (not ``//``) so that migration 2's Cypher backfill gives
    the same numbers bit for bit.
    """
    col = np.clip(np.floor((lon + 180.0) / CELL_DEG).astype(np.int64), 0, _CELLS_PER_ROW - 1)
    row = np.clip(np.floor((lat + 90.0) / CELL_DEG).astype(np.int64), 0, round(180 / CELL_DEG) - 1)
    return row * _CELLS_PER_ROW + col


def cells_covering(west: float, south: float, east: float, north: float) -> list[int]:
    """Numbers of every grid cell that meets the box (degrees, west <= east)."""
    corners = cell_ids(np.array([west, east]), np.array([south, north]))
    (row0, row1), (col0, col1) = divmod(corners, _CELLS_PER_ROW)
    return [
        row * _CELLS_PER_ROW + col
        for row in range(int(row0), int(row1) + 1)
        for col in range(int(col0), int(col1) + 1)
    ]
