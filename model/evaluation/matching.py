"""Which ground-truth triplets a ranking of predicted triplets finds, and how early.

The result of matching one ranking against one image's ground truth is the *first-hit rank* h_g
of every ground-truth triplet g: the 0-based position of the best-ranked predicted triplet that
matches g, or +inf when none does. Then g is recalled at K exactly when h_g < K, which gives every
recall variant for every K from one matching. A predicted triplet may match several ground-truth
triplets (duplicate annotations); each ground-truth triplet counts once.

Match rules for a predicted triplet t = (s, p, o) and a ground-truth triplet g = (s', p', o'),
with IoU at least ``IOU_THRESHOLD`` (0.5):

- PredCls: s = s', o = o' (the same ground-truth objects) and p = p'.
- SGCls: as PredCls, and the predicted labels of s and o equal the ground-truth labels.
- SGDet: label(s) = label(s'), p = p', label(o) = label(o'), IoU(mask s, mask s') >= 0.5 and
  IoU(mask o, mask o') >= 0.5.
- PhrDet: the same labels and IoU(mask s ∪ mask o, mask s' ∪ mask o') >= 0.5.

Labels and predicates are integer codes here (see ``scoring.Codebook``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from model.evaluation.masks import IOU_THRESHOLD, iou_matrix, union_rows


@dataclass(frozen=True, slots=True)
class CodedTriplets:
    """T triplets as three int arrays of shape (T,): subject index, predicate code, object index."""

    subjects: np.ndarray
    predicates: np.ndarray
    objects: np.ndarray

    def take(self, order: np.ndarray) -> CodedTriplets:
        """The triplets at positions ``order``, in that order."""
        return CodedTriplets(self.subjects[order], self.predicates[order], self.objects[order])

    def labelled(self, classes: np.ndarray) -> np.ndarray:
        """(T, 3) rows (class of subject, predicate, class of object) for object classes (N,)."""
        return np.column_stack(
            (classes[self.subjects], self.predicates, classes[self.objects])
        ).astype(np.int64)

    def indexed(self) -> np.ndarray:
        """(T, 3) rows (subject index, predicate, object index)."""
        return np.column_stack((self.subjects, self.predicates, self.objects)).astype(np.int64)


def equal_rows(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All index pairs (i, j) with left[i] == right[j] as whole rows; both arrays are (n, c)."""
    if left.shape[0] == 0 or right.shape[0] == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    _, codes = np.unique(np.concatenate((left, right)), axis=0, return_inverse=True)
    codes = codes.ravel()
    left_codes, right_codes = codes[: left.shape[0]], codes[left.shape[0] :]
    order = np.argsort(right_codes, kind="stable")
    sorted_codes = right_codes[order]
    low = np.searchsorted(sorted_codes, left_codes, side="left")
    counts = np.searchsorted(sorted_codes, left_codes, side="right") - low
    left_index = np.repeat(np.arange(left.shape[0]), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return left_index, order[np.repeat(low, counts) + within]


def first_hits(ranks: np.ndarray, truth_index: np.ndarray, n_truth: int) -> np.ndarray:
    """First-hit rank of each of ``n_truth`` triplets from matched (rank, truth index) pairs."""
    first = np.full(n_truth, np.inf)
    np.minimum.at(first, truth_index, ranks.astype(np.float64))
    return first


def predcls_hits(ranked: CodedTriplets, truth: CodedTriplets) -> np.ndarray:
    """First-hit ranks when triplets refer to ground-truth objects and labels are given."""
    ranks, index = equal_rows(ranked.indexed(), truth.indexed())
    return first_hits(ranks, index, truth.subjects.size)


def sgcls_hits(ranked: CodedTriplets, truth: CodedTriplets, label_right: np.ndarray) -> np.ndarray:
    """First-hit ranks for SGCls; ``label_right[i]`` says object i got its true label."""
    ranks, index = equal_rows(ranked.indexed(), truth.indexed())
    keep = label_right[ranked.subjects[ranks]] & label_right[ranked.objects[ranks]]
    return first_hits(ranks[keep], index[keep], truth.subjects.size)


def sgdet_hits(
    ranked: CodedTriplets,
    predicted_classes: np.ndarray,
    truth: CodedTriplets,
    truth_classes: np.ndarray,
    iou: np.ndarray,
) -> np.ndarray:
    """First-hit ranks for SGDet; ``iou`` is the (predicted, ground-truth) object IoU matrix."""
    ranks, index = equal_rows(ranked.labelled(predicted_classes), truth.labelled(truth_classes))
    keep = (iou[ranked.subjects[ranks], truth.subjects[index]] >= IOU_THRESHOLD) & (
        iou[ranked.objects[ranks], truth.objects[index]] >= IOU_THRESHOLD
    )
    return first_hits(ranks[keep], index[keep], truth.subjects.size)


def _used_pairs(
    triplets: CodedTriplets, used: np.ndarray, n_objects: int
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Distinct (subject, object) pairs of the triplets at positions ``used``.

    Returns the pairs as (subjects, objects) and, per triplet, the number of its pair (-1 for
    triplets not used).
    """
    mask = np.zeros(triplets.subjects.size, dtype=bool)
    mask[used] = True
    codes, which = np.unique(
        triplets.subjects[mask] * n_objects + triplets.objects[mask], return_inverse=True
    )
    pair_of = np.full(triplets.subjects.size, -1)
    pair_of[mask] = which.ravel()
    return (codes // n_objects, codes % n_objects), pair_of


def phrdet_hits(
    ranked: CodedTriplets,
    predicted_classes: np.ndarray,
    predicted_rows: sparse.csr_array,
    truth: CodedTriplets,
    truth_classes: np.ndarray,
    truth_rows: sparse.csr_array,
) -> np.ndarray:
    """First-hit ranks for PhrDet: labels agree and the subject ∪ object regions overlap.

    One union mask is built per distinct (subject, object) pair, on each side, of the triplets
    that have a label-compatible partner; their IoU matrix is read at the compatible pairs.
    """
    ranks, index = equal_rows(ranked.labelled(predicted_classes), truth.labelled(truth_classes))
    if ranks.size == 0:
        return first_hits(ranks, index, truth.subjects.size)
    predicted_pairs, predicted_of = _used_pairs(ranked, ranks, predicted_rows.shape[0])
    truth_pairs, truth_of = _used_pairs(truth, index, truth_rows.shape[0])
    union_iou = iou_matrix(
        union_rows(predicted_rows, *predicted_pairs), union_rows(truth_rows, *truth_pairs)
    )
    keep = union_iou[predicted_of[ranks], truth_of[index]] >= IOU_THRESHOLD
    return first_hits(ranks[keep], index[keep], truth.subjects.size)
