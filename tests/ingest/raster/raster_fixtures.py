"""GeoTIFF writing helpers for the raster tests (a module, so tests can import its names)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import ColorInterp
from rasterio.transform import from_origin

# A 0.5 m grid in UTM 16N (Atlanta), the CRS of two of the real samples.
UTM16N = "EPSG:32616"
ORIGIN = from_origin(733_600.0, 3_725_140.0, 0.5, 0.5)

MakeTif = Callable[..., Path]


def write_tif(
    path: Path,
    pixels: np.ndarray,
    *,
    crs: str | None = UTM16N,
    transform: Affine | None = ORIGIN,
    nodata: float | None = None,
    colorinterp: Sequence[ColorInterp] | None = None,
    **profile: object,
) -> Path:
    """Write ``pixels`` (bands, rows, cols) as a GeoTIFF at ``path`` and return the path."""
    options: dict[str, object] = {
        "driver": "GTiff",
        "width": pixels.shape[2],
        "height": pixels.shape[1],
        "count": pixels.shape[0],
        "dtype": pixels.dtype.name,
        "crs": crs,
        "nodata": nodata,
    }
    if transform is not None:
        options["transform"] = transform
    options.update(profile)
    with rasterio.open(path, "w", **options) as dataset:
        dataset.write(pixels)
        if colorinterp is not None:
            dataset.colorinterp = list(colorinterp)
    return path
