"""Object metrics per class, from SGDet detections: pixel IoU, precision, recall, F1.

For a class c, summed over all images of a block:

- pixel IoU(c) = Σ |P_c ∩ G_c| / Σ |P_c ∪ G_c|, where P_c (G_c) is the union of the masks of the
  detected (ground-truth) objects of class c in an image: a semantic-segmentation IoU.
- Greedy matching at IoU >= 0.5, per image and class: detections are visited by score, highest
  first (ties in given order); each one takes the still unmatched ground-truth object of its class
  with the highest mask IoU (ties: the lower index), if that IoU is at least 0.5. Matched
  detections are true positives TP(c).
- precision(c) = TP(c) / #detections(c), recall(c) = TP(c) / #ground truth(c),
  F1(c) = 2 TP(c) / (#detections(c) + #ground truth(c)), which equals 2PR / (P + R) whenever both
  are defined and is 0 when either count is zero but not both.

Undefined ratios (0 / 0) are reported as ``None``.

Proposal recall (class-agnostic) = Σ #{ground-truth objects with some proposal of IoU >= 0.5}
/ Σ #ground-truth objects, over all images of a block.

Objects per image: the mean number of detections and of ground-truth objects per image, so a
model that fragments the scene (many small masks) or merges it shows up as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from model.evaluation.masks import IOU_THRESHOLD, areas, binarise


@dataclass(frozen=True, slots=True)
class ClassCounts:
    """Pixel and object counts of one class, summed over one or more images."""

    intersection: int
    union: int
    true_positives: int
    detected: int
    ground_truth: int

    def __add__(self, other: ClassCounts) -> ClassCounts:
        return ClassCounts(
            self.intersection + other.intersection,
            self.union + other.union,
            self.true_positives + other.true_positives,
            self.detected + other.detected,
            self.ground_truth + other.ground_truth,
        )


@dataclass(frozen=True, slots=True)
class DetectionCounts:
    """What one image's SGDet detections contribute: per-class counts and proposal hits."""

    classes: dict[str, ClassCounts]
    proposal_hits: int
    ground_truth_objects: int


def greedy_true_positives(
    detected_classes: np.ndarray,
    scores: np.ndarray,
    truth_classes: np.ndarray,
    iou: np.ndarray,
) -> np.ndarray:
    """Which detections (D,) match a ground-truth object; ``iou`` is the (D, G) IoU matrix."""
    taken = np.zeros(truth_classes.size, dtype=bool)
    matched = np.zeros(detected_classes.size, dtype=bool)
    for d in np.argsort(-scores, kind="stable"):
        candidates = (truth_classes == detected_classes[d]) & ~taken & (iou[d] >= IOU_THRESHOLD)
        if candidates.any():
            taken[np.argmax(np.where(candidates, iou[d], -1.0))] = True
            matched[d] = True
    return matched


def _class_regions(
    rows: sparse.csr_array, class_of_row: np.ndarray, n_classes: int
) -> sparse.csr_array:
    """(C, H*W) binary masks: row c is the union of the masks whose class code is c."""
    indicator = sparse.csr_array(
        (np.ones(class_of_row.size, dtype=np.int64), (class_of_row, np.arange(class_of_row.size))),
        shape=(n_classes, class_of_row.size),
    )
    return binarise(indicator @ rows)


def class_counts(
    truth_rows: sparse.csr_array,
    truth_classes: Sequence[str],
    detected_rows: sparse.csr_array,
    detected_classes: Sequence[str],
    scores: np.ndarray,
    iou: np.ndarray,
) -> dict[str, ClassCounts]:
    """Counts of every class present in one image's ground truth or detections."""
    names = sorted(set(truth_classes) | set(detected_classes))
    code = {name: n for n, name in enumerate(names)}
    truth_codes = np.array([code[c] for c in truth_classes], dtype=np.int64)
    detected_codes = np.array([code[c] for c in detected_classes], dtype=np.int64)
    truth_regions = _class_regions(truth_rows, truth_codes, len(names))
    detected_regions = _class_regions(detected_rows, detected_codes, len(names))
    intersection = areas(binarise(sparse.csr_array(truth_regions.multiply(detected_regions))))
    union = areas(truth_regions) + areas(detected_regions) - intersection
    matched = greedy_true_positives(detected_codes, scores, truth_codes, iou)
    true_positives = np.bincount(detected_codes[matched], minlength=len(names))
    detected = np.bincount(detected_codes, minlength=len(names))
    ground_truth = np.bincount(truth_codes, minlength=len(names))
    return {
        name: ClassCounts(
            int(intersection[c]),
            int(union[c]),
            int(true_positives[c]),
            int(detected[c]),
            int(ground_truth[c]),
        )
        for c, name in enumerate(names)
    }


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator > 0 else None


def objects_block(per_image: Sequence[DetectionCounts]) -> dict[str, dict[str, float | None]]:
    """``{class: {"iou", "precision", "recall", "f1"}}`` over the images' summed counts."""
    totals: dict[str, ClassCounts] = {}
    for counts in per_image:
        for name, count in counts.classes.items():
            totals[name] = totals[name] + count if name in totals else count
    return {
        name: {
            "iou": _ratio(t.intersection, t.union),
            "precision": _ratio(t.true_positives, t.detected),
            "recall": _ratio(t.true_positives, t.ground_truth),
            "f1": _ratio(2 * t.true_positives, t.detected + t.ground_truth),
        }
        for name, t in sorted(totals.items())
    }


def proposal_hits(iou: np.ndarray) -> int:
    """Ground-truth objects hit by some proposal at IoU >= 0.5; ``iou`` is (proposals, G)."""
    return int((iou >= IOU_THRESHOLD).any(axis=0).sum())


def proposal_recall(per_image: Sequence[DetectionCounts]) -> float | None:
    """Proposal recall over the images; ``None`` when they hold no ground-truth object."""
    return _ratio(
        sum(c.proposal_hits for c in per_image), sum(c.ground_truth_objects for c in per_image)
    )


def objects_per_image(per_image: Sequence[DetectionCounts]) -> dict[str, float] | None:
    """Mean detections and ground-truth objects per image; ``None`` without images."""
    if not per_image:
        return None
    detected = sum(sum(c.detected for c in counts.classes.values()) for counts in per_image)
    truth = sum(counts.ground_truth_objects for counts in per_image)
    return {"detected": detected / len(per_image), "ground_truth": truth / len(per_image)}
