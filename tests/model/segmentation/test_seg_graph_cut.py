"""The full unsupervised segmentation of a patch-feature grid."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model.segmentation.graph_cut import GraphCutSegmenter

torch.set_num_threads(1)


def test_two_textures_give_two_regions_with_the_right_border() -> None:
    torch.manual_seed(0)
    rows, cols = 12, 16
    left = torch.tensor([1.0, 0.0, 0.0, 0.0])
    right = torch.tensor([0.0, 1.0, 0.0, 0.0])
    field = torch.where(torch.arange(cols)[None, :, None] < 6, left, right).expand(rows, -1, -1)
    features = (field + 0.1 * torch.randn(rows, cols, 4)).reshape(-1, 4)
    segmentation = GraphCutSegmenter(knn=8, k_max=5)(features, (rows, cols))
    assert segmentation.regions.shape == (rows, cols)
    assert segmentation.num_regions == 2
    assert np.all(segmentation.regions[:, :6] == 0) and np.all(segmentation.regions[:, 6:] == 1)
    assert segmentation.eigenvalues.shape == (6,)


def test_outputs_are_deterministic_and_well_formed_on_noise() -> None:
    torch.manual_seed(1)
    features = torch.randn(8 * 8, 16)
    first = GraphCutSegmenter(min_patches=3)(features, (8, 8))
    second = GraphCutSegmenter(min_patches=3)(features, (8, 8))
    assert np.array_equal(first.regions, second.regions)
    ids, sizes = np.unique(first.regions, return_counts=True)
    assert ids.tolist() == list(range(first.num_regions))
    assert sizes.min() >= 3 or first.num_regions == 1


def test_a_single_patch_is_one_region_and_bad_grids_are_refused() -> None:
    assert GraphCutSegmenter()(torch.randn(1, 4), (1, 1)).num_regions == 1
    with pytest.raises(ValueError, match="do not fit"):
        GraphCutSegmenter()(torch.randn(10, 4), (3, 3))
