"""Windowed reads of 8-bit RGB pixels on any pixel grid laid over a raster.

A grid is the raster's own (a read is a plain windowed read) or a coarser one covering the same
extent (a map scale's analysis GSD): then GDAL resamples on the fly through a ``WarpedVRT`` with
area averaging, and only the source blocks under the requested window are read. Either way a
raster larger than memory is read one window at a time. Validity follows the source: its nodata
value, its alpha band, or its mask (carried through the warp as an added alpha band).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass

import numpy as np
from affine import Affine
from rasterio.enums import ColorInterp, Resampling
from rasterio.io import DatasetReader
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window

from ingest.raster.dataset import open_dataset
from ingest.raster.info import RasterInfo


@dataclass(frozen=True, slots=True)
class RasterPixels:
    """An 8-bit RGB window and its validity.

    ``rgb`` is uint8 of shape (3, H, W) (panchromatic: three equal channels); ``valid`` is bool
    (H, W), False where the source is nodata or masked (those ``rgb`` pixels are 0);
    ``transform`` maps (col, row) of this window to the raster's CRS.
    """

    rgb: np.ndarray
    valid: np.ndarray
    transform: Affine


def _read(dataset: DatasetReader | WarpedVRT, info: RasterInfo, window: Window) -> RasterPixels:
    indexes = list(dict.fromkeys(info.bands))
    raw = dataset.read(indexes, window=window, out_dtype=info.dtype)
    masks = dataset.read_masks(indexes, window=window)
    valid = np.all(masks > 0, axis=0) & np.all(np.isfinite(raw), axis=0)
    channels = raw[[indexes.index(band) for band in info.bands]]
    rgb = channels if info.stretch is None else info.stretch.apply(channels)
    rgb = np.where(valid[None, :, :], rgb, 0).astype(np.uint8)
    return RasterPixels(rgb=rgb, valid=valid, transform=dataset.window_transform(window))


def read_pixels(
    info: RasterInfo, window: Window, grid: tuple[Affine, int, int] | None = None
) -> RasterPixels:
    """Read ``window`` (pixel offsets and sizes on ``grid``) as 8-bit RGB.

    ``grid`` is ``(transform, width, height)`` of a pixel grid in ``info.crs`` covering the
    raster's extent; None reads the raster's own grid. Windows must lie inside the grid.
    """
    with ExitStack() as stack:
        dataset: DatasetReader | WarpedVRT = stack.enter_context(open_dataset(info.path))
        if grid is not None:
            transform, width, height = grid
            dataset = stack.enter_context(
                WarpedVRT(
                    dataset,
                    crs=dataset.crs,
                    transform=transform,
                    width=width,
                    height=height,
                    resampling=Resampling.average,
                    add_alpha=dataset.nodata is None
                    and ColorInterp.alpha not in dataset.colorinterp,
                )
            )
        return _read(dataset, info, window)
