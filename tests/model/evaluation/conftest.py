"""Shared fixtures for the evaluator tests: masks drawn as text, so overlaps count by eye."""

from collections.abc import Callable

import numpy as np
import pytest

from model.evaluation.types import GroundTruthObject

SHAPE = (4, 4)


def _draw(*rows: str) -> np.ndarray:
    return np.array([[cell == "#" for cell in row] for row in rows], dtype=bool)


@pytest.fixture
def draw() -> Callable[..., np.ndarray]:
    """``draw("##..", "....")``: a boolean mask, ``#`` inside and ``.`` outside."""
    return _draw


@pytest.fixture
def pixel_objects() -> Callable[..., tuple[GroundTruthObject, ...]]:
    """``pixel_objects("bridge", "river")``: ground-truth objects ``o0, o1, ...`` of those classes,
    each covering its own single pixel of a 4x4 image (for tests where masks do not matter)."""

    def build(*classes: str) -> tuple[GroundTruthObject, ...]:
        objects = []
        for n, class_id in enumerate(classes):
            mask = np.zeros(SHAPE, dtype=bool)
            mask[divmod(n, SHAPE[1])] = True
            objects.append(GroundTruthObject(f"o{n}", class_id, mask))
        return tuple(objects)

    return build
