"""Normalized-cut eigensolve time for 1,024 and 4,096 patch tokens, against dense ``eigh``.

Run: ``python -m bench.ncut [--runs 7]``; writes ``bench/results/ncut.json``.

The graphs are the ones the segmenter builds (``knn_affinity``, k = 10, threshold 0) on real
patch features: a 256 x 256 px crop of the New Brunswick 0.5 m clip (lake, forest, houses) cut
into 8 px patches (32 x 32 = 1,024 tokens, a 512 px tile with 16 px ViT patches) and 4 px
patches (64 x 64 = 4,096 tokens, a 512 px tile with 8 px patches); each patch's feature is the
mean and standard deviation of its R, G, B, standardised.

Timed, median of ``--runs`` runs unless stated:

- ``seconds_1024`` / ``seconds_4096``: ``normalized_cut_embedding`` for k_max + 1 = 9 eigenpairs
  (ARPACK Lanczos on D^-1/2 W D^-1/2, the segmenter's solver); target <= 0.2 s at 1,024;
- ``dense_seconds_1024``: ``numpy.linalg.eigh`` of the dense normalized Laplacian (3 runs), the
  baseline (``ratio_to_dense_1024`` = seconds_1024 / dense_seconds_1024); not run at 4,096, where it
  takes about a minute on two cores;
- ``lobpcg_seconds_*``: ``torch.lobpcg`` on the same sparse matrix, the alternative considered
  (3 runs at 1,024, one at 4,096);
- ``affinity_seconds_*`` and ``segmentation_seconds_*``: graph building and the whole
  ``GraphCutSegmenter`` (graph, eigensolve, eigengap, k-means, regions), for context.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import rasterio
import scipy.sparse as sp
import torch

from bench._common import write_result
from config.connections import PROJECT_ROOT
from model.segmentation.affinity import knn_affinity
from model.segmentation.graph_cut import GraphCutSegmenter
from model.segmentation.ncut import normalized_cut_embedding

IMAGE = PROJECT_ROOT.parent / "shared/data/imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif"
CROP = 256
KNN = 10
NUM_VECTORS = 9
TARGET_SECONDS_1024 = 0.2
SLOW_RUNS = 3
"""Runs of the slow baselines (dense at 1,024, LOBPCG at 1,024; LOBPCG at 4,096 runs once)."""


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


def median_seconds(call: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


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


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--runs", type=int, default=7, help="timed runs per measurement")
    runs = arguments.parse_args().runs
    if not IMAGE.exists():
        raise SystemExit(f"sample image not found: {IMAGE}")
    seconds: dict[str, float] = {}
    segmenter = GraphCutSegmenter(knn=KNN, k_max=NUM_VECTORS - 1)
    for patch, tokens in ((8, 1024), (4, 4096)):
        features, grid = patch_features(IMAGE, patch)
        affinity = knn_affinity(features, k=KNN, threshold=0.0)
        normalized = normalized_affinity(affinity)
        seconds[f"seconds_{tokens}"] = median_seconds(
            partial(normalized_cut_embedding, affinity, num_vectors=NUM_VECTORS), runs
        )
        seconds[f"lobpcg_seconds_{tokens}"] = median_seconds(
            partial(lobpcg, normalized), SLOW_RUNS if tokens == 1024 else 1
        )
        seconds[f"affinity_seconds_{tokens}"] = median_seconds(
            partial(knn_affinity, features, k=KNN, threshold=0.0), runs
        )
        seconds[f"segmentation_seconds_{tokens}"] = median_seconds(
            partial(segmenter, features, grid), runs
        )
        if tokens == 1024:
            laplacian = np.eye(tokens) - normalized.toarray()
            seconds["dense_seconds_1024"] = median_seconds(
                partial(np.linalg.eigh, laplacian), SLOW_RUNS
            )
    ratio = seconds["seconds_1024"] / seconds["dense_seconds_1024"]
    write_result(
        "ncut",
        {
            **{name: round(value, 4) for name, value in seconds.items()},
            "ratio_to_dense_1024": round(ratio, 4),
            "target_seconds_1024": TARGET_SECONDS_1024,
            "runs": runs,
            "knn": KNN,
            "num_vectors": NUM_VECTORS,
            "torch_threads": torch.get_num_threads(),
        },
    )


if __name__ == "__main__":
    main()
