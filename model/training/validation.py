"""Scoring the network being trained on (part of) a split, with the project's evaluator.

The network is wrapped exactly as for deployment (``model.inference.Segmenter`` behind
``model.datasets.predictors.SegmenterPredictor``), so validation numbers are the numbers
``orthograph evaluate --model`` reports for the saved checkpoint. Running the normalized cut
on whole tiles is the slow part of an epoch on a CPU, so at most ``max_tiles`` tiles, evenly
spread over the split, are scored after each epoch; the final report of a shipped model
scores the whole held-out split (``model.datasets.scoring.evaluate_dataset``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from model.datasets.manifest import TileEntry
from model.datasets.predictors import SegmenterPredictor
from model.datasets.scoring import dataset_samples
from model.evaluation import evaluate
from model.inference import Segmenter
from model.network import MSGGNet


def spread(tiles: Sequence[TileEntry], count: int) -> list[TileEntry]:
    """``count`` tiles evenly spaced over ``tiles`` (all when there are fewer)."""
    if count >= len(tiles):
        return list(tiles)
    return [tiles[int(i)] for i in np.linspace(0, len(tiles) - 1, count).round()]


def validate(
    network: MSGGNet,
    root: Path,
    tiles: Sequence[TileEntry],
    *,
    known_triplets: set[tuple[str, str, str]] | None,
    device: torch.device,
    batch: int,
) -> dict[str, Any]:
    """The evaluator's report (docs/evaluation.md) of ``network`` on ``tiles``;
    ``known_triplets`` are the training split's (for zero-shot recall). The network is left in
    training mode afterwards."""
    predictor = SegmenterPredictor(Segmenter(network, device=device, batch_size=batch))
    try:
        return evaluate(
            dataset_samples(root, tiles, predictor, batch), train_triplets=known_triplets
        )
    finally:
        network.train()


def headline(report: dict[str, Any]) -> dict[str, float | None]:
    """The numbers a run prints per epoch: mean object IoU over the classes present, SGDet and
    PhrDet R@50, proposal recall (None where the evaluator gives none)."""
    block = report["overall"]
    ious = [v["iou"] for v in (block.get("objects") or {}).values() if v["iou"] is not None]
    sgdet, phrdet = block.get("sgdet"), block.get("phrdet")
    return {
        "mean_iou": sum(ious) / len(ious) if ious else None,
        "sgdet_R@50": sgdet["R@50"] if sgdet else None,
        "phrdet_R@50": phrdet["R@50"] if phrdet else None,
        "proposal_recall": block.get("proposal_recall"),
    }
