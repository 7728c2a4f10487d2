"""``RasterInfo``: what ingest knows about a validated raster, without holding it open.

It is a plain, picklable value: a worker can rebuild it from the path with
``open_raster`` and every read opens the file again, so no file handle crosses a process
boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

from affine import Affine
from rasterio.crs import CRS

from ingest.raster.stretch import Stretch


@dataclass(frozen=True, slots=True)
class RasterInfo:
    """A validated raster: size, georeference, GSD and how to turn its pixels into 8-bit RGB.

    ``transform`` maps (col, row) pixel corners to ``crs`` coordinates; ``bands`` are the 1-based
    band numbers read as (r, g, b), all equal for a panchromatic image; ``dtype`` is the numpy
    dtype those bands are read as (float64 when they differ); ``stretch`` is None for 8-bit
    data, which is read as is; ``gsd_m`` is the ground sample distance in metres;
    ``epsg`` is the EPSG code of ``crs`` where it has one (``MapObject.source_crs``).
    """

    path: str
    driver: str
    width: int
    height: int
    count: int
    dtype: str
    crs: CRS
    epsg: int | None
    transform: Affine
    bands: tuple[int, int, int]
    gsd_m: float
    nodata: float | None
    stretch: Stretch | None

    @property
    def panchromatic(self) -> bool:
        """True when one band is expanded to three equal channels."""
        return len(set(self.bands)) == 1
