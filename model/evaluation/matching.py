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

When g involves a stuff class (see ``stuff``), SGDet measures the IoU of a stuff side, and PhrDet
the IoU of the phrase regions, within g's place window only; thing sides keep the full-mask IoU.

A :class:`Ranking` carries the rank of each of its triplets, so extra rows can share a rank: a
swapped copy (o, p, s) of a triplet with a symmetric predicate matches a ground truth stored the
other way round, at the original's rank.

Labels and predicates are integer codes here (see ``scoring.Codebook``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from model.evaluation.masks import IOU_THRESHOLD, iou_matrix, ranges, union_rows
from model.evaluation.stuff import WindowedOverlaps


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


@dataclass(frozen=True, slots=True)
class Ranking:
    """Ranked predicted triplets and the 0-based rank each one counts at, shape (T,)."""

    triplets: CodedTriplets
    ranks: np.ndarray

    @classmethod
    def of(cls, ranked: CodedTriplets) -> Ranking:
        """Triplets already in rank order: each one's rank is its position."""
        return cls(ranked, np.arange(ranked.subjects.size))

    def with_swapped(self, symmetric: np.ndarray) -> Ranking:
        """This ranking plus a copy (o, p, s) of every triplet whose predicate code is in
        ``symmetric``, at the original's rank: symmetric relations are stored in an arbitrary
        orientation, which a prediction over other objects cannot know."""
        t = self.triplets
        swap = np.isin(t.predicates, symmetric)
        return Ranking(
            CodedTriplets(
                np.concatenate((t.subjects, t.objects[swap])),
                np.concatenate((t.predicates, t.predicates[swap])),
                np.concatenate((t.objects, t.subjects[swap])),
            ),
            np.concatenate((self.ranks, self.ranks[swap])),
        )


@dataclass(frozen=True, slots=True)
class DetectionScene:
    """What SGDet and PhrDet matching read of one image besides the triplets.

    Classes are codes (N,) per object; rows are sparse mask rows (see ``masks``); ``iou`` is the
    (predicted, ground-truth) object IoU matrix; ``stuff`` the predicted masks against the ground
    truth's place windows.
    """

    predicted_classes: np.ndarray
    predicted_rows: sparse.csr_array
    truth_classes: np.ndarray
    truth_rows: sparse.csr_array
    iou: np.ndarray
    stuff: WindowedOverlaps


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
    return left_index, order[ranges(low, low + counts)]


def first_hits(
    ranking: Ranking, positions: np.ndarray, truth_index: np.ndarray, n_truth: int
) -> np.ndarray:
    """First-hit rank of each of ``n_truth`` triplets from matched (position in ``ranking``,
    truth index) pairs."""
    first = np.full(n_truth, np.inf)
    np.minimum.at(first, truth_index, ranking.ranks[positions].astype(np.float64))
    return first


def predcls_hits(ranking: Ranking, truth: CodedTriplets) -> np.ndarray:
    """First-hit ranks when triplets refer to ground-truth objects and labels are given."""
    positions, index = equal_rows(ranking.triplets.indexed(), truth.indexed())
    return first_hits(ranking, positions, index, truth.subjects.size)


def sgcls_hits(ranking: Ranking, truth: CodedTriplets, label_right: np.ndarray) -> np.ndarray:
    """First-hit ranks for SGCls; ``label_right[i]`` says object i got its true label."""
    ranked = ranking.triplets
    positions, index = equal_rows(ranked.indexed(), truth.indexed())
    keep = label_right[ranked.subjects[positions]] & label_right[ranked.objects[positions]]
    return first_hits(ranking, positions[keep], index[keep], truth.subjects.size)


def _side_matches(
    ranked: CodedTriplets,
    positions: np.ndarray,
    truth: CodedTriplets,
    index: np.ndarray,
    side: int,
    scene: DetectionScene,
) -> np.ndarray:
    """Whether side ``side`` (0 subject, 1 object) of the predicted triplet at each position
    matches that side of its ground-truth triplet: full-mask IoU, or IoU within the triplet's
    place window where that side is local stuff (see ``stuff``)."""
    predicted = (ranked.subjects, ranked.objects)[side][positions]
    true = (truth.subjects, truth.objects)[side][index]
    matched = scene.iou[predicted, true] >= IOU_THRESHOLD
    local = scene.stuff.places.local[index, side]
    matched[local] = scene.stuff.object_iou(predicted[local], index[local], side) >= IOU_THRESHOLD
    return matched


def _label_matches(
    ranking: Ranking, truth: CodedTriplets, scene: DetectionScene
) -> tuple[np.ndarray, np.ndarray]:
    """(position, truth index) pairs whose subject class, predicate and object class agree."""
    return equal_rows(
        ranking.triplets.labelled(scene.predicted_classes), truth.labelled(scene.truth_classes)
    )


def sgdet_hits(ranking: Ranking, truth: CodedTriplets, scene: DetectionScene) -> np.ndarray:
    """First-hit ranks for SGDet: labels agree and both sides overlap their ground truth."""
    ranked = ranking.triplets
    positions, index = _label_matches(ranking, truth, scene)
    keep = _side_matches(ranked, positions, truth, index, 0, scene)
    keep &= _side_matches(ranked, positions, truth, index, 1, scene)
    return first_hits(ranking, positions[keep], index[keep], truth.subjects.size)


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


def _phrase_matches(
    ranked: CodedTriplets,
    positions: np.ndarray,
    truth: CodedTriplets,
    index: np.ndarray,
    scene: DetectionScene,
) -> np.ndarray:
    """Whether the full subject ∪ object regions of each (position, truth index) pair overlap.

    One union mask is built per distinct (subject, object) pair, on each side; their IoU matrix
    is read at the given pairs.
    """
    if positions.size == 0:
        return np.zeros(0, dtype=bool)
    predicted_pairs, predicted_of = _used_pairs(ranked, positions, scene.predicted_rows.shape[0])
    truth_pairs, truth_of = _used_pairs(truth, index, scene.truth_rows.shape[0])
    union_iou = iou_matrix(
        union_rows(scene.predicted_rows, *predicted_pairs),
        union_rows(scene.truth_rows, *truth_pairs),
    )
    return union_iou[predicted_of[positions], truth_of[index]] >= IOU_THRESHOLD


def phrdet_hits(ranking: Ranking, truth: CodedTriplets, scene: DetectionScene) -> np.ndarray:
    """First-hit ranks for PhrDet: labels agree and the subject ∪ object regions overlap,
    within the place window where the ground-truth triplet involves stuff."""
    positions, index = phrdet_matches(ranking, truth, scene)
    return first_hits(ranking, positions, index, truth.subjects.size)


def phrdet_matches(
    ranking: Ranking, truth: CodedTriplets, scene: DetectionScene
) -> tuple[np.ndarray, np.ndarray]:
    """Every (position in ``ranking``, truth index) pair that PhrDet counts as a match."""
    ranked = ranking.triplets
    positions, index = _label_matches(ranking, truth, scene)
    windowed = scene.stuff.places.windowed[index]
    keep = np.empty(positions.size, dtype=bool)
    keep[~windowed] = _phrase_matches(ranked, positions[~windowed], truth, index[~windowed], scene)
    stuff_positions = positions[windowed]
    keep[windowed] = (
        scene.stuff.phrase_iou(
            ranked.subjects[stuff_positions],
            ranked.objects[stuff_positions],
            index[windowed],
        )
        >= IOU_THRESHOLD
    )
    return positions[keep], index[keep]
