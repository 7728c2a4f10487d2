"""The kNN cosine affinity graph: symmetric, sparse, thresholded, never isolating a node."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model.segmentation.affinity import knn_affinity


def test_graph_is_symmetric_sparse_and_keeps_k_neighbours() -> None:
    torch.manual_seed(0)
    features = torch.randn(200, 16)
    affinity = knn_affinity(features, k=5, threshold=-1.0, chunk_size=64)
    dense = affinity.toarray()
    assert dense.shape == (200, 200)
    assert np.array_equal(dense, dense.T)
    assert np.all(np.diag(dense) == 0)
    out_degree = (dense > 0).sum(axis=1)
    # Each node keeps its 5 own neighbours and gains those that chose it.
    assert out_degree.min() >= 5
    assert (dense > 0).sum() < 200 * 200 / 10


def test_weights_are_the_cosine_similarities() -> None:
    features = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    dense = knn_affinity(features, k=2, threshold=-1.0).toarray()
    assert dense[0, 1] == pytest.approx(np.sqrt(0.5))
    assert dense[0, 2] == pytest.approx(1e-6)  # orthogonal: floored, not dropped


def test_threshold_drops_weak_edges_but_never_the_nearest_neighbour() -> None:
    # Two tight pairs pointing in opposite directions: similarity across pairs is about -1.
    features = torch.tensor([[1.0, 0.01], [1.0, -0.01], [-1.0, 0.01], [-1.0, -0.01]])
    dense = knn_affinity(features, k=3, threshold=0.5).toarray()
    assert dense[0, 1] > 0.99 and dense[2, 3] > 0.99
    assert dense[0, 2] == dense[0, 3] == dense[1, 2] == 0
    lonely = torch.tensor([[1.0, 0.0], [-1.0, 0.0]])
    assert knn_affinity(lonely, k=1, threshold=0.9).toarray()[0, 1] > 0


def test_too_small_graphs_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 nodes"):
        knn_affinity(torch.randn(1, 4), k=3, threshold=0.0)
