"""Training the dense head on cached frozen features (``orthograph train --config``, kind dense).

1. Samples from every source (``model.dense.samples``; georeferenced clips via
   ``model.dense.sources``), training ones also in photometric copies (panchromatic, colour
   jitter), each also at the extra GSDs of ``gsd_m``; features cached once
   (``model.dense.featurecache``; an interrupted run resumes from the cache).
2. The head's input standardisation is fitted on training features; then epochs over the
   training samples (random 90-degree rotations and flips of features and labels together),
   the partial-label loss with class weights, AdamW with cosine decay.
3. After each epoch, mean IoU on the validation split (patch read-out at the label cells);
   ``best.pt`` keeps the best epoch, ``last.pt`` every epoch (and the optimiser, for
   ``--resume``).
4. The guided-filter refinement is chosen on the validation split at full pixel resolution.

Splits are by area (the dataset's manifest); georeferenced clips only train.
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import torch
import torch.nn.functional as F
import yaml
from torch import Tensor

from model.dense.checkpoint import dense_checkpoint, save_dense
from model.dense.config import DenseTrainingConfig
from model.dense.featurecache import CachedSample, cache_samples, label_share, load_cached, padded
from model.dense.head import DenseHead
from model.dense.instances import SplitRule
from model.dense.labelsets import HEAD_CLASSES
from model.dense.losses import allowed_mask, partial_label_loss
from model.dense.refine import pixel_probabilities
from model.dense.samples import (
    Sample,
    dataset_samples,
    georeferenced_samples,
    photometric,
    rescaled,
    tiles_of,
)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DenseRun:
    """Where a run wrote its checkpoints and history."""

    last: Path
    best: Path
    history: list[dict[str, Any]]


def config_samples(config: DenseTrainingConfig) -> Iterator[tuple[Sample, int]]:
    """Every sample the configuration names, at its own GSD and at each extra one, with the
    ``repeat`` of its source."""
    for source in config.sources:
        if source.dataset is not None:
            found: Iterator[Sample] = dataset_samples(
                source.dataset, exhaustive=source.exhaustive, splits=source.splits
            )
        else:
            found = (
                tile
                for sample in georeferenced_samples(Path(str(source.georeferenced)))
                for tile in tiles_of(sample, config.train.tile_size)
            )
        for sample in found:
            copies = [sample]
            if sample.split == "train":
                copies += [photometric(sample, kind) for kind in config.augment.photometric]
            for copy in copies:
                yield copy, source.repeat
                for gsd in config.gsd_m:
                    if gsd > copy.gsd_m:
                        yield rescaled(copy, gsd), source.repeat


def _features(sample: CachedSample, names: tuple[str, ...]) -> Tensor:
    return torch.cat([sample.features[name].float() for name in names], dim=0)


def augment(features: Tensor, allowed: Tensor, rng: random.Random) -> tuple[Tensor, Tensor]:
    """One of the 8 symmetries of the square, the same for a whole batch [B, C, h, w]."""
    turns = rng.randrange(4)
    features, allowed = features.rot90(turns, (-2, -1)), allowed.rot90(turns, (-2, -1))
    if rng.random() < 0.5:
        features, allowed = features.flip(-1), allowed.flip(-1)
    return features, allowed


def logits_at_labels(head: DenseHead, features: Tensor, label_shape: torch.Size) -> Tensor:
    logits = head(features)
    return F.interpolate(logits, size=label_shape, mode="bilinear", align_corners=False)


class Labelled(Protocol):
    """A training item with label sets on its label grid (cached features or images)."""

    @property
    def allowed(self) -> Tensor: ...


Item = TypeVar("Item", bound=Labelled)


def batches(items: list[Item], size: int, rng: random.Random) -> list[list[Item]]:
    """Batches of items with equal label grids (so equal images and features), random order."""
    groups: dict[tuple[int, ...], list[Item]] = defaultdict(list)
    for item in items:
        groups[tuple(item.allowed.shape)].append(item)
    found = []
    for members in groups.values():
        rng.shuffle(members)
        found += [members[i : i + size] for i in range(0, len(members), size)]
    rng.shuffle(found)
    return found


def class_weights(train: Sequence[Labelled], balance: float) -> Tensor:
    """(mean share / share_c)^balance per head class, unseen classes weighted 0."""
    share = label_share(train, len(HEAD_CLASSES))
    seen = share > 0
    weights = np.zeros_like(share)
    weights[seen] = (share[seen].mean() / share[seen]) ** balance
    return torch.tensor(weights, dtype=torch.float32)


def intersections_unions(logits: Tensor, allowed: Tensor, classes: int) -> Tensor:
    """[2, K] intersections and unions of argmax against fully labelled cells."""
    single = allowed_mask(allowed, classes)
    full = single.sum(-1) == 1
    truth = single.float().argmax(-1)[full]
    guess = logits.argmax(1)[full]
    counts = torch.zeros(2, classes)
    for index in range(classes):
        t, g = truth == index, guess == index
        counts[0, index] += (t & g).sum()
        counts[1, index] += (t | g).sum()
    return counts


def mean_iou(counts: Tensor) -> tuple[float, list[float | None]]:
    """Mean over classes present (union > 0) and the per-class IoUs."""
    per_class = [float(i / u) if u > 0 else None for i, u in zip(counts[0], counts[1], strict=True)]
    present = [v for v in per_class if v is not None]
    return (sum(present) / len(present) if present else 0.0), per_class


@torch.inference_mode()
def validate(
    head: DenseHead, samples: list[CachedSample], names: tuple[str, ...]
) -> dict[str, Any]:
    """Patch read-out IoU on ``samples`` at their label cells, pooled and per GSD."""
    head.eval()
    pooled = torch.zeros(2, head.num_classes)
    per_gsd: dict[str, Tensor] = {}
    for sample in samples:
        logits = logits_at_labels(head, _features(sample, names)[None], sample.allowed.shape)
        counts = intersections_unions(logits, sample.allowed[None], head.num_classes)
        pooled += counts
        key = f"{sample.gsd_m:g}"
        per_gsd[key] = per_gsd.get(key, torch.zeros_like(counts)) + counts
    value, per_class = mean_iou(pooled)
    return {
        "miou": value,
        "iou": dict(zip(HEAD_CLASSES, per_class, strict=True)),
        "per_gsd_m": {
            gsd: dict(zip(("miou", "iou"), mean_iou(counts), strict=True))
            for gsd, counts in sorted(per_gsd.items())
        },
    }


@torch.inference_mode()
def choose_refinement(
    head: DenseHead,
    cached: list[CachedSample],
    images: list[Sample],
    names: tuple[str, ...],
    config: DenseTrainingConfig,
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """The guided-filter settings with the best pixel mean IoU on the validation images."""
    head.eval()
    trials: list[dict[str, Any]] = []
    for radius in config.refine.radius:
        for eps in config.refine.eps if radius else (config.refine.eps[0],):
            counts = torch.zeros(2, head.num_classes)
            for sample, image in zip(cached, images, strict=True):
                rgb, allowed = padded(image)
                logits = head(_features(sample, names)[None])
                probabilities = pixel_probabilities(logits, rgb[None], radius=radius, eps=eps)
                counts += intersections_unions(probabilities, allowed[None], head.num_classes)
            value, per_class = mean_iou(counts)
            trials.append({"radius": radius, "eps": eps, "miou": value, "iou": per_class})
    best = max(trials, key=lambda trial: trial["miou"])
    return {"radius": int(best["radius"]), "eps": float(best["eps"])}, trials


def descend(optimiser: torch.optim.Optimizer, loss: Tensor) -> float:
    """One optimiser step down ``loss``; the loss value, for the epoch's record."""
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return loss.item()


def lr_at(config: DenseTrainingConfig, step: int, total: int) -> float:
    """Cosine decay from ``train.lr`` to ``train.min_lr`` over ``total`` steps."""
    progress = min(1.0, step / max(1, total))
    low, high = config.train.min_lr, config.train.lr
    return low + 0.5 * (high - low) * (1 + math.cos(math.pi * progress))


def train_dense(
    config: DenseTrainingConfig,
    *,
    out: Path,
    resume: Path | None = None,
    progress: Progress = lambda _: None,
) -> DenseRun:
    """Run the recipe of the module docstring; writes config.yaml, last.pt, best.pt and
    history.json under ``out``."""
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.train.threads)
    rng = random.Random(config.seed)
    names = config.features.extractors
    folder = config.features.cache
    repeats: list[int] = []
    val_images: list[Sample] = []

    def stream() -> Iterator[Sample]:
        """The samples, one at a time (only validation images are kept, for refinement)."""
        for sample, repeat in config_samples(config):
            repeats.append(repeat)
            if sample.split == "val":
                val_images.append(sample)
            yield sample

    progress(f"caching features of {', '.join(names)} in {folder}")
    keys = cache_samples(stream(), folder, names, progress=progress)
    cached = load_cached(folder, keys, names)
    progress(f"{len(cached)} samples")
    train = [
        s
        for s, repeat in zip(cached, repeats, strict=True)
        if s.split == "train"
        for _ in range(repeat)
    ]
    val = [s for s in cached if s.split == "val"]
    if not train:
        raise ValueError("the configuration's sources hold no training samples")
    head = DenseHead(
        sum(train[0].features[n].shape[0] for n in names),
        len(HEAD_CLASSES),
        hidden=config.head.hidden,
        dropout=config.head.dropout,
    )
    every = max(1, len(train) // 200)
    head.fit_standardisation(torch.cat([_features(s, names).flatten(1) for s in train[::every]], 1))
    weights = class_weights(train, config.train.class_balance)
    optimiser = torch.optim.AdamW(
        head.parameters(), lr=config.train.lr, weight_decay=config.train.weight_decay
    )
    history: list[dict[str, Any]] = []
    start, best_score = 0, -1.0
    if resume is not None:
        state = torch.load(resume, map_location="cpu", weights_only=True)
        head.load_state_dict(state["checkpoint"]["state"])
        optimiser.load_state_dict(state["optimiser"])
        start, history = int(state["epoch"]), json.loads(state["history"])
        best_score = max((h["val"]["miou"] for h in history), default=-1.0)
    steps_per_epoch = len(batches(train, config.train.batch_size, random.Random(0)))
    total = steps_per_epoch * config.train.epochs
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(yaml.safe_dump(config.as_json(), sort_keys=False))
    for epoch in range(start, config.train.epochs):
        head.train()
        losses = []
        for step, batch in enumerate(batches(train, config.train.batch_size, rng)):
            features, allowed = augment(
                torch.stack([_features(s, names) for s in batch]),
                torch.stack([s.allowed for s in batch]),
                rng,
            )
            for group in optimiser.param_groups:
                group["lr"] = lr_at(config, epoch * steps_per_epoch + step, total)
            loss = partial_label_loss(
                logits_at_labels(head, features, allowed.shape[-2:]), allowed, weights
            )
            losses.append(descend(optimiser, loss))
        record: dict[str, Any] = {
            "epoch": epoch + 1,
            "loss": sum(losses) / len(losses),
            "val": validate(head, val, names) if val else {"miou": 0.0},
        }
        history.append(record)
        progress(
            f"epoch {epoch + 1}: loss {record['loss']:.4f} val mIoU {record['val']['miou']:.4f}"
        )
        checkpoint = _checkpoint(head, config, history, {"radius": 0, "eps": 1e-3}, len(train))
        torch.save(
            {
                "checkpoint": checkpoint,
                "optimiser": optimiser.state_dict(),
                "epoch": epoch + 1,
                "history": json.dumps(history),
                "training": {"config": config.as_json()},
            },
            out / "last.pt",
        )
        if record["val"]["miou"] > best_score:
            best_score = record["val"]["miou"]
            save_dense(checkpoint, out / "best.pt")
    best = torch.load(out / "best.pt", map_location="cpu", weights_only=True)
    head.load_state_dict(best["state"])
    refine, trials = (
        choose_refinement(head, val, val_images, names, config)
        if val
        else (
            {"radius": 0, "eps": 1e-3},
            [],
        )
    )
    progress(f"refinement on validation: {refine}")
    final = _checkpoint(head, config, history, refine, len(train))
    final["training"]["refinement_trials"] = trials
    save_dense(final, out / "best.pt")
    (out / "history.json").write_text(json.dumps(history, indent=1) + "\n", encoding="utf-8")
    return DenseRun(last=out / "last.pt", best=out / "best.pt", history=history)


def _checkpoint(
    head: DenseHead,
    config: DenseTrainingConfig,
    history: list[dict[str, Any]],
    refine: dict[str, float],
    train_samples: int,
) -> dict[str, Any]:
    split = config.instances.split
    best = max(history, key=lambda h: h["val"]["miou"])
    return dense_checkpoint(
        head,
        classes=HEAD_CLASSES,
        extractors=config.features.extractors,
        refine=refine,
        min_pixels=config.instances.min_pixels,
        split=SplitRule(**split.model_dump()),
        training={
            "config": config.as_json(),
            "train_samples": train_samples,
            "best_epoch": best["epoch"],
            "val": best["val"],
        },
    )
