"""Scoring predictors over dataset tiles; the labels scored as predictions must be perfect."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from model.datasets.manifest import Manifest, TileEntry
from model.datasets.predictors import GroundTruthPredictor, load_predictor
from model.datasets.scoring import evaluate_dataset
from model.datasets.tilefiles import read_labels
from model.errors import InvalidDataset, PredictorUnavailable

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")

Dataset = tuple[Path, Manifest]


def _check_perfect(root: Path, tiles: Sequence[TileEntry], report: dict[str, Any]) -> None:
    """Objects at IoU 1, every ground-truth pair recalled, and the triplets ranked as given.

    The ground-truth predictor gives every triplet score 1, so the no-graph-constraint ranking
    keeps the file's order and exactly the first 100 of a tile's n triplets are recalled at
    K = 100 when matched by index: ngR@100 = mean over tiles of min(n, 100) / n. SGDet and
    PhrDet match by IoU and labels, where an overlapping twin may recall more, never less.
    """
    shares = []
    for tile in tiles:
        labels = read_labels(root, tile)
        assert len({(t.subject, t.object) for t in labels.triplets}) <= 1000  # STAR's cut
        if labels.triplets:
            shares.append(min(len(labels.triplets), 100) / len(labels.triplets))
    expected = sum(shares) / len(shares)
    overall = report["overall"]
    assert overall["images"] == len(tiles)
    assert overall["proposal_recall"] == 1.0
    assert all(
        scores["iou"] == 1.0 and scores["recall"] == 1.0 and scores["precision"] == 1.0
        for scores in overall["objects"].values()
    )
    for task in ("predcls", "sgcls", "sgdet"):
        assert overall["star"][task]["MR@1000"] == 1.0
    for task in ("predcls", "sgcls"):
        assert overall[task]["ngR@100"] == pytest.approx(expected)
    for task in ("sgdet", "phrdet"):
        assert overall[task]["ngR@100"] >= expected - 1e-9


def test_ground_truth_scores_perfectly_on_new_brunswick(nb_dataset: Dataset) -> None:
    root, manifest = nb_dataset
    report = evaluate_dataset(root, GroundTruthPredictor(), splits=("train",))
    _check_perfect(root, manifest.tiles, report)
    assert set(report["per_scale"]) == {"2000", "10000"}


def test_ground_truth_scores_perfectly_on_dubai(dubai_dataset: Dataset) -> None:
    root, manifest = dubai_dataset
    report = evaluate_dataset(root, GroundTruthPredictor(), splits=("val",))
    _check_perfect(root, manifest.tiles_in(("val",)), report)


def test_ground_truth_on_synthetic_with_zero_shot_recall(synthetic: Dataset) -> None:
    root, manifest = synthetic
    report = evaluate_dataset(root, GroundTruthPredictor(), splits=("val",))
    _check_perfect(root, manifest.tiles_in(("val",)), report)
    # val's only triplet, road adjacent_to water_body, has a class triplet train lacks.
    train = read_labels(root, manifest.tiles[0])
    classes = {o.id: o.class_id for o in train.objects}
    seen = {(classes[t.subject], t.predicate, classes[t.object]) for t in train.triplets}
    assert ("road", "adjacent_to", "water_body") not in seen
    assert report["overall"]["predcls"]["zR@20"] == 1.0


def test_splits_must_hold_tiles(synthetic: Dataset) -> None:
    root, _ = synthetic
    with pytest.raises(InvalidDataset, match="no tile in split"):
        evaluate_dataset(root, GroundTruthPredictor(), splits=("test",))
    with pytest.raises(InvalidDataset, match="unknown split"):
        evaluate_dataset(root, GroundTruthPredictor(), splits=("holdout",))


def test_missing_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(PredictorUnavailable, match="no checkpoint file"):
        load_predictor(tmp_path / "model.pt")


def test_untrained_network_is_scored_on_sgdet(synthetic: Dataset, tmp_path: Path) -> None:
    from model.checkpoint import default_network, save_checkpoint

    root, _ = synthetic
    checkpoint = save_checkpoint(default_network(), tmp_path / "untrained.pt")
    report = evaluate_dataset(
        root, load_predictor(checkpoint, device="cpu"), splits=("train", "val")
    )
    overall = report["overall"]
    assert overall["images"] == 2
    assert overall["sgdet"] is not None and overall["phrdet"] is not None
    assert overall["predcls"] is None and overall["sgcls"] is None  # it proposes its own regions
