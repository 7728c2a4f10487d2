"""Move raster-CRS coordinates to WGS84 (EPSG:4326, x = longitude), as records store them.

Raster CRSs do not always have an EPSG code (a custom WKT from an old orthophoto), so the
transformer is built from the CRS's WKT rather than through ``ingest.geo``'s EPSG-keyed helpers.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from affine import Affine
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from rasterio.crs import CRS
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry


@lru_cache(maxsize=32)
def _transformer(wkt: str) -> Transformer:
    return Transformer.from_crs(ProjCRS.from_wkt(wkt), ProjCRS.from_epsg(4326), always_xy=True)


def geometry_to_wgs84(geometry: BaseGeometry, crs: CRS) -> BaseGeometry:
    """``geometry`` (coordinates in ``crs``) with its coordinates in WGS84 lon/lat degrees."""
    transformer = _transformer(crs.to_wkt())

    def move(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    moved: BaseGeometry = shapely.transform(geometry, move)
    return moved


def footprint_wgs84(
    transform: Affine, width: int, height: int, crs: CRS, points_per_side: int = 16
) -> Polygon:
    """The WGS84 outline of a ``width`` x ``height`` pixel grid with ``transform`` in ``crs``.

    Each side is densified to ``points_per_side`` points before reprojection, so a long edge
    keeps its curvature in lon/lat. This is the coverage (``SceneGraph.coverage``) of an image.
    """
    steps = np.linspace(0.0, 1.0, points_per_side, endpoint=False)
    cols = np.concatenate(
        [steps * width, np.full_like(steps, width), (1 - steps) * width, np.zeros_like(steps)]
    )
    rows = np.concatenate(
        [np.zeros_like(steps), steps * height, np.full_like(steps, height), (1 - steps) * height]
    )
    xs = transform.a * cols + transform.b * rows + transform.c
    ys = transform.d * cols + transform.e * rows + transform.f
    transformer = _transformer(crs.to_wkt())
    lon, lat = transformer.transform(xs, ys)
    return Polygon(np.column_stack([lon, lat]))
