"""Fixtures of the raster tests: tiny GeoTIFFs written in code, with a real CRS.

Real samples are found by the tests themselves through ``tests.support.sample_data``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from raster_fixtures import MakeTif, write_tif


@pytest.fixture
def make_tif(tmp_path: Path) -> MakeTif:
    """``make_tif(name, pixels, **options)`` writes a GeoTIFF into the test's tmp_path."""

    def make(name: str, pixels: np.ndarray, **options: object) -> Path:
        return write_tif(tmp_path / name, pixels, **options)

    return make


@pytest.fixture
def rgb_uint8() -> np.ndarray:
    """A 3 x 200 x 300 uint8 image whose pixel values encode band, row and column."""
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, size=(3, 200, 300), dtype=np.uint8)
