"""Class-code labels on any pixel grid: what a labelled image says each pixel is.

Labels come as

- **vector labels** (:class:`VectorLabels`: polygons in the imagery CRS with integer class
  codes, e.g. the New Brunswick ``Quatreclasses``), burnt onto a grid at pixel centres in
  painting order (later ones on top); or
- **a label raster** (:class:`RasterLabels`: one band of class codes, e.g. the Quebec tiles),
  warped onto a grid: nearest neighbour where the grid is as fine as the labels, the majority
  code where it is coarser (a coarse pixel takes the class covering most of it).

Code 0 is "unlabelled". The dense model's training sources (``model.dense.sources``) read their
label grids through these, and so does the tests' ground-truth segmenter.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np
import rasterio
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import Window, from_bounds
from shapely.geometry import box

from ingest.errors import InvalidLabels


class LabelSource(Protocol):
    """Class codes (0 = unlabelled) on any pixel grid in the imagery CRS."""

    def codes(self, transform: Affine, shape: tuple[int, int]) -> np.ndarray:
        """uint8 or wider (H, W) codes of the grid ``transform`` (imagery CRS) of ``shape``."""
        ...


class VectorLabels:
    """Label polygons (imagery CRS) with their integer class codes, in painting order."""

    def __init__(self, geometries: np.ndarray, codes: np.ndarray) -> None:
        self._geometries = geometries
        self._codes = codes
        self._tree = shapely.STRtree(geometries)

    def codes(self, transform: Affine, shape: tuple[int, int]) -> np.ndarray:
        height, width = shape
        west, north = transform @ (0, 0)
        east, south = transform @ (width, height)
        hits = np.sort(self._tree.query(box(west, south, east, north)))
        burnt = np.zeros(shape, dtype=np.int32)
        if len(hits) == 0:
            return burnt
        # Painting order is the order of the rows (sorted by class priority at construction).
        return rasterize(
            zip(self._geometries[hits], self._codes[hits].tolist(), strict=True),
            out_shape=shape,
            transform=transform,
            fill=0,
            dtype="int32",
        )


class RasterLabels:
    """One band of class codes in a georeferenced raster, warped onto tile grids on demand.

    Code 0 is "unlabelled", a class like any other for resampling, even where the file declares
    0 as its nodata value: otherwise a majority vote would ignore the background and grow every
    labelled object by a pixel.
    """

    def __init__(self, path: str, crs: CRS) -> None:
        self._path = path
        self._crs = crs
        with rasterio.open(path) as dataset:
            if dataset.crs is None:
                raise InvalidLabels(
                    f"label raster {path!r} has no CRS; assign the imagery's CRS to it first."
                )
            self._pixel_area = abs(dataset.transform.determinant)

    def codes(self, transform: Affine, shape: tuple[int, int]) -> np.ndarray:
        height, width = shape
        west, north = transform @ (0, 0)
        east, south = transform @ (width, height)
        coarser = abs(transform.determinant) > self._pixel_area * 1.0001
        out = np.zeros(shape, dtype=np.int32)
        with rasterio.open(self._path) as dataset:
            bounds = transform_bounds(self._crs, dataset.crs, west, south, east, north)
            near = from_bounds(*bounds, transform=dataset.transform)
            col, row = math.floor(near.col_off) - 1, math.floor(near.row_off) - 1
            window = Window(
                col,
                row,
                math.ceil(near.col_off + near.width) + 1 - col,
                math.ceil(near.row_off + near.height) + 1 - row,
            )
            source = dataset.read(1, window=window, boundless=True, fill_value=0)
            reproject(
                source=source.astype(np.int32),
                destination=out,
                src_transform=dataset.window_transform(window),
                src_crs=dataset.crs,
                src_nodata=None,
                dst_transform=transform,
                dst_crs=self._crs,
                resampling=Resampling.mode if coarser else Resampling.nearest,
            )
        return out
