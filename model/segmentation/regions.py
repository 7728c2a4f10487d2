"""From cluster labels on the patch grid to connected regions, and from regions to pixels.

A cluster of the normalized cut may be scattered over the tile (all the roofs of a village);
an object proposal is one connected piece of it. ``connected_regions`` splits every cluster of
the [h, w] label grid into its 4-connected components, then folds components smaller than
``min_patches`` into the neighbouring region they share most border with (smallest first), so
single-patch noise does not become an object. Regions are numbered 0..S-1 in row-major order of
their first patch.

``regions_to_pixels`` upsamples an [h, w] region grid with patch side p to an [H, W] pixel label
map: the one-hot planes [S, h, w] are resampled bilinearly to [S, h p, w p] (patch centres keep
their region, borders run between patch centres instead of along the patch staircase), the arg
max over S labels each pixel, and the result is cropped to (H, W) <= (h p, w p).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

_FOUR_CONNECTED = ndimage.generate_binary_structure(2, 1)


def _components(clusters: np.ndarray) -> np.ndarray:
    regions = np.zeros(clusters.shape, dtype=np.int64)
    count = 0
    for cluster in np.unique(clusters):
        labelled, found = ndimage.label(clusters == cluster, structure=_FOUR_CONNECTED)
        regions[labelled > 0] = labelled[labelled > 0] + count
        count += found
    return regions - 1


def _fold_small(regions: np.ndarray, min_patches: int) -> np.ndarray:
    regions = regions.copy()
    while True:
        ids, sizes = np.unique(regions, return_counts=True)
        small = ids[sizes < min_patches]
        if len(ids) == 1 or not len(small):
            return regions
        region = small[np.argmin(sizes[sizes < min_patches])]
        inside = regions == region
        border = ndimage.binary_dilation(inside, structure=_FOUR_CONNECTED) & ~inside
        neighbours, shared = np.unique(regions[border], return_counts=True)
        regions[inside] = neighbours[np.argmax(shared)]


def _renumber(regions: np.ndarray) -> np.ndarray:
    _, first, inverse = np.unique(regions.ravel(), return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return rank[inverse].reshape(regions.shape).astype(np.int64)


def connected_regions(clusters: np.ndarray, *, min_patches: int) -> np.ndarray:
    """Region ids [h, w] (0..S-1) of the cluster label grid ``clusters`` [h, w]."""
    if clusters.ndim != 2:
        raise ValueError(f"cluster labels must be a 2-D grid, got shape {clusters.shape}")
    return _renumber(_fold_small(_components(clusters), max(1, min_patches)))


def regions_to_pixels(
    regions: np.ndarray, *, patch_size: int, shape: tuple[int, int]
) -> np.ndarray:
    """Pixel region ids [H, W] = ``shape`` of the region grid ``regions`` [h, w]."""
    rows, cols = regions.shape
    if shape[0] > rows * patch_size or shape[1] > cols * patch_size:
        raise ValueError(
            f"a {rows} x {cols} patch grid of {patch_size} px cannot cover "
            f"{shape[0]} x {shape[1]} px"
        )
    count = int(regions.max()) + 1
    planes = F.one_hot(torch.from_numpy(regions), count).permute(2, 0, 1)[None].float()
    smooth = F.interpolate(planes, scale_factor=patch_size, mode="bilinear", align_corners=False)
    return smooth[0, :, : shape[0], : shape[1]].argmax(dim=0).numpy()
