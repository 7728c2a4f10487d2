"""Vector objects onto a tile's pixel grid: clipped outlines and boolean masks.

Everything here works in the *level pixel* coordinates of one scale level (column, row of the
level grid, y down), whatever the image CRS: geometries are moved there once per source
(WGS84 -> image CRS -> level pixels), and a tile is the box of its window. Working in pixels
makes widths independent of the CRS unit (a geographic CRS has degrees).

Line and point classes have no area on the map, but an image shows a road or a station with
a width, so they are drawn as bands or discs of a nominal width (:data:`LINE_WIDTH_M`, metres;
at least one pixel). Polygons are drawn as they are: a pixel belongs to an object when its
centre is inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import shapely
from affine import Affine
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from rasterio.crs import CRS
from rasterio.features import rasterize
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from ingest.ontology import get_class

LINE_WIDTH_M: Mapping[str, float] = {
    "road": 6.0,
    "motorway": 12.0,
    "railway": 4.0,
    "bridge": 8.0,
    "runway": 45.0,
    "river": 20.0,
    "stream": 3.0,
    "dam": 6.0,
}
"""Nominal drawn width (metres) of line classes: a two-lane road, a single track, a runway."""

POINT_DIAMETER_M = 10.0
"""Drawn diameter (metres) of point classes (a station, a tunnel portal)."""


@lru_cache(maxsize=32)
def _from_wgs84(wkt: str) -> Transformer:
    return Transformer.from_crs(ProjCRS.from_epsg(4326), ProjCRS.from_wkt(wkt), always_xy=True)


def wgs84_to_pixels(geoms: np.ndarray, crs: CRS, transform: Affine) -> np.ndarray:
    """WGS84 ``geoms`` in the pixel coordinates of a grid with ``transform`` in ``crs``."""
    transformer = _from_wgs84(crs.to_wkt())
    inverse = ~transform

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        col = inverse.a * x + inverse.b * y + inverse.c
        row = inverse.d * x + inverse.e * y + inverse.f
        return np.column_stack([col, row])

    return shapely.transform(np.asarray(geoms, dtype=object), move)


def drawn_width_px(class_id: str, gsd_m: float) -> float:
    """Drawn width in pixels of a line or point of ``class_id`` (0 for polygon classes)."""
    kind = get_class(class_id).geometry
    if kind == "polygon":
        return 0.0
    width_m = LINE_WIDTH_M.get(class_id, POINT_DIAMETER_M) if kind == "line" else POINT_DIAMETER_M
    return max(width_m / gsd_m, 1.0)


def clip_to_window(geom: BaseGeometry, window: tuple[int, int, int, int]) -> BaseGeometry | None:
    """The part of ``geom`` (level pixels) inside ``window`` (col_off, row_off, width, height),
    or None when nothing is left.

    A polygon cut along the tile border can leave stray lines or points beside its area; only
    the parts of the highest dimension are kept, so a clipped area stays an area.
    """
    col, row, width, height = window
    clipped = shapely.intersection(geom, box(col, row, col + width, row + height))
    if clipped.is_empty:
        return None
    if clipped.geom_type != "GeometryCollection":
        return clipped
    dimension = shapely.get_dimensions(clipped)
    parts = [p for p in shapely.get_parts(clipped) if shapely.get_dimensions(p) == dimension]
    kept: BaseGeometry = shapely.union_all(parts)
    return kept


def object_mask(
    geom: BaseGeometry, class_id: str, gsd_m: float, window: tuple[int, int, int, int]
) -> np.ndarray:
    """Boolean (height, width) mask of ``geom`` (level pixels) on the tile ``window``.

    Geometries of dimension 0 or 1 are drawn :func:`drawn_width_px` wide (a polygon of a line
    class, such as a road mapped as an area, is drawn as it is).
    """
    col, row, width, height = window
    dimension = shapely.get_dimensions(geom)
    if dimension < 2:
        radius = max(drawn_width_px(class_id, gsd_m), 1.0) / 2.0
        geom = shapely.buffer(geom, radius, cap_style="round" if dimension == 0 else "flat")
    if geom.is_empty:
        return np.zeros((height, width), dtype=bool)
    burned = rasterize(
        [(geom, 1)],
        out_shape=(height, width),
        transform=Affine.translation(col, row),
        fill=0,
        dtype="uint8",
    )
    result: np.ndarray = burned.astype(bool)
    return result
