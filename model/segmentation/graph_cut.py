"""GSS-AI graph segmentation of one image's patch features (stage 2 of MSGG-AI).

patch features [N, D] (N = h * w)
  -> kNN cosine affinity W [N, N] (``affinity``)
  -> m = k_max + 1 smallest eigenpairs of (D - W) y = lambda D y (``ncut``)
  -> k = eigengap count in [k_min, k_max]; k-means on the first k eigenvectors (``clustering``)
  -> clusters [h, w] -> connected regions [h, w], ids 0..S-1 (``regions``).

It has no learned parameters: the segmentation is unsupervised, the labels come later from the
classification head. Deterministic for a given ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from torch import Tensor

from model.segmentation.affinity import knn_affinity
from model.segmentation.clustering import eigengap_count, spectral_clusters
from model.segmentation.ncut import normalized_cut_embedding
from model.segmentation.regions import connected_regions


@dataclass(frozen=True, slots=True)
class PatchSegmentation:
    """Regions of one image on its patch grid.

    ``regions`` [h, w] int64 region ids 0..S-1; ``clusters`` [h, w] the k-means clusters they
    came from (a cluster may span several regions); ``eigenvalues`` [m] of the normalized cut.
    """

    regions: np.ndarray
    clusters: np.ndarray
    eigenvalues: np.ndarray

    @property
    def num_regions(self) -> int:
        return int(self.regions.max()) + 1


class GraphCutSegmenter:
    """Unsupervised normalized-cut segmentation of a patch-feature grid.

    ``knn`` neighbours per patch with cosine similarity >= ``threshold``; between ``k_min`` and
    ``k_max`` clusters by the eigengap; regions under ``min_patches`` patches are folded into a
    neighbour; ``seed`` fixes the eigensolver start and k-means.

    ``min_patches`` defaults to 2 (only single-patch specks are folded): with 16 px patches at
    0.5 m a patch is 8 m across, so a house may be one or two patches, and noise regions are
    left to the classifier's background class rather than to a size rule.
    """

    def __init__(
        self,
        *,
        knn: int = 10,
        threshold: float = 0.0,
        k_min: int = 2,
        k_max: int = 8,
        min_patches: int = 2,
        seed: int = 0,
    ) -> None:
        if not 1 <= k_min <= k_max:
            raise ValueError(f"need 1 <= k_min <= k_max, got {k_min}, {k_max}")
        self.knn = knn
        self.threshold = threshold
        self.k_min = k_min
        self.k_max = k_max
        self.min_patches = min_patches
        self.seed = seed

    def kwargs(self) -> dict[str, Any]:
        """The constructor arguments, for a checkpoint."""
        return {
            "knn": self.knn,
            "threshold": self.threshold,
            "k_min": self.k_min,
            "k_max": self.k_max,
            "min_patches": self.min_patches,
            "seed": self.seed,
        }

    def __call__(self, features: Tensor, grid: tuple[int, int]) -> PatchSegmentation:
        """Segment ``features`` [h * w, D] (row-major over ``grid`` = (h, w))."""
        rows, cols = grid
        if features.ndim != 2 or features.shape[0] != rows * cols:
            raise ValueError(
                f"features {tuple(features.shape)} do not fit a {rows} x {cols} patch grid"
            )
        if rows * cols < 2:
            single = np.zeros(grid, dtype=np.int64)
            return PatchSegmentation(regions=single, clusters=single, eigenvalues=np.zeros(1))
        affinity = knn_affinity(features, k=self.knn, threshold=self.threshold)
        embedding = normalized_cut_embedding(affinity, num_vectors=self.k_max + 1, seed=self.seed)
        k = eigengap_count(embedding.eigenvalues, k_min=self.k_min, k_max=self.k_max)
        clusters = spectral_clusters(embedding.vectors, k, seed=self.seed).reshape(grid)
        regions = connected_regions(clusters, min_patches=self.min_patches)
        return PatchSegmentation(
            regions=regions, clusters=clusters, eigenvalues=embedding.eigenvalues
        )
