"""Partial labels: for every pixel, the set of head classes it may belong to, as a bit mask.

Sources label different things. The Dubai masks label five classes everywhere; Massachusetts
and SpaceNet label buildings only, so a pixel outside their polygons is "not a building" (any
other class), not "background"; a Quebec or New Brunswick layer labels a few classes. One
encoding covers all: a uint8 per pixel whose bit ``i`` is set when ``HEAD_CLASSES[i]`` is
possible there. A single bit is a full label; several bits a partial one; ``UNKNOWN`` (0) or all
bits carry no information and no loss (``model.dense.losses.partial_label_loss``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

HEAD_CLASSES = ("building", "road", "vegetation", "water_body", "bare_ground")
"""The ontology classes the dense head predicts, in logit order: those our real labels cover."""

UNKNOWN = 0
ALL = (1 << len(HEAD_CLASSES)) - 1


def bit(class_id: str) -> int:
    """The mask bit of one head class; ValueError names the head classes otherwise."""
    if class_id not in HEAD_CLASSES:
        raise ValueError(f"{class_id!r} is not a head class; the head predicts {HEAD_CLASSES}")
    return 1 << HEAD_CLASSES.index(class_id)


def bits(classes: Iterable[str]) -> int:
    """The mask of several head classes."""
    total = 0
    for class_id in classes:
        total |= bit(class_id)
    return total


def from_class_map(
    class_map: np.ndarray, exhaustive: Iterable[str], *, unlabelled: int = UNKNOWN
) -> np.ndarray:
    """Label sets of a class-index map (``-1`` = no label) from a source's labels.

    ``exhaustive`` are the classes the source labels wherever they occur (every building of a
    building layer). A pixel of head class ``i`` gets ``{i}``; a pixel with no label gets "any
    class but the exhaustive ones" (it would carry a label otherwise), or ``unlabelled`` when the
    source labels every head class exhaustively (a missing label then means "not annotated",
    like Dubai's grey pixels).
    """
    rest = ALL & ~bits(exhaustive)
    sets = np.full(class_map.shape, rest if rest else unlabelled, dtype=np.uint8)
    for index in range(len(HEAD_CLASSES)):
        sets[class_map == index] = 1 << index
    return sets
