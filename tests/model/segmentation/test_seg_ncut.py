"""The normalized-cut eigenproblem, and a cut that finds the lake on a real aerial image."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch

from model.segmentation.affinity import knn_affinity
from model.segmentation.clustering import spectral_clusters
from model.segmentation.ncut import DENSE_MAX_NODES, normalized_cut_embedding

torch.set_num_threads(1)


def two_blobs(n: int, seed: int = 0) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    centres = np.repeat(np.eye(8)[:2] * 6, n // 2, axis=0)
    return knn_affinity(torch.tensor(centres + rng.normal(size=(n, 8))), k=8, threshold=0.0)


def test_vectors_solve_the_generalised_problem() -> None:
    affinity = two_blobs(300)
    assert affinity.shape[0] > DENSE_MAX_NODES  # the sparse (ARPACK) path
    embedding = normalized_cut_embedding(affinity, num_vectors=5)
    degree = sp.diags_array(embedding.degrees)
    laplacian = degree - affinity
    for value, y in zip(embedding.eigenvalues, embedding.generalized_vectors.T, strict=True):
        residual = laplacian @ y - value * (degree @ y)
        assert np.linalg.norm(residual) < 1e-4 * np.linalg.norm(degree @ y)
    assert np.all(np.diff(embedding.eigenvalues) >= -1e-9)
    assert embedding.eigenvalues[0] < 1e-8


def test_sparse_solver_agrees_with_dense_eigh() -> None:
    affinity = two_blobs(200, seed=3)
    embedding = normalized_cut_embedding(affinity, num_vectors=4)
    degrees = np.asarray(affinity.sum(axis=1)).ravel()
    scale = np.diag(1 / np.sqrt(degrees))
    dense = np.linalg.eigvalsh(np.eye(200) - scale @ affinity.toarray() @ scale)
    assert np.allclose(embedding.eigenvalues, dense[:4], atol=1e-6)


def test_fiedler_vector_splits_two_blobs() -> None:
    embedding = normalized_cut_embedding(two_blobs(100), num_vectors=3)
    side = embedding.generalized_vectors[:, 1] > 0
    assert np.all(side[:50] == side[0]) and np.all(side[50:] != side[0])


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Agreement of two boolean labellings beyond what their proportions give by chance."""
    observed = float(np.mean(a == b))
    chance = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return (observed - chance) / (1 - chance)


def test_cut_of_real_image_separates_water_from_land(
    new_brunswick: tuple[np.ndarray, np.ndarray],
) -> None:
    """A 256 px crop of the New Brunswick clip: a lake (45 %) beside forest, lawns and houses.

    Patch features are 8 x 8 px colour statistics (mean and standard deviation of R, G, B,
    standardised): water is dark and smooth, land brighter and textured. The two-way cut must
    agree with the labelled water polygons far better than chance.
    """
    rgb, water = new_brunswick
    crop = rgb[:, :256, 70:326].astype(np.float64) / 255
    lake = water[:256, 70:326]
    patch, grid = 8, 32
    patches = crop.reshape(3, grid, patch, grid, patch).transpose(1, 3, 0, 2, 4)
    patches = patches.reshape(grid * grid, 3, patch * patch)
    features = np.concatenate([patches.mean(-1), patches.std(-1)], axis=1)
    features = (features - features.mean(0)) / features.std(0)
    truth = lake.reshape(grid, patch, grid, patch).mean(axis=(1, 3)).ravel() > 0.5
    assert 0.3 < truth.mean() < 0.6

    affinity = knn_affinity(torch.tensor(features), k=10, threshold=0.0)
    embedding = normalized_cut_embedding(affinity, num_vectors=3)
    cut = spectral_clusters(embedding.vectors, 2).astype(bool)
    cut = cut if np.mean(cut == truth) >= 0.5 else ~cut

    accuracy = float(np.mean(cut == truth))
    kappa = cohen_kappa(cut, truth)
    assert accuracy > 0.85, accuracy
    assert kappa > 0.7, kappa
