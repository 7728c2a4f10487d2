"""Scale 16-bit, 32-bit and float pixels to 8 bits with a robust percentile stretch.

The model is trained on 8-bit RGB. A fixed division (``value / 256``) leaves typical 11- or
12-bit satellite data nearly black, and a min-max stretch is ruined by one hot pixel, so each
channel is mapped linearly from its low percentile (2 % by default) to its high one (98 %),
clipping beyond. The percentiles are computed once per raster from a **decimated read** (the
long side at most ``sample_size`` pixels; GDAL serves it from overviews when the file has them),
never from the full image, so a raster larger than memory costs one small read. 8-bit rasters
are not stretched: they already are what the model expects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rasterio.enums import Resampling
from rasterio.io import DatasetReader

from ingest.errors import EmptyRaster


@dataclass(frozen=True, slots=True)
class Stretch:
    """Per output channel (r, g, b) the raw values mapped to 0 and to 255."""

    low: tuple[float, float, float]
    high: tuple[float, float, float]

    def apply(self, pixels: np.ndarray) -> np.ndarray:
        """Map raw ``pixels`` of shape (3, H, W) (any real dtype) to uint8 (3, H, W)."""
        low = np.asarray(self.low, dtype=np.float64)[:, None, None]
        span = np.asarray(self.high, dtype=np.float64)[:, None, None] - low
        scaled = (pixels.astype(np.float64) - low) / span * 255.0
        return np.clip(np.rint(np.nan_to_num(scaled, nan=0.0)), 0, 255).astype(np.uint8)


def sample_shape(height: int, width: int, sample_size: int) -> tuple[int, int]:
    """(rows, cols) of a decimated read whose long side is at most ``sample_size`` pixels."""
    factor = max(1.0, max(height, width) / sample_size)
    return max(1, round(height / factor)), max(1, round(width / factor))


def compute_stretch(
    dataset: DatasetReader,
    bands: tuple[int, int, int],
    *,
    sample_size: int = 1024,
    percentiles: tuple[float, float] = (2.0, 98.0),
) -> Stretch:
    """The percentile stretch of ``bands`` (1-based) of an open ``dataset``.

    Nodata, masked and non-finite pixels are left out. A channel with no spread (one value)
    gets a span of one raw unit, so it maps to black instead of dividing by zero.
    """
    rows, cols = sample_shape(dataset.height, dataset.width, sample_size)
    indexes = list(dict.fromkeys(bands))
    sample = dataset.read(
        indexes, out_shape=(len(indexes), rows, cols), resampling=Resampling.nearest
    )
    masks = dataset.read_masks(
        indexes, out_shape=(len(indexes), rows, cols), resampling=Resampling.nearest
    )
    valid = np.all(masks > 0, axis=0) & np.all(np.isfinite(sample), axis=0)
    if not valid.any():
        raise EmptyRaster(
            f"{dataset.name!r} has no valid pixel (all nodata or masked); check its nodata "
            "value and mask."
        )
    lows: list[float] = []
    highs: list[float] = []
    for band in bands:
        values = sample[indexes.index(band)][valid]
        low, high = (float(v) for v in np.percentile(values, percentiles))
        lows.append(low)
        highs.append(high if high > low else low + 1.0)
    return Stretch(low=(lows[0], lows[1], lows[2]), high=(highs[0], highs[1], highs[2]))
