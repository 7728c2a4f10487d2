"""Training the dense head end to end on a tiny real dataset: cache, epochs, resume, refinement
choice, and a checkpoint that ``load_tile_model`` answers tiles with.

Mechanics only (a head on colour statistics of two Dubai pairs); MODEL_CARD.md says how good
the shipped model is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from model.backbone.dino import load_file
from model.dense.checkpoint import FORMAT, load_dense
from model.dense.segmenter import DenseSegmenter
from model.dense.trainer import train_dense
from model.errors import CheckpointError, InvalidTrainingConfig
from model.inference import load_tile_model
from model.training.config import parse_config
from tests.model.training.configs import dense_config


def _config(tiny_dataset: Path, cache: Path, **train: Any) -> dict[str, Any]:
    torch.set_num_threads(1)
    return {
        "kind": "dense",
        "seed": 0,
        "features": {"extractors": ["colour"], "cache": str(cache)},
        "sources": [{"dataset": str(tiny_dataset)}],
        "gsd_m": [1.0],
        "head": {"hidden": 16},
        "train": {"epochs": 4, "batch_size": 4, "lr": 5e-3, "threads": 1, **train},
        "refine": {"radius": [0, 4], "eps": [1e-2]},
    }


def test_a_dense_run_trains_resumes_and_answers_tiles(tiny_dataset: Path, tmp_path: Path) -> None:
    cache, run = tmp_path / "cache", tmp_path / "run"
    config = dense_config(_config(tiny_dataset, cache, epochs=2))
    first = train_dense(config, out=run)
    assert [h["epoch"] for h in first.history] == [1, 2]
    assert len(list((cache / "colour").glob("*.pt"))) == len(list((cache / "labels").glob("*.pt")))
    cached_files = {p: p.stat().st_mtime_ns for p in (cache / "colour").glob("*.pt")}

    longer = dense_config(_config(tiny_dataset, cache, epochs=4))
    resumed = train_dense(longer, out=run, resume=run / "last.pt")
    assert [h["epoch"] for h in resumed.history] == [1, 2, 3, 4]
    assert {p: p.stat().st_mtime_ns for p in cached_files} == cached_files  # cache reused
    losses = [h["loss"] for h in resumed.history]
    assert losses[-1] < losses[0]
    assert json.loads((run / "history.json").read_text())[-1]["epoch"] == 4

    raw = load_file(run / "best.pt")
    assert raw["format"] == FORMAT and raw["extractors"] == ["colour"] and raw["backbones"] == {}
    assert raw["refine"]["radius"] in (0, 4)
    assert len(raw["training"]["refinement_trials"]) == 2
    assert raw["training"]["val"]["miou"] > 0

    model = load_tile_model(run / "best.pt", device="cpu")
    assert isinstance(model, DenseSegmenter)
    rng = np.random.default_rng(0)
    tiles = [rng.integers(0, 255, (3, 60, 75), dtype=np.uint8) for _ in range(2)]
    valid = np.ones((60, 75), dtype=bool)
    valid[:, 70:] = False
    first_tile, second_tile = model.predict(tiles, [valid, None])
    for prediction in (first_tile, second_tile):
        for mask in prediction.masks:
            assert mask.mask.shape == (60, 75) and 0 <= mask.score <= 1
    assert not any(m.mask[:, 70:].any() for m in first_tile.masks)


def test_a_dense_checkpoint_naming_other_backbone_weights_is_refused(
    tiny_dataset: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    train_dense(dense_config(_config(tiny_dataset, tmp_path / "cache", epochs=1)), out=run)
    raw = load_file(run / "best.pt")
    raw["backbones"] = {"dinov2-vits14-imgfocus-0.1.1": {"sha256": "0" * 64, "tensor_sha256": "1"}}
    torch.save(raw, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="other checksums"):
        load_dense(tmp_path / "other.pt")
    raw["backbones"] = {"vit-huge-from-elsewhere": {}}
    torch.save(raw, tmp_path / "unknown.pt")
    with pytest.raises(CheckpointError, match="does not know"):
        load_dense(tmp_path / "unknown.pt")


def test_a_dense_config_with_typos_lists_every_problem(tiny_dataset: Path) -> None:
    document = _config(tiny_dataset, Path("cache"))
    document["features"]["extractors"] = ["dino", "sift"]
    document["train"]["epoks"] = 3
    document["sources"].append({"dataset": "a", "georeferenced": "b"})
    with pytest.raises(InvalidTrainingConfig) as error:
        parse_config(document)
    message = str(error.value)
    assert "features.extractors" in message and "train.epoks" in message
    assert "exactly one of dataset and georeferenced" in message


def test_an_end_to_end_fine_tune_trains_the_last_block_privately_and_loads(
    tiny_dataset: Path, tmp_path: Path
) -> None:
    from model.backbone.cache import tensor_digest
    from model.backbone.pretrained import DINOV2_VITS14, load_backbone
    from model.dense.finetune import finetune_dense

    document = _config(tiny_dataset, tmp_path / "cache", epochs=1)
    document["features"]["extractors"] = ["dino", "colour"]
    document["gsd_m"] = []
    document["augment"] = {"photometric": []}
    head_run = train_dense(dense_config(document), out=tmp_path / "head")

    document["finetune"] = {"init": str(head_run.best), "blocks": 1, "backbone_lr": 1e-3}
    document["train"].update(device="cpu", lr=1e-3)
    tuned_run = finetune_dense(dense_config(document), out=tmp_path / "tuned")

    raw = load_file(tuned_run.best)
    tuned = raw["tuned"]["dino"]
    assert tuned and all(k.startswith(("blocks.11.", "norm.")) for k in tuned)
    pinned = load_backbone(DINOV2_VITS14.name).state_dict()
    assert any(not torch.equal(tensor, pinned[name]) for name, tensor in tuned.items())
    # the per-process backbone every other model shares was not touched
    assert tensor_digest(pinned) == DINOV2_VITS14.tensor_sha256

    model = load_tile_model(tuned_run.best, device="cpu")
    assert isinstance(model, DenseSegmenter)
    vit = model.features.dino().vit
    assert vit is not load_backbone(DINOV2_VITS14.name)
    assert torch.equal(
        vit.state_dict()["blocks.11.mlp.fc2.weight"], tuned["blocks.11.mlp.fc2.weight"]
    )
    (answer,) = model.predict([np.full((3, 56, 70), 120, dtype=np.uint8)])
    assert all(mask.mask.shape == (56, 70) for mask in answer.masks)


def test_a_fine_tune_without_a_starting_checkpoint_is_refused(tiny_dataset: Path) -> None:
    document = _config(tiny_dataset, Path("cache"))
    document["finetune"] = {"blocks": 2}
    with pytest.raises(InvalidTrainingConfig, match="finetune: .*init"):
        parse_config(document)
