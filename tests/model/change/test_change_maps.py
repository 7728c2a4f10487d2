"""The shipped model's maps of a stored image: computed once, kept in the raster store."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from ingest.raster import level_for, open_raster
from ingest.rasterstore import RasterStore, sha256_file
from model.change.maps import FEATURE_DIMS, level_maps
from model.dense.extractors import PATCH
from model.dense.segmenter import DenseSegmenter
from model.inference import DEFAULT_CHECKPOINT, load_segmenter, model_tag
from tests.ingest.imagery.imagery_files import nb_clip


@pytest.fixture(scope="module")
def model() -> DenseSegmenter:
    segmenter = load_segmenter().segmenter
    assert isinstance(segmenter, DenseSegmenter)
    return segmenter


def test_maps_are_computed_once_per_image_scale_and_model_and_read_back_alike(
    model: DenseSegmenter, tmp_path: Path
) -> None:
    image = nb_clip()
    store, sha, tag = RasterStore(tmp_path), sha256_file(image), model_tag(DEFAULT_CHECKPOINT)
    first = level_maps(model, store, sha, str(image), 2000, tag)
    kept = store.derived_uri(sha, f"{tag}.2000.probabilities")
    assert Path(kept).is_file() and Path(store.derived_uri(sha, f"{tag}.2000.features")).is_file()
    level = level_for(open_raster(str(image)), 2000)
    assert first.classes == model.classes
    assert first.probabilities.shape == (len(model.classes), level.height, level.width)
    assert first.features.shape == (
        FEATURE_DIMS,
        -(-level.height // PATCH),
        -(-level.width // PATCH),
    )
    assert (
        first.valid.any() and 0.0 <= first.probabilities.min() <= first.probabilities.max() <= 1.0
    )
    assert np.allclose(first.probabilities.sum(axis=0)[first.valid], 1.0, atol=0.05)
    os.utime(kept, (0, 0))
    again = level_maps(model, store, sha, str(image), 2000, tag)
    assert Path(kept).stat().st_mtime == 0, "read from the store, not computed again"
    assert np.array_equal(again.probabilities, first.probabilities)
    assert np.array_equal(again.features, first.features)
