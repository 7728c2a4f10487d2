"""Ground sample distance (GSD): the ground size of one pixel, in metres.

The GSD decides which map scales an image can serve (see ``ingest.ontology``), so it must be in
metres whatever the CRS:

- **projected CRS**: the pixel size in CRS units times the unit's metre factor (US survey feet
  are 0.3048006 m). Conformal national and UTM grids keep their scale error under about 0.1 %,
  so this nominal value is the ground size for the purpose of choosing a scale, and an image
  delivered at 0.5 m stays exactly 0.5 m (the scale ladder's GSD bands are round numbers).
  Where the projection's point scale at the raster centre is off by more than
  ``SCALE_ERROR_LIMIT`` (Web Mercator away from the equator: a "4.8 m" pixel at 60 deg N is
  2.4 m on the ground), the geodesic size below is used instead.
- **geographic CRS**: the geodesic length (pyproj ``Geod`` on the CRS's ellipsoid) of one pixel
  step along a row and along a column at the raster centre.

A non-square or rotated pixel gets the geometric mean of its two side lengths, so the GSD
squared is the pixel's ground area.
"""

from __future__ import annotations

import math

from affine import Affine
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from rasterio.crs import CRS

from ingest.errors import UnknownCRS

SCALE_ERROR_LIMIT = 0.01


def _pixel_sides(transform: Affine) -> tuple[float, float]:
    """Lengths, in CRS units, of one pixel step along a row and along a column."""
    return math.hypot(transform.a, transform.d), math.hypot(transform.b, transform.e)


def _geodesic_gsd(crs: CRS, transform: Affine, width: int, height: int) -> float:
    proj_crs = ProjCRS.from_wkt(crs.to_wkt())
    geod = proj_crs.get_geod()
    if proj_crs.geodetic_crs is None or geod is None:
        raise UnknownCRS(
            f"the CRS {proj_crs.name!r} is not tied to an ellipsoid (a local engineering grid), "
            "so pixel sizes cannot be put in ground metres; reproject the image to a map CRS "
            "(gdalwarp -t_srs EPSG:xxxx)."
        )
    to_lonlat = Transformer.from_crs(proj_crs, proj_crs.geodetic_crs, always_xy=True)
    col, row = width / 2.0, height / 2.0
    corners = [transform @ (col, row), transform @ (col + 1, row), transform @ (col, row + 1)]
    lons, lats = to_lonlat.transform([x for x, _ in corners], [y for _, y in corners])
    _, _, along_row = geod.inv(lons[0], lats[0], lons[1], lats[1])
    _, _, along_col = geod.inv(lons[0], lats[0], lons[2], lats[2])
    return math.sqrt(along_row * along_col)


def ground_sample_distance(crs: CRS, transform: Affine, width: int, height: int) -> float:
    """GSD in metres of a raster of ``width`` x ``height`` pixels with ``transform`` in ``crs``.

    ``transform`` maps (col, row) pixel corners to CRS coordinates (GDAL geotransform).
    """
    geodesic = _geodesic_gsd(crs, transform, width, height)
    if not crs.is_projected:
        return geodesic
    side_x, side_y = _pixel_sides(transform)
    nominal = math.sqrt(side_x * side_y) * crs.linear_units_factor[1]
    if abs(geodesic / nominal - 1.0) > SCALE_ERROR_LIMIT:
        return geodesic
    return nominal
