"""Training runs end to end, resume where they stopped, and their checkpoints round-trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from ingest.ontology import CLASS_IDS, PREDICATE_IDS
from model.backbone.dino import load_file
from model.checkpoint import load_checkpoint, save_checkpoint
from model.errors import CheckpointError, InvalidTrainingConfig, OntologyMismatch
from model.training.state import load_training_checkpoint
from model.training.trainer import new_network, train
from tests.model.training.configs import msgg_config


def _run(document: dict[str, Any], out: Path, resume: Path | None = None, epochs: int = 1) -> Any:
    config = msgg_config(document, {"train.epochs": epochs})
    return train(config, out=out, resume=resume)


def _weights(path: Path) -> dict[str, torch.Tensor]:
    return load_checkpoint(path).state_dict()


def test_a_run_writes_checkpoints_history_and_validation(
    tiny_config: dict[str, Any], tmp_path: Path
) -> None:
    result = _run(tiny_config, tmp_path / "run")
    assert result.last.is_file() and result.best.is_file()
    assert (tmp_path / "run" / "history.json").is_file()
    assert (tmp_path / "run" / "config.yaml").is_file()
    (record,) = result.history
    assert record["epoch"] == 1 and record["step"] == 2
    assert record["val"]["tiles"] == 1
    assert set(record["val"]) >= {"mean_iou", "sgdet_R@50", "phrdet_R@50", "proposal_recall"}
    with pytest.raises(InvalidTrainingConfig, match="already holds a run"):
        _run(tiny_config, tmp_path / "run")


def test_resume_continues_from_the_saved_step(tiny_config: dict[str, Any], tmp_path: Path) -> None:
    document = {**tiny_config, "evaluation": {"max_tiles": 0}}
    straight = _run(document, tmp_path / "straight", epochs=2)
    first = _run(document, tmp_path / "split", epochs=1)
    _, state = load_training_checkpoint(first.last)
    assert (state.step, state.epoch) == (2, 1) and state.optimizer is not None

    resumed = _run(document, tmp_path / "split", resume=first.last, epochs=2)
    assert [r["step"] for r in resumed.history] == [2, 4]
    assert resumed.history[0] == first.history[0]
    ours, reference = _weights(resumed.last), _weights(straight.last)
    assert ours.keys() == reference.keys()
    for key, value in ours.items():
        assert torch.allclose(value, reference[key], atol=1e-6), key


def test_checkpoints_round_trip_with_ontology_and_config(
    tiny_config: dict[str, Any], tmp_path: Path
) -> None:
    result = _run({**tiny_config, "evaluation": {"max_tiles": 0}}, tmp_path / "run")
    raw = load_file(result.best)
    assert raw["classes"] == list(CLASS_IDS) and raw["predicates"] == list(PREDICATE_IDS)
    assert raw["training"]["config"]["model"]["backbone"]["embed_dim"] == 32
    assert raw["training"]["optimizer"] is None  # best.pt is for use, last.pt for resuming

    network, state = load_training_checkpoint(result.last)
    for key, value in load_checkpoint(result.best).state_dict().items():
        assert torch.equal(value, network.state_dict()[key]), key
    assert state.config["data"]["dataset"] == tiny_config["data"]["dataset"]

    with pytest.raises(OntologyMismatch):
        load_checkpoint(result.last, classes=tuple(reversed(CLASS_IDS)))


def test_a_plain_model_checkpoint_cannot_be_resumed(
    tiny_config: dict[str, Any], tmp_path: Path
) -> None:
    plain = save_checkpoint(new_network(msgg_config(tiny_config)), tmp_path / "plain.pt")
    with pytest.raises(CheckpointError, match="holds no training state"):
        load_training_checkpoint(plain)
