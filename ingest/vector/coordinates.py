"""Coordinates that cannot be a map: refused before anything is classed or reprojected.

A file whose coordinates are NaN or infinite, or lie outside the area where its declared CRS is
defined (1e300 in degrees, a UTM easting of 10^12), is damaged or mislabelled: reprojecting it
gives infinities that fail deep inside GEOS, or a map in the wrong place. A projected CRS whose
whole extent fits in +-180 x +-90 units is the classic mislabel of longitude/latitude data (a
GeoJSON whose legacy ``crs`` member says EPSG:3857 while its numbers are degrees): it would
shrink every object to millimetres next to (0, 0), where generalisation drops them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer

from ingest.errors import InvalidGeometry

GEOGRAPHIC_MARGIN = 0.01
"""Slack around a geographic CRS's +-180 x +-90, as a fraction of the span (data a hair over
the antimeridian)."""

PROJECTED_MARGIN = 0.5
"""Slack around a projected CRS's area of use, as a fraction of its span: data may reach well
into the neighbouring UTM zone; only coordinates far beyond it are refused."""


@lru_cache(maxsize=32)
def area_of_use(epsg: int) -> tuple[float, float, float, float] | None:
    """The area of use of EPSG ``epsg`` in its own coordinates; None when it declares none."""
    crs = CRS.from_epsg(epsg)
    if crs.is_geographic:
        return -180.0, -90.0, 180.0, 90.0
    if crs.area_of_use is None:
        return None
    west, south, east, north = crs.area_of_use.bounds
    to_crs = Transformer.from_crs(4326, crs, always_xy=True)
    minx, miny, maxx, maxy = to_crs.transform_bounds(west, south, east, north, densify_pts=21)
    return minx, miny, maxx, maxy


def valid_area(epsg: int) -> tuple[float, float, float, float] | None:
    """Where coordinates of EPSG ``epsg`` are accepted: its area of use with a margin."""
    area = area_of_use(epsg)
    if area is None:
        return None
    minx, miny, maxx, maxy = area
    margin = GEOGRAPHIC_MARGIN if CRS.from_epsg(epsg).is_geographic else PROJECTED_MARGIN
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    return minx - dx, miny - dy, maxx + dx, maxy + dy


def check_declared_crs(name: str, epsg: int, bounds: Sequence[float] | None) -> None:
    """Refuse data in a projected CRS that looks like degrees: its whole extent ``bounds``
    fits in +-180 x +-90 units around the CRS's origin, and that origin is inside the CRS's
    area of use (Web Mercator's (0, 0) is a real place, in the Gulf of Guinea; a UTM zone's
    is not, so small synthetic coordinates in UTM stay allowed)."""
    if bounds is None or not np.isfinite(np.asarray(bounds, dtype=float)).all():
        return
    crs = CRS.from_epsg(epsg)
    area = area_of_use(epsg)
    if not crs.is_projected or area is None:
        return
    minx, miny, maxx, maxy = bounds
    origin_inside = area[0] <= 0 <= area[2] and area[1] <= 0 <= area[3]
    if origin_inside and -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
        raise InvalidGeometry(
            f"{name}: its CRS is EPSG:{epsg} ({crs.name}) but all its coordinates lie "
            f"within ({minx:g}, {miny:g}, {maxx:g}, {maxy:g}), which looks like longitude/"
            "latitude degrees; fix the CRS declaration (a GeoJSON's legacy `crs` member) or "
            "reproject the data."
        )


def check_coordinates(name: str, keys: Sequence[str], geometries: np.ndarray, epsg: int) -> None:
    """Refuse NaN or infinite coordinates, and coordinates outside EPSG ``epsg``'s valid area,
    naming the first feature (its key) that has them."""
    coords, index = shapely.get_coordinates(np.asarray(geometries, dtype=object), return_index=True)
    broken = ~np.isfinite(coords).all(axis=1)
    if broken.any():
        raise InvalidGeometry(
            f"{name}: feature {keys[index[broken][0]]} has NaN or infinite coordinates; fix "
            "or drop it."
        )
    area = valid_area(epsg)
    if area is None or len(coords) == 0:
        return
    minx, miny, maxx, maxy = area
    x, y = coords[:, 0], coords[:, 1]
    outside = (x < minx) | (x > maxx) | (y < miny) | (y > maxy)
    if outside.any():
        first = int(np.argmax(outside))
        raise InvalidGeometry(
            f"{name}: feature {keys[index[first]]} lies at ({x[first]:g}, {y[first]:g}), "
            f"outside the area where EPSG:{epsg} is defined ({minx:g}, {miny:g}, {maxx:g}, "
            f"{maxy:g}); the file's CRS is wrong or its coordinates are damaged."
        )
