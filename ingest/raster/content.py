"""Refuse an image that holds no data: every pixel nodata or masked, or every value zero.

Segmenting such an image only produces noise (an untrained or confused model still "finds"
objects in black) and commits a map of nothing. Decided on one decimated read (the long side at
most ``sample_size`` pixels, served from overviews where the file has them), like the stretch,
so it costs the same whatever the image's size. Called where an ingest starts (the CLI, the
imagery job's plan step), not by ``open_raster``, which also serves synthetic test images.
"""

from __future__ import annotations

import numpy as np
from rasterio.enums import Resampling

from ingest.errors import EmptyRaster
from ingest.raster.dataset import open_dataset
from ingest.raster.info import RasterInfo
from ingest.raster.stretch import sample_shape


def require_pixels(info: RasterInfo, sample_size: int = 1024) -> None:
    """Raise :class:`EmptyRaster` when the sample of ``info``'s bands holds no valid pixel,
    or only zeros (a black image)."""
    indexes = list(dict.fromkeys(info.bands))
    with open_dataset(info.path) as dataset:
        rows, cols = sample_shape(dataset.height, dataset.width, sample_size)
        shape = (len(indexes), rows, cols)
        sample = dataset.read(indexes, out_shape=shape, resampling=Resampling.nearest)
        masks = dataset.read_masks(indexes, out_shape=shape, resampling=Resampling.nearest)
    valid = np.all(masks > 0, axis=0) & np.all(np.isfinite(sample), axis=0)
    if not valid.any():
        raise EmptyRaster(
            f"{info.path!r} holds no data: every pixel is nodata or masked; check its nodata "
            "value and mask."
        )
    if not np.any(sample[:, valid]):
        raise EmptyRaster(
            f"{info.path!r} holds no data: every pixel of bands {list(info.bands)} is 0 (a "
            "black image); check the band choice (--bands) or export the image again."
        )
