"""Clustering the spectral embedding: k by the eigengap, then k-means on the first k vectors.

**Eigengap.** With eigenvalues 0 = lambda_1 <= lambda_2 <= ... of the normalized cut problem, a
graph with k well-separated groups has k eigenvalues near 0 and then a jump; k is the
k in [k_min, k_max] maximising lambda_(k+1) - lambda_k (needs k_max + 1 eigenvalues).

**Clustering** (Ng, Jordan and Weiss): the rows of U_k [N, k] (the first k eigenvectors u of
L_sym) are normalised to unit length, which puts the members of one group near one point of
the sphere whatever their degree, and are clustered by k-means (k-means++ seeding, Lloyd
iterations, the best of ``restarts`` runs by inertia). Labels are [N] ints numbered 0, 1, ...
by first appearance in node order (so the result is canonical); a cluster that ends empty
leaves no gap in the numbering.
"""

from __future__ import annotations

import numpy as np


def eigengap_count(eigenvalues: np.ndarray, *, k_min: int, k_max: int) -> int:
    """The k in [k_min, k_max] with the largest gap lambda_(k+1) - lambda_k (1-based lambda)."""
    if not 1 <= k_min <= k_max:
        raise ValueError(f"need 1 <= k_min <= k_max, got {k_min}, {k_max}")
    k_max = min(k_max, len(eigenvalues) - 1)
    if k_max < k_min:
        return max(1, min(k_min, len(eigenvalues)))
    gaps = np.diff(eigenvalues)[k_min - 1 : k_max]
    return k_min + int(np.argmax(gaps))


def _plus_plus_centres(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [points[rng.integers(len(points))]]
    distance = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = distance.sum()
        index = (
            rng.integers(len(points)) if total <= 0 else rng.choice(len(points), p=distance / total)
        )
        centres.append(points[index])
        distance = np.minimum(distance, ((points - points[index]) ** 2).sum(axis=1))
    return np.stack(centres)


def _lloyd(points: np.ndarray, centres: np.ndarray, iterations: int) -> tuple[np.ndarray, float]:
    labels = np.zeros(len(points), dtype=np.int64)
    for step in range(iterations):
        distances = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new_labels = distances.argmin(axis=1)
        if step > 0 and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for c in range(len(centres)):
            members = points[labels == c]
            if len(members):
                centres[c] = members.mean(axis=0)
    inertia = float(((points - centres[labels]) ** 2).sum())
    return labels, inertia


def _canonical(labels: np.ndarray) -> np.ndarray:
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return rank[inverse].astype(np.int64)


def kmeans(
    points: np.ndarray, k: int, *, seed: int = 0, restarts: int = 4, iterations: int = 50
) -> np.ndarray:
    """k-means labels [N] of ``points`` [N, m] (see the module docstring)."""
    if restarts < 1 or k < 1:
        raise ValueError(f"need k >= 1 and restarts >= 1, got k={k}, restarts={restarts}")
    k = min(k, len(points))
    rng = np.random.default_rng(seed)
    runs = [_lloyd(points, _plus_plus_centres(points, k, rng), iterations) for _ in range(restarts)]
    labels, _ = min(runs, key=lambda run: run[1])
    return _canonical(labels)


def spectral_clusters(vectors: np.ndarray, k: int, *, seed: int = 0) -> np.ndarray:
    """Cluster labels [N] from the first ``k`` columns of ``vectors`` [N, m] (NJW)."""
    rows = vectors[:, :k]
    rows = rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    return kmeans(rows, k, seed=seed)
