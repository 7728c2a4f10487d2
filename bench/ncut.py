"""Normalized-cut eigensolve time for 1,024 and 4,096 patch tokens, against a dense solve.

Run: ``python -m bench.ncut [--runs 7]``; writes ``bench/results/ncut.json``.

The graphs are the ones the segmenter builds (``knn_affinity``, k = 10, threshold 0) on real
patch features: a 256 x 256 px crop of the New Brunswick 0.5 m clip (lake, forest, houses) cut
into 8 px patches (32 x 32 = 1,024 tokens, a 512 px tile with 16 px ViT patches) and 4 px
patches (64 x 64 = 4,096 tokens, a 512 px tile with 8 px patches); each patch's feature is the
mean and standard deviation of its R, G, B, standardised.

Each figure is the median of ``--runs`` runs (``SLOW_RUNS`` for the baselines), with its
``_min`` and ``_max`` (``bench._common.Figure``):

- ``seconds_1024`` / ``seconds_4096``: ``normalized_cut_embedding`` for k_max + 1 = 9 eigenpairs
  (ARPACK Lanczos on D^-1/2 W D^-1/2, the segmenter's solver); target <= 0.2 s at 1,024;
- ``dense_seconds_*``: the baseline, a dense solve of the same 9 eigenpairs:
  ``scipy.linalg.eigh`` of the dense normalized Laplacian with ``subset_by_index`` (its 9
  smallest eigenvalues, i.e. the 9 largest of D^-1/2 W D^-1/2) (``ratio_to_dense_1024`` =
  seconds_1024 / dense_seconds_1024); ``dense_all_pairs_seconds_1024``: every one of the 1,024
  eigenpairs (``numpy.linalg.eigh``), what the first version of this benchmark compared with,
  for reference only (the method never needs them);
- ``lobpcg_seconds_*``: ``torch.lobpcg`` on the same sparse matrix, the alternative considered;
- ``affinity_seconds_*`` and ``segmentation_seconds_*``: graph building and the whole
  ``GraphCutSegmenter`` (graph, eigensolve, eigengap, k-means, regions), for context.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

import numpy as np
import rasterio
import scipy.linalg
import scipy.sparse as sp
import torch

from bench._common import MIN_RUNS, Figure, begin, flat, timed, write_result
from config.connections import PROJECT_ROOT
from model.segmentation.affinity import knn_affinity
from model.segmentation.graph_cut import GraphCutSegmenter
from model.segmentation.ncut import normalized_cut_embedding

IMAGE = PROJECT_ROOT.parent / "shared/data/imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif"
CROP = 256
KNN = 10
NUM_VECTORS = 9
TARGET_SECONDS_1024 = 0.2
SLOW_RUNS = MIN_RUNS
"""Runs of the slow baselines (dense and LOBPCG)."""


def patch_features(image: Path, patch: int) -> tuple[torch.Tensor, tuple[int, int]]:
    """Standardised colour mean and spread of the ``patch``-px patches of the crop: [N, 6]."""
    with rasterio.open(image) as dataset:
        rgb = dataset.read(window=((0, CROP), (70, 70 + CROP))).astype(np.float64) / 255
    grid = CROP // patch
    patches = rgb.reshape(3, grid, patch, grid, patch).transpose(1, 3, 0, 2, 4)
    patches = patches.reshape(grid * grid, 3, patch * patch)
    features = np.concatenate([patches.mean(-1), patches.std(-1)], axis=1)
    features = (features - features.mean(0)) / features.std(0)
    return torch.tensor(features, dtype=torch.float32), (grid, grid)


def normalized_affinity(affinity: sp.csr_array) -> sp.csr_array:
    scale = sp.diags_array(1.0 / np.sqrt(np.asarray(affinity.sum(axis=1)).ravel()))
    return (scale @ affinity @ scale).tocsr()


def lobpcg(normalized: sp.csr_array) -> None:
    coo = normalized.tocoo()
    index = torch.from_numpy(np.vstack([coo.row, coo.col]).astype(np.int64))
    matrix = torch.sparse_coo_tensor(
        index, torch.from_numpy(coo.data), size=coo.shape, check_invariants=True
    ).coalesce()
    start = torch.from_numpy(np.random.default_rng(0).normal(size=(coo.shape[0], NUM_VECTORS)))
    torch.lobpcg(matrix, k=NUM_VECTORS, X=start, largest=True, tol=1e-6, niter=500)


def dense_pairs(laplacian: np.ndarray) -> None:
    """The ``NUM_VECTORS`` smallest eigenpairs of the dense Laplacian: the method's answer."""
    scipy.linalg.eigh(laplacian, subset_by_index=[0, NUM_VECTORS - 1])


def main() -> None:
    begun = begin()
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--runs", type=int, default=7, help="timed runs per measurement")
    runs = arguments.parse_args().runs
    if not IMAGE.exists():
        raise SystemExit(f"sample image not found: {IMAGE}")
    figures: dict[str, Figure] = {}
    segmenter = GraphCutSegmenter(knn=KNN, k_max=NUM_VECTORS - 1)
    for patch, tokens in ((8, 1024), (4, 4096)):
        features, grid = patch_features(IMAGE, patch)
        affinity = knn_affinity(features, k=KNN, threshold=0.0)
        normalized = normalized_affinity(affinity)
        laplacian = np.eye(tokens) - normalized.toarray()
        figures[f"seconds_{tokens}"] = timed(
            runs, partial(normalized_cut_embedding, affinity, num_vectors=NUM_VECTORS)
        )
        figures[f"dense_seconds_{tokens}"] = timed(SLOW_RUNS, partial(dense_pairs, laplacian))
        figures[f"lobpcg_seconds_{tokens}"] = timed(SLOW_RUNS, partial(lobpcg, normalized))
        figures[f"affinity_seconds_{tokens}"] = timed(
            runs, partial(knn_affinity, features, k=KNN, threshold=0.0)
        )
        figures[f"segmentation_seconds_{tokens}"] = timed(runs, partial(segmenter, features, grid))
        if tokens == 1024:
            figures["dense_all_pairs_seconds_1024"] = timed(
                SLOW_RUNS, partial(np.linalg.eigh, laplacian)
            )
    ratio = figures["seconds_1024"].median / figures["dense_seconds_1024"].median
    write_result(
        "ncut",
        {
            **flat(figures),
            "ratio_to_dense_1024": round(ratio, 4),
            "target_seconds_1024": TARGET_SECONDS_1024,
            "runs": runs,
            "slow_runs": SLOW_RUNS,
            "baseline": f"scipy.linalg.eigh of the dense normalized Laplacian, the same "
            f"{NUM_VECTORS} eigenpairs (subset_by_index)",
            "knn": KNN,
            "num_vectors": NUM_VECTORS,
            "torch_threads": torch.get_num_threads(),
        },
        started=begun,
        stack=None,
    )


if __name__ == "__main__":
    main()
