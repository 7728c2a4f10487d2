"""Connected regions of cluster grids and their upsampling to pixels."""

from __future__ import annotations

import numpy as np
import pytest

from model.segmentation.regions import connected_regions, regions_to_pixels


def grid(*rows: str) -> np.ndarray:
    return np.array([[int(c) for c in row] for row in rows])


def test_a_scattered_cluster_becomes_one_region_per_component() -> None:
    clusters = grid("0011", "0011", "1100", "1100")
    regions = connected_regions(clusters, min_patches=1)
    assert regions.tolist() == grid("0011", "0011", "2233", "2233").tolist()


def test_small_components_fold_into_the_neighbour_with_most_border() -> None:
    clusters = grid("00000", "00100", "00000", "22222")
    regions = connected_regions(clusters, min_patches=2)
    assert regions.tolist() == grid("00000", "00000", "00000", "11111").tolist()


def test_pixels_keep_patch_centres_and_crop_to_the_image() -> None:
    regions = grid("01", "22")
    pixels = regions_to_pixels(regions, patch_size=4, shape=(7, 6))
    assert pixels.shape == (7, 6)
    assert pixels[1, 1] == 0 and pixels[1, 5] == 1 and pixels[6, 1] == 2
    assert set(np.unique(pixels)) == {0, 1, 2}
    with pytest.raises(ValueError, match="cannot cover"):
        regions_to_pixels(regions, patch_size=4, shape=(9, 8))
