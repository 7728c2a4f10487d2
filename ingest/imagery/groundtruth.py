"""``GroundTruthSegmenter``: tiles answered from labels, not a model. Tests and evaluation only.

It lets the imagery pipeline be checked end to end against known answers (every label polygon
must come back as one stored object) and gives evaluation an upper bound of what the pipeline
keeps of perfect masks. It is never offered as a segmenter for real ingest: labels for new
imagery do not exist, which is why the model is needed.

Labels come as

- **vector labels** (a GeoPackage/GeoJSON layer with a class-code column, e.g. the New
  Brunswick ``Quatreclasses``), reprojected once to the imagery CRS and burnt onto each tile's
  grid at pixel centres, classes painted in the order of ``classes`` (later ones on top); or
- **a label raster** (one band of class codes, e.g. the Quebec tiles), warped onto each tile's
  grid: nearest neighbour where the tile is as fine as the labels, the majority code where it
  is coarser (a coarse pixel takes the class covering most of it).

Each 4-connected component of a class code within a tile is one instance mask (the same
connectivity ``ingest.vectorise`` traces with), score 1.0; the pipeline's merge joins the pieces
of an object cut by tile borders. Classes not drawn at the level's scale are left out, as a
model would leave them out. Labels carry no relations, so the answer has no triplets: the
relation engine derives them from the geometry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import Window, from_bounds
from scipy import ndimage
from shapely.geometry import box

from ingest.errors import InvalidLabels
from ingest.imagery.segmenter import TileSegmentation
from ingest.ontology import classes_at, get_class
from ingest.raster import RasterPixels
from ingest.vectorise import TileMask


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


def _check_classes(classes: Mapping[int, str]) -> dict[int, str]:
    if not classes:
        raise InvalidLabels("give at least one class code -> ontology class id.")
    for code, cls in classes.items():
        get_class(cls)
        if int(code) <= 0:
            raise InvalidLabels(
                f"class code {code} for {cls!r}: codes must be positive (0 means unlabelled)."
            )
    return {int(code): cls for code, cls in classes.items()}


class GroundTruthSegmenter:
    """Answers tiles from labels (see the module docstring). **Tests and evaluation only.**

    ``classes`` maps label codes to ontology class ids; for vector labels its order is the
    painting order (later classes win where labels overlap).
    """

    name = "ground_truth"
    random_init = False

    def __init__(self, labels: LabelSource, classes: Mapping[int, str]) -> None:
        self._labels = labels
        self._classes = _check_classes(classes)

    @property
    def classes(self) -> tuple[str, ...]:
        """The classes the labels can name: what its map states observe."""
        return tuple(dict.fromkeys(self._classes.values()))

    @classmethod
    def from_vector(
        cls,
        path: str | Path,
        *,
        column: str | None,
        classes: Mapping[int, str],
        crs: CRS,
        layer: str | None = None,
    ) -> GroundTruthSegmenter:
        """Labels from the polygons of a vector file whose ``column`` holds integer codes.

        ``column=None`` reads every feature as the one class of a single-entry ``classes``
        (a building-only label set). ``crs`` is the imagery's CRS; labels are reprojected once.
        """
        checked = _check_classes(classes)
        frame = gpd.read_file(path, layer=layer)
        if frame.crs is None:
            raise InvalidLabels(f"{path}: the labels have no CRS; assign one before using them.")
        if column is None:
            if len(checked) != 1:
                raise InvalidLabels(
                    f"{path}: without a code column give exactly one class, got {len(checked)}."
                )
            codes = np.full(len(frame), next(iter(checked)), dtype=np.int64)
        elif column in frame.columns:
            codes = frame[column].astype(int).to_numpy()
        else:
            raise InvalidLabels(
                f"{path}: no column {column!r}; its columns are "
                f"{', '.join(map(str, frame.columns))}."
            )
        keep = np.isin(codes, list(checked))
        geometries = frame.geometry[keep].to_crs(crs.to_wkt()).to_numpy()
        priority = {code: rank for rank, code in enumerate(checked)}
        order = np.argsort([priority[c] for c in codes[keep]], kind="stable")
        return cls(VectorLabels(geometries[order], codes[keep][order]), checked)

    @classmethod
    def from_raster(
        cls, path: str | Path, *, classes: Mapping[int, str], crs: CRS
    ) -> GroundTruthSegmenter:
        """Labels from band 1 of a class-code raster; ``crs`` is the imagery's CRS."""
        return cls(RasterLabels(str(path), crs), classes)

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        drawn = set(classes_at(scale))
        return [self._segment_one(tile, drawn) for tile in tiles]

    def _segment_one(self, tile: RasterPixels, drawn: set[str]) -> TileSegmentation:
        codes = self._labels.codes(tile.transform, tile.valid.shape)
        masks: list[TileMask] = []
        for code, cls in self._classes.items():
            if cls not in drawn:
                continue
            components, count = ndimage.label(codes == code)
            masks.extend(TileMask(cls, 1.0, components == i) for i in range(1, count + 1))
        return TileSegmentation(masks=tuple(masks))
