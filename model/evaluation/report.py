"""``evaluate``: score predictions against ground truth and build the JSON-ready report.

Layout (every value a float, an int, ``None`` or a dict of those)::

    {
      "overall":   BLOCK,                  # all samples of all scales
      "per_scale": {"2000": BLOCK, ...},   # samples of one scale, keyed by its denominator
    }
    BLOCK = {
      "images": int,                       # samples in the block
      "predcls" | "sgcls" | "sgdet" | "phrdet":
          {"R@20", "R@50", "R@100", "ngR@...", "mR@...", "zR@..."} or None,
      "star": {"predcls" | "sgcls" | "sgdet":
          {"MR@1000", "MR@1500", "MR@2000", "mMR@...", "HMR@..."} or None},
      "objects": {class: {"iou", "precision", "recall", "f1"}} or None,
      "proposal_recall": float or None,
      "objects_per_image": {"detected", "ground_truth"} or None,
      "ceiling": {"R@K", "ngR@K", "mR@K", "zR@K"} or None,   # the ground truth as prediction
      "ratio_to_ceiling": {task: {"R@K", "ngR@K", "mR@K"} or None},
    }

A task block is ``None`` when no sample of the block has both predictions for the task and at
least one ground-truth triplet; ``zR@K`` is ``None`` without training triplets or without
zero-shot ground truth; ``objects``, ``proposal_recall`` and ``objects_per_image`` are ``None``
without SGDet predictions. The metrics are defined in ``recall``, ``objects`` and
docs/evaluation.md.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np

from model.errors import InvalidEvaluationInput
from model.evaluation._checks import check_id
from model.evaluation.objects import objects_block, objects_per_image, proposal_recall
from model.evaluation.recall import star_block, task_block
from model.evaluation.scoring import (
    MatchRules,
    SampleScores,
    TrainTriplets,
    phrase_matched,
    score_sample,
)
from model.evaluation.types import EvaluationSample, GroundTruth, SGDetPrediction

TASKS = ("predcls", "sgcls", "sgdet", "phrdet")
STAR_TASKS = ("predcls", "sgcls", "sgdet")


def _train_set(train_triplets: Collection[tuple[str, str, str]] | None) -> TrainTriplets | None:
    if train_triplets is None:
        return None
    for triplet in train_triplets:
        if (
            not isinstance(triplet, tuple)
            or len(triplet) != 3
            or not all(isinstance(part, str) and part for part in triplet)
        ):
            raise InvalidEvaluationInput(
                f"training triplet {triplet!r} must be a tuple of three non-empty strings "
                "(subject class, predicate, object class)"
            )
    return frozenset(train_triplets)


def _id_set(ids: Collection[str], name: str) -> frozenset[str]:
    """The ids given as argument ``name``, as a set; refuses anything but a collection of
    non-empty strings, a bare string included (it would silently become a set of letters)."""
    if isinstance(ids, str) or not isinstance(ids, Collection):
        raise InvalidEvaluationInput(
            f"{name} must be a collection of id strings such as a set, got {ids!r}"
        )
    for item in ids:
        check_id(item, f"an item of {name}", InvalidEvaluationInput)
    return frozenset(ids)


def _ratios(block: dict[str, Any] | None, ceiling: dict[str, Any] | None) -> dict[str, Any] | None:
    """Each R@K, ngR@K and mR@K of a task block over the ceiling's; None where undefined."""
    if block is None or ceiling is None:
        return None
    return {
        key: (value / ceiling[key] if value is not None and ceiling.get(key) else None)
        for key, value in block.items()
        if not key.startswith("zR@")
    }


def _block(scores: Sequence[SampleScores]) -> dict[str, Any]:
    relations = {
        task: [(s.truth, s.tasks[task]) for s in scores if s.truth is not None and task in s.tasks]
        for task in TASKS
    }
    detections = [s.detection for s in scores if s.detection is not None]
    tasks = {task: task_block(relations[task]) for task in TASKS}
    ceiling = task_block(
        [(s.truth, s.ceiling) for s in scores if s.truth is not None and s.ceiling is not None]
    )
    return {
        "images": len(scores),
        **tasks,
        "star": {task: star_block(relations[task]) for task in STAR_TASKS},
        "objects": objects_block(detections) if detections else None,
        "proposal_recall": proposal_recall(detections),
        "objects_per_image": objects_per_image(detections),
        "ceiling": ceiling,
        "ratio_to_ceiling": {task: _ratios(tasks[task], ceiling) for task in TASKS},
    }


def evaluate(
    samples: Iterable[EvaluationSample],
    *,
    train_triplets: Collection[tuple[str, str, str]] | None = None,
    stuff_classes: Collection[str] = (),
    symmetric_predicates: Collection[str] = (),
) -> dict[str, Any]:
    """Score every sample and report overall and per map scale (layout in the module docstring).

    ``train_triplets`` are the (subject class, predicate, object class) triplets of the training
    set; ground-truth triplets outside it are zero-shot. Each (image_id, scale) may appear once.
    SGDet and PhrDet match a side of ``stuff_classes`` within the ground-truth triplet's place
    window (``stuff``; docs/evaluation.md, "Stuff and things"); a predicted triplet whose
    predicate is in ``symmetric_predicates`` also matches the ground truth stored the other way
    round. Both default to none: the plain Scene-Graph-Benchmark rules.
    """
    train = _train_set(train_triplets)
    rules = match_rules(stuff_classes, symmetric_predicates)
    seen: set[tuple[str, int]] = set()
    scores: list[SampleScores] = []
    for sample in samples:
        key = (sample.image_id, int(sample.scale))
        if key in seen:
            raise InvalidEvaluationInput(
                f"image {key[0]!r} at scale {key[1]} is given twice; give one sample per image "
                "and scale, with all its task predictions"
            )
        seen.add(key)
        scores.append(score_sample(sample, train, rules))
    return {
        "overall": _block(scores),
        "per_scale": {
            str(scale): _block([s for s in scores if s.scale == scale])
            for scale in sorted({s.scale for s in scores})
        },
    }


def match_rules(
    stuff_classes: Collection[str], symmetric_predicates: Collection[str]
) -> MatchRules:
    """The evaluator's match rules of ``evaluate``'s two arguments, checked."""
    return MatchRules(
        _id_set(stuff_classes, "stuff_classes"),
        _id_set(symmetric_predicates, "symmetric_predicates"),
    )


def phrase_matches(
    truth: GroundTruth,
    detection: SGDetPrediction,
    *,
    stuff_classes: Collection[str] = (),
    symmetric_predicates: Collection[str] = (),
) -> np.ndarray:
    """Per triplet of ``detection`` (in its order), whether PhrDet with these rules would count
    it as a hit of some ground-truth triplet, wherever it ranked: the label a learned ranker of
    triplets is trained on. (T,) bool."""
    return phrase_matched(truth, detection, match_rules(stuff_classes, symmetric_predicates))
