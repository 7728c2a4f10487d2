"""``GroundTruthSegmenter``: tiles answered from labels, not a model. Tests only.

It lets the imagery pipeline be checked end to end against known answers (every label polygon
must come back as one stored object). It is never offered as a segmenter for real ingest: labels
for new imagery do not exist, which is why the model is needed.

Labels are read by ``ingest.imagery.labels`` (vector labels reprojected once to the imagery CRS,
or a label raster warped onto each tile's grid). Each 4-connected component of a class code
within a tile is one instance mask (the same connectivity ``ingest.vectorise`` traces with),
score 1.0; the pipeline's merge joins the pieces of an object cut by tile borders. Classes not
drawn at the level's scale are left out, as a model would leave them out. Labels carry no
relations, so the answer has no triplets: the relation engine derives them from the geometry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
from rasterio.crs import CRS
from scipy import ndimage

from ingest.errors import InvalidLabels
from ingest.imagery.labels import LabelSource, RasterLabels, VectorLabels
from ingest.imagery.segmenter import TileSegmentation
from ingest.ontology import classes_at, get_class
from ingest.raster import RasterPixels
from ingest.vectorise import TileMask


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
    """Answers tiles from labels (see the module docstring). **Tests only.**

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
