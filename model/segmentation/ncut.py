"""Normalized-cut spectral embedding: the smallest eigenpairs of (D - W) y = lambda D y.

Shi and Malik's relaxation of the normalized cut of a graph with affinity W [N, N] and degrees
D = diag(W 1) leads to the generalised eigenproblem (D - W) y = lambda D y; its eigenvectors
with the smallest eigenvalues are the relaxed cut indicators (lambda_1 = 0 with a constant y;
y_2 is the two-way cut; y_1..y_k embed the nodes for a k-way cut).

With u = D^(1/2) y it becomes the symmetric problem L_sym u = lambda u of the normalized
Laplacian L_sym = I - A, A = D^(-1/2) W D^(-1/2). The smallest eigenvalues of L_sym are the
largest of A (mu = 1 - lambda), and those are what is solved: ``scipy.sparse.linalg.eigsh`` on
the sparse A with ``which="LA"``. Why this solver (``bench/ncut.py``, 2 CPU cores shared with
other jobs, kNN graphs of real patch features with 1,024 and 4,096 nodes, 9 eigenpairs;
medians, wide ranges because of the shared machine):

- Lanczos (ARPACK) converges fastest at the *extreme* end of a spectrum, and the wanted
  eigenvalues are the largest of A, so ``which="LA"`` on A needs neither shift-invert nor a
  factorisation: 0.013-0.03 s at 1,024 nodes, 0.16-0.2 s at 4,096;
- ARPACK asked for the smallest of L_sym (``which="SA"``) needed several times more
  iterations in a prototype (0.15-0.2 s at either size), and shift-invert pays a sparse LU
  (0.5 s at 4,096);
- ``torch.lobpcg`` on the CPU took 2-3 s at 1,024 and 20-33 s at 4,096 (tol 1e-6, random
  start block; each iteration is a sparse product in torch's CPU sparse kernels plus a dense
  Rayleigh-Ritz solve; not tuned further), two orders of magnitude behind;
- dense ``numpy.linalg.eigh`` is O(N^3): 0.2 s (idle machine) to several seconds (loaded) at
  1,024, about a minute at 4,096.

Graphs of at most ``DENSE_MAX_NODES`` nodes use dense ``eigh`` (exact, and ARPACK needs
k < N anyway).

Shapes: W [N, N] sparse; result eigenvalues [m] ascending, ``vectors`` u [N, m] orthonormal;
``generalized_vectors`` y = D^(-1/2) u [N, m] solve the generalised problem.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import eigsh

DENSE_MAX_NODES = 64


@dataclass(frozen=True, slots=True)
class SpectralEmbedding:
    """The ``m`` smallest eigenpairs of the normalized cut problem of one graph."""

    eigenvalues: np.ndarray
    vectors: np.ndarray
    degrees: np.ndarray

    @property
    def generalized_vectors(self) -> np.ndarray:
        """y = D^(-1/2) u [N, m]: the solutions of (D - W) y = lambda D y."""
        return self.vectors / np.sqrt(self.degrees)[:, None]


def normalized_cut_embedding(
    affinity: sp.csr_array, *, num_vectors: int, tol: float = 1e-6, seed: int = 0
) -> SpectralEmbedding:
    """The ``num_vectors`` smallest eigenpairs of (D - W) y = lambda D y for W = ``affinity``.

    W must be symmetric with non-negative weights and no isolated node (``knn_affinity``
    guarantees both). ``num_vectors`` is capped at N. ``seed`` fixes ARPACK's start vector, so
    the result is deterministic.
    """
    n = affinity.shape[0]
    degrees = np.asarray(affinity.sum(axis=1)).ravel()
    if np.any(degrees <= 0):
        raise ValueError("the affinity graph has isolated nodes; every node needs an edge")
    scale = sp.diags_array(1.0 / np.sqrt(degrees))
    normalized = (scale @ affinity @ scale).tocsr()
    m = min(num_vectors, n)
    if n <= DENSE_MAX_NODES or m >= n - 1:
        mu, vectors = np.linalg.eigh(normalized.toarray())
        mu, vectors = mu[::-1][:m], vectors[:, ::-1][:, :m]
    else:
        start = np.random.default_rng(seed).uniform(0.5, 1.5, size=n)
        mu, vectors = eigsh(normalized, k=m, which="LA", v0=start, tol=tol)
        order = np.argsort(-mu)
        mu, vectors = mu[order], vectors[:, order]
    eigenvalues = np.clip(1.0 - mu, 0.0, 2.0)
    return SpectralEmbedding(
        eigenvalues=eigenvalues, vectors=np.ascontiguousarray(vectors), degrees=degrees
    )
