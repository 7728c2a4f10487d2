"""Eigengap choice of k and k-means on the spectral embedding."""

from __future__ import annotations

import numpy as np
import pytest

from model.segmentation.clustering import eigengap_count, kmeans, spectral_clusters


def test_eigengap_picks_the_count_before_the_jump() -> None:
    values = np.array([0.0, 0.01, 0.02, 0.5, 0.55, 0.6])
    assert eigengap_count(values, k_min=2, k_max=5) == 3
    assert eigengap_count(values, k_min=4, k_max=5) == 4  # the jump at 3 is outside the range
    assert eigengap_count(values, k_min=2, k_max=2) == 2


def test_eigengap_caps_k_by_the_eigenvalues_available() -> None:
    assert eigengap_count(np.array([0.0, 0.0, 0.9]), k_min=1, k_max=8) == 2
    with pytest.raises(ValueError, match="k_min"):
        eigengap_count(np.zeros(4), k_min=3, k_max=2)


def test_kmeans_finds_separated_blobs_with_canonical_labels() -> None:
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    truth = np.repeat([2, 0, 1], 30)
    points = centres[truth] + rng.normal(scale=0.5, size=(90, 2))
    labels = kmeans(points, 3, seed=1)
    assert np.array_equal(labels, np.repeat([0, 1, 2], 30))


def test_spectral_clusters_use_row_normalised_leading_vectors() -> None:
    # Rows in two directions with very different lengths: normalising makes them two clusters.
    vectors = np.array([[1.0, 0.0, 5.0], [9.0, 0.2, -3.0], [0.0, 1.0, 5.0], [0.1, 7.0, 2.0]])
    assert spectral_clusters(vectors, 2).tolist() == [0, 0, 1, 1]
