"""Inputs of the evaluator: ground truth and predictions of one image (tile) at one map scale.

Masks are the matching unit: every region is a boolean array of shape (H, W) on the image grid
(``True`` = the pixel belongs to the region). Class and predicate ids are plain strings (the
ontology ids, e.g. ``"bridge"``, ``"passing_over"``); the evaluator compares them literally, so
callers store inverse predicates in their canonical direction before scoring.

The caller states which task a prediction is for by its type:

- :class:`PredClsPrediction`: regions and labels are the ground truth's; triplets refer to
  ground-truth objects by index and only predicates are predicted.
- :class:`SGClsPrediction`: regions are the ground truth's; one predicted label per
  ground-truth object (same order) and triplets that refer to ground-truth objects by index.
- :class:`SGDetPrediction`: everything is predicted; triplets refer to the predicted objects.
  PhrDet is scored from the same prediction.

Every type validates itself on construction and raises :class:`InvalidGroundTruth` or
:class:`InvalidPredictions` with a message that names the offending item.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from numbers import Integral

import numpy as np

from model.errors import InvalidGroundTruth, InvalidPredictions
from model.evaluation._checks import (
    check_id,
    check_mask,
    check_score,
    check_shape,
    check_triplets,
)


class TripletScoring(StrEnum):
    """How a predicted triplet's ranking score follows from its scores.

    ``PRODUCT``: score(s, p, o) = score(s) * score(o) * score(p | s, o), the Scene-Graph-Benchmark
    convention. ``PREDICATE``: the triplet's own ``score`` already is the ranking score.
    """

    PRODUCT = "product"
    PREDICATE = "predicate"


@dataclass(frozen=True, slots=True)
class Triplet:
    """A ground-truth triplet ``<subject - predicate - object>`` by object index."""

    subject: int
    predicate: str
    object: int


@dataclass(frozen=True, slots=True)
class PredictedTriplet:
    """A predicted triplet by object index; ``score`` is the predicate's probability in [0, 1]."""

    subject: int
    predicate: str
    object: int
    score: float


@dataclass(frozen=True, slots=True, eq=False)
class GroundTruthObject:
    """A ground-truth object: a unique ``id``, its class and its (H, W) boolean mask."""

    id: str
    class_id: str
    mask: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class GroundTruth:
    """The annotated scene graph of one image at one scale; ``shape`` is (rows, cols)."""

    shape: tuple[int, int]
    objects: tuple[GroundTruthObject, ...]
    triplets: tuple[Triplet, ...]

    def __post_init__(self) -> None:
        check_shape(self.shape, InvalidGroundTruth)
        ids: set[str] = set()
        for n, obj in enumerate(self.objects):
            check_id(obj.id, f"ground-truth object {n} id", InvalidGroundTruth)
            check_id(obj.class_id, f"ground-truth object {obj.id!r} class_id", InvalidGroundTruth)
            check_mask(
                obj.mask,
                self.shape,
                f"ground-truth object {obj.id!r} mask",
                InvalidGroundTruth,
                allow_empty=False,
            )
            if obj.id in ids:
                raise InvalidGroundTruth(
                    f"ground-truth object id {obj.id!r} is used twice; "
                    "ids must be unique within an image"
                )
            ids.add(obj.id)
        check_triplets(
            self.triplets, len(self.objects), "ground-truth triplets", InvalidGroundTruth
        )


@dataclass(frozen=True, slots=True, eq=False)
class PredClsPrediction:
    """PredCls output: triplets over ground-truth objects (indices into ``GroundTruth.objects``).

    Ground-truth labels count as certain, so a triplet's ranking score is its predicate score.
    """

    triplets: tuple[PredictedTriplet, ...]

    def __post_init__(self) -> None:
        for n, triplet in enumerate(self.triplets):
            check_score(triplet.score, f"PredCls triplet {n} score", InvalidPredictions)


@dataclass(frozen=True, slots=True)
class ObjectLabel:
    """A predicted label for a given region: class id and its probability."""

    class_id: str
    score: float


@dataclass(frozen=True, slots=True, eq=False)
class SGClsPrediction:
    """SGCls output: ``labels[i]`` labels ground-truth object ``i``; triplets use its indices."""

    labels: tuple[ObjectLabel, ...]
    triplets: tuple[PredictedTriplet, ...]
    scoring: TripletScoring = TripletScoring.PRODUCT

    def __post_init__(self) -> None:
        for n, label in enumerate(self.labels):
            check_id(label.class_id, f"SGCls label {n} class_id", InvalidPredictions)
            check_score(label.score, f"SGCls label {n} score", InvalidPredictions)
        for n, triplet in enumerate(self.triplets):
            check_score(triplet.score, f"SGCls triplet {n} score", InvalidPredictions)


@dataclass(frozen=True, slots=True, eq=False)
class PredictedObject:
    """A detected object: class id, class probability and (H, W) boolean mask (may be empty)."""

    class_id: str
    score: float
    mask: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class SGDetPrediction:
    """SGDet output: detected objects and triplets over them (indices into ``objects``).

    ``proposals`` are the class-agnostic region proposals behind the detections, as (H, W)
    boolean masks; when ``None`` the detected objects' masks count as the proposals.
    """

    objects: tuple[PredictedObject, ...]
    triplets: tuple[PredictedTriplet, ...]
    scoring: TripletScoring = TripletScoring.PRODUCT
    proposals: tuple[np.ndarray, ...] | None = None

    def __post_init__(self) -> None:
        for n, obj in enumerate(self.objects):
            check_id(obj.class_id, f"SGDet object {n} class_id", InvalidPredictions)
            check_score(obj.score, f"SGDet object {n} score", InvalidPredictions)
            check_mask(
                obj.mask, None, f"SGDet object {n} mask", InvalidPredictions, allow_empty=True
            )
        for n, triplet in enumerate(self.triplets):
            check_score(triplet.score, f"SGDet triplet {n} score", InvalidPredictions)
        check_triplets(self.triplets, len(self.objects), "SGDet triplets", InvalidPredictions)
        for n, proposal in enumerate(self.proposals or ()):
            check_mask(proposal, None, f"SGDet proposal {n}", InvalidPredictions, allow_empty=True)


@dataclass(frozen=True, slots=True, eq=False)
class EvaluationSample:
    """Ground truth and the predictions for it, for one image (tile) at one map scale.

    ``scale`` is the map scale denominator (2000, 10000, 50000). Any of the three predictions
    may be missing; a task without predictions is not scored for this sample.
    """

    image_id: str
    scale: int
    ground_truth: GroundTruth
    predcls: PredClsPrediction | None = None
    sgcls: SGClsPrediction | None = None
    sgdet: SGDetPrediction | None = None

    def __post_init__(self) -> None:
        check_id(self.image_id, "image_id", InvalidGroundTruth)
        if isinstance(self.scale, bool) or not isinstance(self.scale, Integral) or self.scale <= 0:
            raise InvalidGroundTruth(
                f"scale must be a positive int denominator such as 2000, got {self.scale!r}"
            )
        truth = self.ground_truth
        n_truth = len(truth.objects)
        where = f"image {self.image_id!r} at scale {self.scale}"
        if self.predcls is not None:
            check_triplets(
                self.predcls.triplets, n_truth, f"PredCls triplets of {where}", InvalidPredictions
            )
        if self.sgcls is not None:
            if len(self.sgcls.labels) != n_truth:
                raise InvalidPredictions(
                    f"SGCls of {where} has {len(self.sgcls.labels)} labels for {n_truth} "
                    "ground-truth objects; give exactly one label per ground-truth object"
                )
            check_triplets(
                self.sgcls.triplets, n_truth, f"SGCls triplets of {where}", InvalidPredictions
            )
        if self.sgdet is not None:
            for n, obj in enumerate(self.sgdet.objects):
                check_mask(
                    obj.mask,
                    truth.shape,
                    f"SGDet object {n} mask of {where}",
                    InvalidPredictions,
                    allow_empty=True,
                )
            for n, proposal in enumerate(self.sgdet.proposals or ()):
                check_mask(
                    proposal,
                    truth.shape,
                    f"SGDet proposal {n} of {where}",
                    InvalidPredictions,
                    allow_empty=True,
                )
