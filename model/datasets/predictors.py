"""What evaluation asks of a model: predictions for dataset tiles, per task.

A :class:`TilePredictor` gets a batch of :class:`DatasetTile` (image, scale, and the ground
truth, which PredCls and SGCls need: they label given regions) and returns one
:class:`TaskPredictions` per tile with the tasks it answers. Two exist:

- :class:`GroundTruthPredictor` answers every task with the tile's own labels, all scores 1.
  Scoring it checks the chain (dataset files -> masks -> evaluator), not a model: objects must
  score IoU 1 and every ground-truth pair must be recalled within the evaluator's ranking.
- :class:`SegmenterPredictor` runs a model checkpoint (``model.inference.load_tile_model``: the
  dense default or an MSGG-AI network) and answers SGDet (and so PhrDet): detected masks with
  class scores and triplets, ranked by the evaluator's PRODUCT rule. A model that reads given
  regions (the dense model's ``describe``) also answers PredCls (ground-truth regions and
  classes) and SGCls (ground-truth regions, its own labels).

Triplets come from ``relations``, as at inference (``ingest.imagery.triplets``):

- ``"rules"``: the rule engine on the regions (``model.datasets.relate.relate_masks``, the
  function that derived the ground truth), every triplet scored 1;
- ``"model"``: the model's own triplets with its probabilities (the relation head alone);
- ``"both"`` (the product's reading): rule triplets the model scored get its probability
  (``origin`` both); those it left out, below its ``relation_floor``, get half the floor
  (within one tile the model scored every pair, so leaving one out is evidence); model-only
  triplets from ``MODEL_ONLY_MIN_SCORE`` up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, get_args

import numpy as np

from ingest.imagery.triplets import combine
from model.datasets.labels import TileLabels
from model.datasets.manifest import TileEntry
from model.datasets.relate import NOMINAL_GSD_M, TileGrid, relate_masks
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
    from model.inference import RelationTriplet, TileModel, TilePrediction

RelationSource = Literal["both", "rules", "model"]
RELATION_SOURCES: tuple[str, ...] = get_args(RelationSource)


@dataclass(frozen=True, slots=True, eq=False)
class DatasetTile:
    """One tile at one scale as read from a dataset: ``image`` is (3, H, W) uint8 RGB."""

    entry: TileEntry
    image: np.ndarray
    labels: TileLabels
    nominal_gsd_m: float = NOMINAL_GSD_M

    @property
    def grid(self) -> TileGrid:
        """The ground grid the tile's labels were related on."""
        return TileGrid.of_entry(self.entry, self.nominal_gsd_m)

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


def joined_triplets(
    classes: Sequence[str],
    masks: Sequence[np.ndarray],
    grid: TileGrid,
    learned: Sequence[RelationTriplet],
    source: RelationSource,
    floor: float | None,
) -> tuple[PredictedTriplet, ...]:
    """One tile's triplets among ``masks`` from ``source`` (module docstring); ``learned`` are
    the model's, by index into ``masks``."""
    if source == "model":
        return tuple(PredictedTriplet(t.subject, t.predicate, t.object, t.score) for t in learned)
    present = [n for n, mask in enumerate(masks) if mask.any()]
    keys = [f"{n:06d}" for n in range(len(masks))]
    rules = relate_masks(
        [keys[n] for n in present], [classes[n] for n in present], [masks[n] for n in present], grid
    )
    scored = {} if source == "rules" else {
        (keys[t.subject], t.predicate, keys[t.object]): t.score for t in learned
    }  # fmt: skip
    unscored = 1.0 if floor is None or source == "rules" else floor / 2
    return tuple(
        PredictedTriplet(
            int(relation.subject_key),
            relation.predicate,
            int(relation.object_key),
            unscored if relation.origin == "rules" else relation.confidence,
        )
        for relation in combine(rules, scored)
    )


class SegmenterPredictor:
    """Predictions of a loaded model (``model.inference.load_tile_model``), see the module
    docstring; ``relations`` says where triplets come from."""

    def __init__(self, segmenter: TileModel, relations: RelationSource = "both") -> None:
        self.segmenter = segmenter
        self.relations = relations

    def predict(self, tiles: Sequence[DatasetTile]) -> list[TaskPredictions]:
        """Run the network on the tiles' images in one call (it batches equal shapes)."""
        grids = [tile.grid for tile in tiles]
        images = [tile.image for tile in tiles]
        describe = getattr(self.segmenter, "describe", None)
        if describe is None:
            outputs = self.segmenter.predict(images, grids=grids)
            return [self._detected(output, grids[n]) for n, output in enumerate(outputs)]
        truths = [tile.ground_truth() for tile in tiles]
        regions = [[obj.mask for obj in truth.objects] for truth in truths]
        classes = [[obj.class_id for obj in truth.objects] for truth in truths]
        answers = []
        for n, (output, reading) in enumerate(describe(images, regions, classes, grids)):
            labels = tuple(ObjectLabel(c, score) for c, score in reading.labels)
            predicted = [label.class_id for label in labels]
            answers.append(
                TaskPredictions(
                    predcls=PredClsPrediction(
                        self._joined(classes[n], regions[n], grids[n], reading.given)
                    ),
                    sgcls=SGClsPrediction(
                        labels,
                        self._joined(predicted, regions[n], grids[n], reading.labelled),
                        scoring=TripletScoring.PRODUCT,
                    ),
                    sgdet=self._detected(output, grids[n]).sgdet,
                )
            )
        return answers

    def _detected(self, output: TilePrediction, grid: TileGrid) -> TaskPredictions:
        """SGDet of one tile's prediction, its triplets joined from ``relations``."""
        masks = output.masks
        triplets = self._joined(
            [m.class_id for m in masks], [m.mask for m in masks], grid, output.triplets
        )
        objects = tuple(PredictedObject(m.class_id, m.score, m.mask) for m in masks)
        return TaskPredictions(
            sgdet=SGDetPrediction(objects, triplets, scoring=TripletScoring.PRODUCT)
        )

    def _joined(
        self,
        classes: Sequence[str],
        masks: Sequence[np.ndarray],
        grid: TileGrid,
        learned: Sequence[RelationTriplet],
    ) -> tuple[PredictedTriplet, ...]:
        floor = self.segmenter.relation_floor
        return joined_triplets(classes, masks, grid, learned, self.relations, floor)


def load_predictor(
    checkpoint: Path,
    *,
    device: str = "auto",
    batch_size: int = 8,
    relations: RelationSource = "both",
) -> SegmenterPredictor:
    """The network in ``checkpoint`` on ``device`` (``auto``, ``cpu``, ``cuda[:n]``), its
    triplets from ``relations`` (module docstring).

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
    model = load_tile_model(checkpoint, device=device, batch_size=batch_size)
    return SegmenterPredictor(model, relations)
