"""What evaluation asks of a model: predictions for dataset tiles, per task.

A :class:`TilePredictor` gets a batch of :class:`DatasetTile` (image, scale, and the ground
truth, which PredCls and SGCls need: they label given regions) and returns one
:class:`TaskPredictions` per tile with the tasks it answers. Two exist:

- :class:`GroundTruthPredictor` answers every task with the tile's own labels, all scores 1.
  Scoring it checks the chain (dataset files -> masks -> evaluator), not a model: objects must
  score IoU 1 and every ground-truth pair must be recalled within the evaluator's ranking.
- :class:`SegmenterPredictor` runs a model checkpoint (``model.inference.load_tile_model``: the
  dense default or an MSGG-AI network) and answers SGDet (and so PhrDet): detected masks with
  class scores, triplets with their scores (relatedness x predicate for the MSGG-AI network; the
  dense model predicts none), ranked by the evaluator's PRODUCT rule. Models propose their own
  regions, so it does not answer PredCls or SGCls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from model.datasets.labels import TileLabels
from model.datasets.manifest import TileEntry
from model.errors import PredictorUnavailable
from model.evaluation import (
    GroundTruth,
    GroundTruthObject,
    ObjectLabel,
    PredClsPrediction,
    PredictedObject,
    PredictedTriplet,
    SGClsPrediction,
    SGDetPrediction,
    Triplet,
    TripletScoring,
)

if TYPE_CHECKING:
    from model.inference import TileModel


@dataclass(frozen=True, slots=True, eq=False)
class DatasetTile:
    """One tile at one scale as read from a dataset: ``image`` is (3, H, W) uint8 RGB."""

    entry: TileEntry
    image: np.ndarray
    labels: TileLabels

    def ground_truth(self) -> GroundTruth:
        """The evaluator's ground truth: objects in object-list order, triplets by index."""
        index = {obj.id: n for n, obj in enumerate(self.labels.objects)}
        return GroundTruth(
            shape=self.labels.shape,
            objects=tuple(
                GroundTruthObject(str(obj.id), obj.class_id, self.labels.mask(obj))
                for obj in self.labels.objects
            ),
            triplets=tuple(
                Triplet(index[t.subject], t.predicate, index[t.object])
                for t in self.labels.triplets
            ),
        )


@dataclass(frozen=True, slots=True, eq=False)
class TaskPredictions:
    """A predictor's answer for one tile; a task left None is not scored for it."""

    predcls: PredClsPrediction | None = None
    sgcls: SGClsPrediction | None = None
    sgdet: SGDetPrediction | None = None


class TilePredictor(Protocol):
    """Predicts the scene graphs of dataset tiles."""

    def predict(self, tiles: Sequence[DatasetTile]) -> list[TaskPredictions]:
        """One answer per tile of ``tiles``, in order (masks on each tile's grid, scores in
        [0, 1])."""
        ...


def _ground_truth_answer(tile: DatasetTile) -> TaskPredictions:
    truth = tile.ground_truth()
    triplets = tuple(
        PredictedTriplet(t.subject, t.predicate, t.object, 1.0) for t in truth.triplets
    )
    return TaskPredictions(
        predcls=PredClsPrediction(triplets),
        sgcls=SGClsPrediction(tuple(ObjectLabel(o.class_id, 1.0) for o in truth.objects), triplets),
        sgdet=SGDetPrediction(
            tuple(PredictedObject(o.class_id, 1.0, o.mask) for o in truth.objects), triplets
        ),
    )


class GroundTruthPredictor:
    """Answers every task with the tiles' own labels (see the module docstring)."""

    def predict(self, tiles: Sequence[DatasetTile]) -> list[TaskPredictions]:
        """PredCls, SGCls and SGDet predictions equal to the ground truth, all scores 1."""
        return [_ground_truth_answer(tile) for tile in tiles]


class SegmenterPredictor:
    """SGDet predictions of a loaded model (``model.inference.load_tile_model``)."""

    def __init__(self, segmenter: TileModel) -> None:
        self.segmenter = segmenter

    def predict(self, tiles: Sequence[DatasetTile]) -> list[TaskPredictions]:
        """Run the network on the tiles' images in one call (it batches equal shapes)."""
        outputs = self.segmenter.predict([tile.image for tile in tiles])
        return [
            TaskPredictions(
                sgdet=SGDetPrediction(
                    objects=tuple(
                        PredictedObject(m.class_id, m.score, m.mask) for m in output.masks
                    ),
                    triplets=tuple(
                        PredictedTriplet(t.subject, t.predicate, t.object, t.score)
                        for t in output.triplets
                    ),
                    scoring=TripletScoring.PRODUCT,
                )
            )
            for output in outputs
        ]


def load_predictor(
    checkpoint: Path, *, device: str = "auto", batch_size: int = 8
) -> SegmenterPredictor:
    """The network in ``checkpoint`` on ``device`` (``auto``, ``cpu``, ``cuda[:n]``).

    Raises :class:`PredictorUnavailable` when the checkpoint is missing or torch (the model
    extra) is not installed; checkpoint errors are the model package's own.
    """
    if not checkpoint.is_file():
        raise PredictorUnavailable(f"{checkpoint}: no checkpoint file; check the --model path.")
    try:
        from model.inference import load_tile_model
    except ImportError as exc:
        raise PredictorUnavailable(
            f"cannot load the network ({exc}); install the model extra "
            "(pip install -e '.[model]') or use --ground-truth to check the dataset alone."
        ) from exc
    return SegmenterPredictor(load_tile_model(checkpoint, device=device, batch_size=batch_size))
