"""Score one sample: match each task's rankings and count object hits for one image and scale.

This is the per-image half of the evaluator; ``report`` aggregates the results over images.
Masks become sparse rows once per image (ground truth, detections, proposals) and every overlap
is a sparse product (see ``masks``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from model.evaluation._checks import IndexedTriplet
from model.evaluation.masks import iou_matrix, mask_rows
from model.evaluation.matching import (
    CodedTriplets,
    DetectionScene,
    Ranking,
    phrdet_hits,
    phrdet_matches,
    predcls_hits,
    sgcls_hits,
    sgdet_hits,
)
from model.evaluation.objects import DetectionCounts, class_counts, proposal_hits
from model.evaluation.ranking import (
    graph_constrained_order,
    ranking_scores,
    unconstrained_order,
)
from model.evaluation.recall import RANKING_LIMIT, RankingHits, RelationTruth
from model.evaluation.stuff import WindowedOverlaps, place_windows
from model.evaluation.types import (
    EvaluationSample,
    GroundTruth,
    PredictedTriplet,
    SGDetPrediction,
    TripletScoring,
)

TrainTriplets = frozenset[tuple[str, str, str]]
"""Training-set (subject class, predicate, object class) triplets, for zero-shot recall."""


@dataclass(frozen=True, slots=True)
class MatchRules:
    """The evaluator's extensions of the Scene-Graph-Benchmark match rules (docs/evaluation.md).

    ``stuff_classes`` are matched within place windows (``stuff``); a triplet whose predicate is
    in ``symmetric_predicates`` also matches the ground truth in the other orientation. Both
    empty is the plain benchmark.
    """

    stuff_classes: frozenset[str]
    symmetric_predicates: frozenset[str]


class Codebook:
    """Integer codes for the string ids (classes, predicates) of one sample."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}

    def encode(self, ids: Iterable[str]) -> np.ndarray:
        """The int64 code of each id, assigning new codes to ids seen for the first time."""
        return np.array([self._codes.setdefault(i, len(self._codes)) for i in ids], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class SampleScores:
    """What one sample contributes to the report.

    ``truth`` is ``None`` when the image has no ground-truth triplet (relation metrics skip it);
    ``tasks`` maps "predcls", "sgcls", "sgdet", "phrdet" to hits for the tasks that were
    predicted on an image with triplets; ``detection`` is ``None`` without an SGDet prediction;
    ``ceiling`` holds the hits of the ground truth itself ranked as a prediction (every triplet
    scored 1, :func:`ceiling_hits`), ``None`` without triplets.
    """

    scale: int
    truth: RelationTruth | None
    tasks: dict[str, RankingHits]
    detection: DetectionCounts | None
    ceiling: RankingHits | None = None


def _coded(triplets: Sequence[IndexedTriplet], codebook: Codebook) -> CodedTriplets:
    return CodedTriplets(
        np.array([t.subject for t in triplets], dtype=np.int64),
        codebook.encode(t.predicate for t in triplets),
        np.array([t.object for t in triplets], dtype=np.int64),
    )


def _rankings(
    triplets: Sequence[PredictedTriplet],
    codebook: Codebook,
    object_scores: np.ndarray,
    scoring: TripletScoring,
    symmetric: np.ndarray,
) -> tuple[Ranking, Ranking]:
    """Graph-constrained and unconstrained rankings, both cut at ``RANKING_LIMIT``, each with a
    swapped copy of every triplet whose predicate code is in ``symmetric``."""
    coded = _coded(triplets, codebook)
    scores = ranking_scores(
        coded.subjects,
        coded.objects,
        np.array([t.score for t in triplets], dtype=np.float64),
        object_scores,
        scoring,
    )
    orders = (
        graph_constrained_order(coded.subjects, coded.objects, scores, RANKING_LIMIT),
        unconstrained_order(scores, RANKING_LIMIT),
    )
    graph, no_graph = (Ranking.of(coded.take(order)).with_swapped(symmetric) for order in orders)
    return graph, no_graph


def _hits(rankings: tuple[Ranking, Ranking], match: Callable[[Ranking], np.ndarray]) -> RankingHits:
    graph, no_graph = rankings
    return RankingHits(graph=match(graph), no_graph=match(no_graph))


def _relation_truth(truth: GroundTruth, train: TrainTriplets | None) -> RelationTruth:
    classes = [obj.class_id for obj in truth.objects]
    _, pairs = np.unique(
        np.array([(t.subject, t.object) for t in truth.triplets], dtype=np.int64),
        axis=0,
        return_inverse=True,
    )
    zero_shot = None
    if train is not None:
        zero_shot = np.array(
            [
                (classes[t.subject], t.predicate, classes[t.object]) not in train
                for t in truth.triplets
            ]
        )
    return RelationTruth(
        predicates=np.array([t.predicate for t in truth.triplets], dtype=str),
        pairs=pairs.ravel(),
        zero_shot=zero_shot,
    )


def ceiling_hits(
    coded_truth: CodedTriplets, truth: GroundTruth, codebook: Codebook, symmetric: np.ndarray
) -> RankingHits:
    """The ground truth's own triplets as predictions, all scored 1, ranked and matched like a
    model's: what a perfect model could recall. Below 1 when an image has more triplets than K,
    or (graph-constrained) when a pair has several predicates and only one may be ranked."""
    perfect = [PredictedTriplet(t.subject, t.predicate, t.object, 1.0) for t in truth.triplets]
    rankings = _rankings(
        perfect, codebook, np.ones(len(truth.objects)), TripletScoring.PREDICATE, symmetric
    )
    return _hits(rankings, lambda ranked: predcls_hits(ranked, coded_truth))


def _detection_counts(
    detection: SGDetPrediction,
    truth: GroundTruth,
    truth_rows: sparse.csr_array,
    detected_rows: sparse.csr_array,
    detected_scores: np.ndarray,
    iou: np.ndarray,
) -> DetectionCounts:
    """Per-class object counts and proposal hits of one image's detections."""
    proposal_iou = (
        iou
        if detection.proposals is None
        else iou_matrix(mask_rows(detection.proposals, truth.shape), truth_rows)
    )
    return DetectionCounts(
        classes=class_counts(
            truth_rows,
            [obj.class_id for obj in truth.objects],
            detected_rows,
            [obj.class_id for obj in detection.objects],
            detected_scores,
            iou,
        ),
        proposal_hits=proposal_hits(proposal_iou),
        ground_truth_objects=len(truth.objects),
    )


def _scene(
    detection: SGDetPrediction,
    truth: GroundTruth,
    codebook: Codebook,
    rules: MatchRules,
    overlaps: tuple[sparse.csr_array, sparse.csr_array, np.ndarray] | None = None,
) -> DetectionScene:
    """What SGDet and PhrDet matching read of one image; ``overlaps`` (truth rows, detected
    rows, their IoU) when the caller has them already."""
    if overlaps is None:
        truth_rows = mask_rows([obj.mask for obj in truth.objects], truth.shape)
        detected_rows = mask_rows([obj.mask for obj in detection.objects], truth.shape)
        overlaps = (truth_rows, detected_rows, iou_matrix(detected_rows, truth_rows))
    truth_rows, detected_rows, iou = overlaps
    return DetectionScene(
        predicted_classes=codebook.encode(obj.class_id for obj in detection.objects),
        predicted_rows=detected_rows,
        truth_classes=codebook.encode(obj.class_id for obj in truth.objects),
        truth_rows=truth_rows,
        iou=iou,
        stuff=WindowedOverlaps.of(
            place_windows(truth, truth_rows, rules.stuff_classes), detected_rows
        ),
    )


def phrase_matched(truth: GroundTruth, detection: SGDetPrediction, rules: MatchRules) -> np.ndarray:
    """Per triplet of ``detection``, in its order: whether it matches some ground-truth triplet
    by the PhrDet rule (what a ranking would be credited for, wherever it ranked it). For
    learning to rank triplets; (T,) bool."""
    matched = np.zeros(len(detection.triplets), dtype=bool)
    if not truth.triplets or not detection.triplets:
        return matched
    codebook = Codebook()
    coded_truth = _coded(truth.triplets, codebook)
    scene = _scene(detection, truth, codebook, rules)
    symmetric = codebook.encode(sorted(rules.symmetric_predicates))
    ranking = Ranking.of(_coded(detection.triplets, codebook)).with_swapped(symmetric)
    positions, _ = phrdet_matches(ranking, coded_truth, scene)
    matched[ranking.ranks[positions]] = True
    return matched


def score_sample(
    sample: EvaluationSample, train: TrainTriplets | None, rules: MatchRules
) -> SampleScores:
    """Match every given task's rankings and count object hits for one sample."""
    truth = sample.ground_truth
    codebook = Codebook()
    truth_classes = codebook.encode(obj.class_id for obj in truth.objects)
    coded_truth = _coded(truth.triplets, codebook)
    symmetric = codebook.encode(sorted(rules.symmetric_predicates))
    has_relations = bool(truth.triplets)
    tasks: dict[str, RankingHits] = {}
    if has_relations and sample.predcls is not None:
        tasks["predcls"] = _hits(
            _rankings(
                sample.predcls.triplets,
                codebook,
                np.ones(len(truth.objects)),
                TripletScoring.PREDICATE,
                symmetric,
            ),
            lambda ranked: predcls_hits(ranked, coded_truth),
        )
    if has_relations and sample.sgcls is not None:
        labels = sample.sgcls.labels
        label_right = codebook.encode(label.class_id for label in labels) == truth_classes
        tasks["sgcls"] = _hits(
            _rankings(
                sample.sgcls.triplets,
                codebook,
                np.array([label.score for label in labels]),
                sample.sgcls.scoring,
                symmetric,
            ),
            lambda ranked: sgcls_hits(ranked, coded_truth, label_right),
        )
    detection_counts = None
    if sample.sgdet is not None:
        detection = sample.sgdet
        truth_rows = mask_rows([obj.mask for obj in truth.objects], truth.shape)
        detected_rows = mask_rows([obj.mask for obj in detection.objects], truth.shape)
        detected_scores = np.array([obj.score for obj in detection.objects], dtype=np.float64)
        iou = iou_matrix(detected_rows, truth_rows)
        detection_counts = _detection_counts(
            detection, truth, truth_rows, detected_rows, detected_scores, iou
        )
        if has_relations:
            scene = _scene(detection, truth, codebook, rules, (truth_rows, detected_rows, iou))
            rankings = _rankings(
                detection.triplets, codebook, detected_scores, detection.scoring, symmetric
            )
            tasks["sgdet"] = _hits(rankings, lambda ranked: sgdet_hits(ranked, coded_truth, scene))
            tasks["phrdet"] = _hits(
                rankings, lambda ranked: phrdet_hits(ranked, coded_truth, scene)
            )
    return SampleScores(
        scale=int(sample.scale),
        truth=_relation_truth(truth, train) if has_relations else None,
        tasks=tasks,
        detection=detection_counts,
        ceiling=ceiling_hits(coded_truth, truth, codebook, symmetric) if has_relations else None,
    )
