"""The training loop: config in, checkpoints and a per-epoch history out.

    for step in 0 .. epochs * steps_per_epoch - 1:
        crops = sampler.batch(step)                      (seeded by (seed, step))
        loss = objective(network, crops)                 (model.training.objective)
        AdamW step at lr(step), gradients clipped to ``grad_clip``
        at each epoch end: validate, write last.pt (resumable), best.pt (by val mean IoU)

The learning rate warms up linearly over ``warmup_steps`` and then follows a cosine from
``lr`` to ``min_lr`` at the last step. It is a function of the step alone, and crops and pair
samples are too, so a run resumed from ``last.pt`` continues exactly where it stopped.

The output directory gets ``last.pt`` and ``best.pt`` (``model.training.state``: network,
ontology, config, history), ``history.json`` and ``config.yaml`` (the resolved configuration).
The configuration is translated into module kwargs here, and nowhere else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np
import torch
import yaml
from torch import nn

from model.checkpoint import build_network, load_backbone, network_with_backbone
from model.errors import InvalidTrainingConfig
from model.inference import resolve_device
from model.network import MSGGNet
from model.training.config import TrainingConfig
from model.training.data import CropSampler, label_statistics, open_dataset, split_tiles
from model.training.losses import class_weights
from model.training.objective import TERMS, Objective
from model.training.state import TrainingState, load_training_checkpoint, save_training_checkpoint
from model.training.validation import headline, spread, validate

NO_DECAY = ("pos_embed", "cls_token", "register_tokens")
"""Parameters without weight decay besides biases and norms (all 1-D tensors)."""


class Reporter(Protocol):
    """Receives progress: the CLI draws a progress bar, tests pass nothing."""

    def start(self, *, total: int, done: int) -> None: ...

    def step(self, step: int, losses: Mapping[str, float], lr: float) -> None: ...

    def epoch(self, record: Mapping[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class TrainingResult:
    """``last`` and ``best`` checkpoints of the run and its per-epoch history."""

    last: Path
    best: Path
    history: list[dict[str, Any]]


def learning_rate(step: int, *, total: int, lr: float, min_lr: float, warmup: int) -> float:
    """Linear warm-up to ``lr`` over ``warmup`` steps, then a cosine to ``min_lr`` at ``total``."""
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup - 1)
    return min_lr + (lr - min_lr) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def new_network(config: TrainingConfig) -> MSGGNet:
    """The untrained network of ``config`` (weights seeded by ``config.seed``)."""
    model = config.model
    segmenter, heads = model.segmenter.model_dump(), model.heads.model_dump()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        if model.backbone is not None:
            return build_network(
                backbone=model.backbone.model_dump(), segmenter=segmenter, heads=heads
            )
        backbone = load_backbone(cast(Path, model.init_backbone))
        return network_with_backbone(backbone, segmenter=segmenter, heads=heads)


def _optimizer(network: nn.Module, *, weight_decay: float) -> torch.optim.AdamW:
    decay: list[nn.Parameter] = []
    plain: list[nn.Parameter] = []
    for name, parameter in network.named_parameters():
        flat = parameter.ndim < 2 or name.rsplit(".", 1)[-1] in NO_DECAY
        (plain if flat else decay).append(parameter)
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": weight_decay}, {"params": plain, "weight_decay": 0.0}]
    )


def _step_generator(seed: int, step: int) -> torch.Generator:
    state = np.random.SeedSequence([seed, step]).generate_state(1)[0]
    return torch.Generator().manual_seed(int(state))


def _check_output(out: Path, resume: Path | None) -> None:
    if resume is None and (out / "last.pt").exists():
        raise InvalidTrainingConfig(
            f"{out} already holds a run (last.pt); resume it with --resume {out / 'last.pt'} "
            "or choose another --out"
        )


def _best_iou(history: list[dict[str, Any]]) -> float:
    values = [r["val"]["mean_iou"] for r in history if (r.get("val") or {}).get("mean_iou")]
    return max(values, default=-1.0)


def train(
    config: TrainingConfig,
    *,
    out: Path,
    resume: Path | None = None,
    reporter: Reporter | None = None,
) -> TrainingResult:
    """Run (or resume) the training ``config`` describes, writing to ``out`` (module
    docstring)."""
    _check_output(out, resume)
    settings = config.train
    if settings.threads is not None:
        torch.set_num_threads(settings.threads)
    device = resolve_device(settings.device)
    root = config.data.dataset
    manifest = open_dataset(root)
    train_tiles = split_tiles(root, manifest, config.data.train_split)
    val_tiles = (
        spread(split_tiles(root, manifest, config.data.val_split), config.evaluation.max_tiles)
        if config.evaluation.max_tiles
        else []
    )
    if resume is None:
        network, state = new_network(config), TrainingState(config=config.as_json())
    else:
        network, state = load_training_checkpoint(resume)
        state.config = config.as_json()
    if settings.crop_size % network.patch_size:
        raise InvalidTrainingConfig(
            f"train.crop_size {settings.crop_size} must be a multiple of the patch size "
            f"{network.patch_size}"
        )
    network.to(device).train()
    optimizer = _optimizer(network, weight_decay=settings.weight_decay)
    if state.optimizer is not None:
        optimizer.load_state_dict(state.optimizer)
    statistics = label_statistics(root, train_tiles)
    objective = Objective(
        object_weights=class_weights(statistics.objects, config.losses.class_balance),
        patch_weights=class_weights(statistics.pixels, config.losses.class_balance),
        predicate_weights=class_weights(statistics.predicates, config.losses.class_balance),
        affinity_weight=config.losses.affinity,
        patches_weight=config.losses.patches,
        objects_weight=config.losses.objects,
        relatedness_weight=config.losses.relatedness,
        predicates_weight=config.losses.predicates,
        margin=config.losses.affinity_margin,
        affinity_patches=config.losses.affinity_patches,
        ncut_images=settings.ncut_images,
        negatives_per_positive=settings.negatives_per_positive,
    )
    sampler = CropSampler(
        root,
        train_tiles,
        seed=config.seed,
        batch_size=settings.batch_size,
        crop_size=settings.crop_size,
        augment=config.augment,
        unlabelled_is_background=config.data.unlabelled == "background",
    )
    total = settings.epochs * settings.steps_per_epoch
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(
        "# The resolved configuration of this run (orthograph train); train again with\n"
        "# orthograph train --config config.yaml\n"
        + yaml.safe_dump(config.as_json(), sort_keys=False)
    )
    if reporter is not None:
        reporter.start(total=total, done=state.step)
    best_iou = _best_iou(state.history)
    sums = dict.fromkeys((*TERMS, "total"), 0.0)
    while state.step < total:
        lr = learning_rate(
            state.step,
            total=total,
            lr=settings.lr,
            min_lr=settings.min_lr,
            warmup=settings.warmup_steps,
        )
        for group in optimizer.param_groups:
            group["lr"] = lr
        losses = objective(
            network, sampler.batch(state.step), _step_generator(config.seed, state.step)
        )
        optimizer.zero_grad(set_to_none=True)
        losses["total"].backward()
        nn.utils.clip_grad_norm_(network.parameters(), settings.grad_clip)
        optimizer.step()
        values = {term: float(value.detach()) for term, value in losses.items()}
        sums = {term: sums[term] + values[term] for term in sums}
        state.step += 1
        if reporter is not None:
            reporter.step(state.step, values, lr)
        if state.step % settings.steps_per_epoch and state.step < total:
            continue
        state.epoch += 1
        record: dict[str, Any] = {
            "epoch": state.epoch,
            "step": state.step,
            "losses": {term: value / settings.steps_per_epoch for term, value in sums.items()},
            "val": None,
        }
        sums = dict.fromkeys(sums, 0.0)
        if val_tiles:
            report = validate(
                network,
                root,
                val_tiles,
                known_triplets=statistics.triplets,
                device=device,
                batch=config.evaluation.batch,
            )
            record["val"] = {"tiles": len(val_tiles), **headline(report)}
        state.history.append(record)
        state.optimizer = optimizer.state_dict()
        save_training_checkpoint(out / "last.pt", network, state)
        iou = (record["val"] or {}).get("mean_iou")
        if not (out / "best.pt").exists() or (iou is not None and iou > best_iou):
            best_iou = iou if iou is not None else best_iou
            save_training_checkpoint(out / "best.pt", network, state, resumable=False)
        (out / "history.json").write_text(json.dumps(state.history, indent=1) + "\n")
        if reporter is not None:
            reporter.epoch(record)
    return TrainingResult(last=out / "last.pt", best=out / "best.pt", history=state.history)
