"""Scene-graph datasets: build them, check them, score models on them (docs/datasets.md).

A dataset is a directory: ``manifest.json`` plus, per tile and map scale, an RGB image, a uint16
instance raster, an object list and triplets. Two builders write it:

- ``georeferenced.build_georeferenced``: GeoTIFF imagery + a vector map (``ingest.vector``),
  tiled per scale with ``ingest.raster``, related with ``ingest.relations``;
- ``masks_import.import_masks``: image/colour-mask pairs without georeference (Dubai).

``validate.validate_dataset`` lists every problem of a dataset; ``scoring.evaluate_dataset``
runs a ``predictors.TilePredictor`` over its tiles and scores it with ``model.evaluation``.
Torch-free, except ``predictors.load_predictor``, which loads the network on demand.
"""

from model.datasets.manifest import SPLITS, Manifest, SourceEntry, TileEntry, read_manifest
from model.datasets.predictors import (
    DatasetTile,
    GroundTruthPredictor,
    SegmenterPredictor,
    TaskPredictions,
    TilePredictor,
    load_predictor,
)
from model.datasets.scoring import evaluate_dataset
from model.datasets.tilefiles import read_image, read_labels
from model.datasets.validate import DatasetSummary, validate_dataset

__all__ = [
    "SPLITS",
    "DatasetSummary",
    "DatasetTile",
    "GroundTruthPredictor",
    "Manifest",
    "SegmenterPredictor",
    "SourceEntry",
    "TaskPredictions",
    "TileEntry",
    "TilePredictor",
    "evaluate_dataset",
    "load_predictor",
    "read_image",
    "read_labels",
    "read_manifest",
    "validate_dataset",
]
