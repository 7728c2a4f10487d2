"""Training checkpoints: a network checkpoint (``model.checkpoint``) plus the run's state.

``save_checkpoint`` writes the network with its ontology and kwargs; this module adds one key,
``training``, to the same file:

    config      the validated training configuration (plain values)
    step        optimiser steps done
    epoch       epochs done
    history     one record per epoch: mean losses and validation headline numbers
    optimizer   the AdamW state (left out with ``resumable=False``: the shipped weights)

Inference ignores the extra key, so every training checkpoint is a model checkpoint too, and
the configuration that produced a model travels with it. Crops and sampled pairs derive from
``(seed, step)``, so no random-generator state is needed to resume exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from model.backbone.dino import load_file
from model.checkpoint import load_checkpoint, save_checkpoint
from model.errors import CheckpointError
from model.network import MSGGNet

_NO_STATE = (
    "checkpoint {path} holds no training state, so a run cannot resume from it; start a new "
    "run with model.init_backbone set to it instead"
)


@dataclass(slots=True)
class TrainingState:
    """Where a run stands; ``optimizer`` is None in a checkpoint that cannot be resumed."""

    config: dict[str, Any]
    step: int = 0
    epoch: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    optimizer: dict[str, Any] | None = None


def save_training_checkpoint(
    path: Path, network: MSGGNet, state: TrainingState, *, resumable: bool = True
) -> Path:
    """Write ``network`` and ``state`` to ``path`` (via a temporary file, so a crash while
    writing leaves the previous checkpoint intact)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    save_checkpoint(network, partial)
    raw = load_file(partial)
    raw["training"] = {
        "config": state.config,
        "step": state.step,
        "epoch": state.epoch,
        "history": state.history,
        "optimizer": state.optimizer if resumable else None,
    }
    torch.save(raw, partial)
    partial.replace(path)
    return path


def stored_config(path: Path) -> dict[str, Any]:
    """The training configuration saved in the checkpoint at ``path`` (plain values)."""
    training = load_file(path).get("training")
    if not isinstance(training, dict) or not isinstance(training.get("config"), dict):
        raise CheckpointError(_NO_STATE.format(path=path))
    config: dict[str, Any] = training["config"]
    return config


def load_training_checkpoint(path: Path) -> tuple[MSGGNet, TrainingState]:
    """The network and training state saved at ``path`` by ``orthograph train``.

    Raises :class:`CheckpointError` for a model checkpoint without training state (it can
    still start a run as ``model.init_backbone``).
    """
    network = load_checkpoint(path)
    training = load_file(path).get("training")
    if not isinstance(training, dict) or not isinstance(training.get("config"), dict):
        raise CheckpointError(_NO_STATE.format(path=path))
    return network, TrainingState(
        config=training["config"],
        step=int(training.get("step", 0)),
        epoch=int(training.get("epoch", 0)),
        history=list(training.get("history", [])),
        optimizer=training.get("optimizer"),
    )
