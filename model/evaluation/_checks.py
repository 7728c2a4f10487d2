"""Validation helpers shared by the evaluator's input types.

Each helper raises the error class it is given, so ground truth and predictions report their own
kind of error with a message that names the offending item and says what to do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Protocol

import numpy as np

from model.errors import ModelError


class IndexedTriplet(Protocol):
    """Anything with a subject index, a predicate id and an object index."""

    @property
    def subject(self) -> int: ...

    @property
    def predicate(self) -> str: ...

    @property
    def object(self) -> int: ...


def check_id(value: object, what: str, error: type[ModelError]) -> None:
    """Refuse an id that is not a non-empty string."""
    if not isinstance(value, str) or not value:
        raise error(f"{what} must be a non-empty string, got {value!r}")


def check_score(value: object, what: str, error: type[ModelError]) -> None:
    """Refuse a score that is not a finite real number in [0, 1]."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not math.isfinite(float(value))
        or not 0.0 <= float(value) <= 1.0
    ):
        raise error(f"{what} must be a finite probability in [0, 1], got {value!r}")


def check_shape(shape: object, error: type[ModelError]) -> None:
    """Refuse an image shape that is not two positive integers (rows, columns)."""
    if (
        not isinstance(shape, tuple)
        or len(shape) != 2
        or not all(
            isinstance(n, Integral) and not isinstance(n, bool) and int(n) > 0 for n in shape
        )
    ):
        raise error(f"image shape must be a tuple of two positive ints (rows, cols), got {shape!r}")


def check_mask(
    mask: object,
    shape: tuple[int, int] | None,
    what: str,
    error: type[ModelError],
    *,
    allow_empty: bool,
) -> None:
    """Refuse a mask that is not a 2-D boolean array of the given shape (or that is empty)."""
    if not isinstance(mask, np.ndarray) or mask.ndim != 2 or mask.dtype != np.bool_:
        described = (
            f"an array of dtype {mask.dtype} and shape {mask.shape}"
            if isinstance(mask, np.ndarray)
            else type(mask).__name__
        )
        raise error(
            f"{what} must be a 2-D boolean numpy array, got {described}; "
            "convert it with np.asarray(mask, dtype=bool)"
        )
    if shape is not None and mask.shape != shape:
        raise error(
            f"{what} has shape {mask.shape} but the image is {shape}; "
            "rasterise every mask on the image grid"
        )
    if not allow_empty and not mask.any():
        raise error(f"{what} covers no pixel; drop objects whose mask rasterises to nothing")


def check_index(value: object, n_objects: int, what: str, error: type[ModelError]) -> None:
    """Refuse an object index that is not an int in [0, n_objects)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise error(f"{what} must be an int object index, got {value!r}")
    if not 0 <= int(value) < n_objects:
        raise error(
            f"{what} = {value} is out of range: there are {n_objects} objects "
            f"(valid indices 0..{n_objects - 1})"
        )


def check_triplets(
    triplets: Sequence[IndexedTriplet],
    n_objects: int,
    what: str,
    error: type[ModelError],
) -> None:
    """Refuse triplets with bad indices, self-relations, empty predicates or repeats.

    A repeat is the same (subject, predicate, object) listed twice; it would be counted twice
    in a ranking, so it is refused instead of silently deduplicated.
    """
    seen: set[tuple[int, str, int]] = set()
    for n, triplet in enumerate(triplets):
        label = f"{what}[{n}]"
        check_index(triplet.subject, n_objects, f"{label}.subject", error)
        check_index(triplet.object, n_objects, f"{label}.object", error)
        check_id(triplet.predicate, f"{label}.predicate", error)
        if triplet.subject == triplet.object:
            raise error(
                f"{label} relates object {triplet.subject} to itself; "
                "a triplet needs two different objects"
            )
        key = (int(triplet.subject), triplet.predicate, int(triplet.object))
        if key in seen:
            raise error(f"{label} repeats triplet {key}; list each triplet once")
        seen.add(key)
