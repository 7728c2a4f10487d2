"""Writing and checking Cloud Optimized GeoTIFFs with rio-cogeo.

The store keeps **lossless** COGs (DEFLATE, the source's dtype, bands, nodata, mask and pixel
grid unchanged, not web-optimised): re-processing a stored image must see the very pixels the
first ingest saw, or the objects' keys (a hash of their pixel geometry) would not come back the
same. Overviews (averaged) are for serving tiles; analysis reads full resolution.
"""

from __future__ import annotations

from pathlib import Path

from rasterio.errors import RasterioIOError
from rio_cogeo.cogeo import cog_translate, cog_validate
from rio_cogeo.profiles import cog_profiles

COG_PROFILE = "deflate"


def validate_cog(path: str | Path) -> tuple[bool, list[str]]:
    """``(valid, errors)`` of rio-cogeo's COG validator; a file GDAL cannot read is invalid."""
    try:
        valid, errors, _warnings = cog_validate(str(path), quiet=True)
    except RasterioIOError as exc:
        return False, [str(exc)]
    return bool(valid), list(errors)


def write_cog(source: str | Path, destination: str | Path) -> None:
    """Translate ``source`` (any GDAL raster) into a lossless COG at ``destination`` (local)."""
    cog_translate(
        str(source),
        str(destination),
        cog_profiles.get(COG_PROFILE),
        overview_resampling="average",
        in_memory=False,
        forward_band_tags=True,
        quiet=True,
    )
