"""Torch-free evaluation of scene-graph predictions against ground truth (docs/evaluation.md).

Build one :class:`EvaluationSample` per image and scale, with the predictions of whichever tasks
were run, and call :func:`evaluate`.
"""

from model.evaluation.report import evaluate, phrase_matches
from model.evaluation.types import (
    EvaluationSample,
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

__all__ = [
    "EvaluationSample",
    "GroundTruth",
    "GroundTruthObject",
    "ObjectLabel",
    "PredClsPrediction",
    "PredictedObject",
    "PredictedTriplet",
    "SGClsPrediction",
    "SGDetPrediction",
    "Triplet",
    "TripletScoring",
    "evaluate",
    "phrase_matches",
]
