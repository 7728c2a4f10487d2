"""Training samples: rescaling to coarser GSDs, photometric copies, cutting into tiles."""

from __future__ import annotations

import numpy as np
import pytest

from model.dense.labelsets import UNKNOWN, bit
from model.dense.samples import Sample, photometric, rescaled, tiles_of


def _sample(rows: int = 40, cols: int = 60) -> Sample:
    rng = np.random.default_rng(3)
    allowed = np.full((rows, cols), bit("bare_ground"), dtype=np.uint8)
    allowed[10:30, 20:40] = bit("building")
    allowed[0, :] = UNKNOWN
    return Sample(
        id="dubai/tile-2-x",
        source="dubai",
        area="tile-2",
        split="train",
        gsd_m=0.5,
        rgb=rng.integers(0, 256, (3, rows, cols), dtype=np.uint8),
        allowed=allowed,
    )


def test_rescaling_to_a_coarser_gsd_shrinks_image_and_labels_together() -> None:
    coarse = rescaled(_sample(), 1.0)
    assert coarse.gsd_m == 1.0 and coarse.id.endswith("~1m")
    assert coarse.rgb.shape == (3, 20, 30) and coarse.allowed.shape == (20, 30)
    assert (coarse.allowed[5:15, 10:20] == bit("building")).all()
    assert set(np.unique(coarse.allowed)) <= {UNKNOWN, bit("building"), bit("bare_ground")}
    assert rescaled(_sample(), 0.25) is not None and rescaled(_sample(), 0.25).gsd_m == 0.5


def test_photometric_copies_keep_labels_and_change_pixels() -> None:
    sample = _sample()
    grey = photometric(sample, "grey")
    assert (grey.rgb[0] == grey.rgb[1]).all() and (grey.rgb[1] == grey.rgb[2]).all()
    jittered = photometric(sample, "jitter")
    assert jittered.id != grey.id != sample.id
    assert not np.array_equal(jittered.rgb, sample.rgb)
    for copy in (grey, jittered):
        assert copy.rgb.dtype == np.uint8 and copy.rgb.shape == sample.rgb.shape
        assert copy.allowed is sample.allowed
    assert np.array_equal(photometric(sample, "jitter").rgb, jittered.rgb)  # deterministic
    with pytest.raises(ValueError, match="unknown photometric kind"):
        photometric(sample, "sepia")


def test_tiles_cover_the_sample_and_skip_unlabelled_ones() -> None:
    sample = _sample(rows=50, cols=70)
    sample.allowed[:, 64:] = UNKNOWN
    tiles = list(tiles_of(sample, 32))
    assert [t.allowed.shape for t in tiles] == [(32, 32), (32, 32), (18, 32), (18, 32)]
    assert all(t.allowed.any() for t in tiles)
    assert len({t.id for t in tiles}) == len(tiles)
