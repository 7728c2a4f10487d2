"""Metric-CRS helpers: choose a local UTM zone and move geometries between CRSs.

Records carry WGS84 (EPSG:4326, x = longitude) geometry, but lengths, areas, buffers and
distances in metres need a projected CRS. A UTM zone chosen at the data's centre keeps scale
error below about 0.1 % within a few hundred kilometres of its central meridian, which is
plenty for the map scales orthograph works at (1:2,000 to 1:50,000).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from ingest.errors import UnknownCRS

WGS84 = 4326


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone holding ``(lon, lat)`` (degrees).

    Norway and Svalbard exceptions are ignored: the zone only has to be metric and local.
    """
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise UnknownCRS(
            f"({lon}, {lat}) is not a WGS84 longitude/latitude; reproject the data to a "
            "known CRS first."
        )
    zone = min(int(math.floor((lon + 180.0) / 6.0)) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


def local_utm_epsg(bounds: Sequence[float]) -> int:
    """UTM zone EPSG code for the centre of WGS84 ``bounds`` ``(minx, miny, maxx, maxy)``."""
    minx, miny, maxx, maxy = bounds
    return utm_epsg((minx + maxx) / 2.0, (miny + maxy) / 2.0)


def epsg_of(crs: object) -> int:
    """The EPSG code of ``crs`` (anything pyproj accepts), or :class:`UnknownCRS`.

    A CRS without an EPSG equivalent cannot be written back as ``source_crs``; the caller
    should reproject such data to a CRS with an EPSG code.
    """
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError as exc:
        raise UnknownCRS(f"cannot read the CRS {crs!r}: {exc}") from exc
    code = parsed.to_epsg(min_confidence=70)
    if code is None:
        raise UnknownCRS(
            f"the CRS {parsed.name!r} has no EPSG code; reproject the data to an EPSG CRS "
            "(for example with ogr2ogr -t_srs) and try again."
        )
    return code


@lru_cache(maxsize=64)
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(CRS.from_epsg(src), CRS.from_epsg(dst), always_xy=True)


def reproject(geoms: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Reproject an array of shapely geometries from EPSG ``src`` to EPSG ``dst``.

    Vectorised over all coordinates at once (one pyproj call), axis order x/y (lon/lat).
    """
    if src == dst:
        return np.asarray(geoms, dtype=object)
    transformer = _transformer(src, dst)

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geoms, dtype=object), move)


def reproject_one(geom: BaseGeometry, src: int, dst: int) -> BaseGeometry:
    """Reproject one shapely geometry from EPSG ``src`` to EPSG ``dst``."""
    result: BaseGeometry = reproject(np.array([geom], dtype=object), src, dst)[0]
    return result


def metric_epsg(geoms: Sequence[BaseGeometry]) -> int:
    """The UTM zone (EPSG code) at the centre of the WGS84 bounds of ``geoms``.

    One zone for a whole map state, so every scale's geometry shares one metric CRS.
    """
    if len(geoms) == 0:
        return utm_epsg(0.0, 0.0)
    return local_utm_epsg(tuple(shapely.total_bounds(np.asarray(geoms, dtype=object))))


def bounds_to_wgs84(bounds: Sequence[float], src: int) -> tuple[float, float, float, float] | None:
    """Bounds ``(minx, miny, maxx, maxy)`` in EPSG ``src`` as WGS84 bounds (edges densified,
    so a curved edge's bulge is included); None when the bounds are missing or not finite."""
    values = np.asarray(bounds, dtype=float)
    if values.shape != (4,) or not np.isfinite(values).all():
        return None
    left, bottom, right, top = values.tolist()
    minx, miny, maxx, maxy = _transformer(src, WGS84).transform_bounds(
        left, bottom, right, top, densify_pts=21
    )
    return (minx, miny, maxx, maxy)
