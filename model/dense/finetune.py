"""End-to-end fine-tuning of a dense checkpoint on the images themselves (meant for a GPU).

``orthograph train --config`` with ``finetune.blocks > 0`` (``configs/finetune-gpu.yaml``,
``scripts/finetune-gpu.sh``) lands here. The CPU recipe (``model.dense.trainer``) trains the
head on frozen, cached features; this one starts from such a checkpoint (``finetune.init``) and
trains its head together with the last ``blocks`` DINOv2 blocks and the final norm, features
computed anew for every batch (so augmentations change them), the backbone at
``finetune.backbone_lr``, bf16 autocast on CUDA. The samples, the partial-label loss, the
batching, the symmetries of the square and the validation are the CPU recipe's. The checkpoint
keeps the tuned backbone tensors (``tuned``), ~2 MB per block, beside the head; the refinement
and object settings are the initial checkpoint's.
"""

from __future__ import annotations

import json
import random
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from model.dense.checkpoint import dense_checkpoint, load_dense, save_dense
from model.dense.config import DenseTrainingConfig
from model.dense.extractors import PatchFeatures
from model.dense.featurecache import LABEL_STRIDE, padded
from model.dense.head import DenseHead
from model.dense.instances import SplitRule
from model.dense.labelsets import HEAD_CLASSES
from model.dense.losses import partial_label_loss
from model.dense.trainer import (
    DenseRun,
    Progress,
    augment,
    batches,
    class_weights,
    config_samples,
    descend,
    intersections_unions,
    lr_at,
    mean_iou,
)
from model.errors import InvalidTrainingConfig
from model.inference import resolve_device


@dataclass(frozen=True, slots=True)
class ImageSample:
    """A padded image in [0, 1] [3, H, W] and its label sets on the label grid."""

    image: Tensor
    allowed: Tensor
    split: str


def _image_sample(sample: Any) -> ImageSample:
    image, allowed = padded(sample)
    offset = LABEL_STRIDE // 2
    return ImageSample(image, allowed[offset::LABEL_STRIDE, offset::LABEL_STRIDE], sample.split)


def tunable(features: PatchFeatures, blocks: int) -> list[torch.nn.Parameter]:
    """Give the DINOv2 extractor a private copy whose last ``blocks`` blocks and final norm
    train; the parameters that now train."""
    dino = features.dino()
    vit = dino.vit = deepcopy(dino.vit)
    trained = []
    for module in [*vit.blocks[-blocks:], vit.norm]:
        for parameter in module.parameters():
            parameter.requires_grad_(True)
            trained.append(parameter)
    return trained


def tuned_state(features: PatchFeatures) -> dict[str, Tensor]:
    """The DINOv2 tensors that train (by name), for the checkpoint's ``tuned``."""
    vit = features.dino().vit
    names = {n for n, p in vit.named_parameters() if p.requires_grad}
    return {n: t for n, t in vit.state_dict().items() if n in names}


def _logits(features: PatchFeatures, head: DenseHead, images: Tensor, shape: Any) -> Tensor:
    with torch.autocast(images.device.type, dtype=torch.bfloat16, enabled=images.is_cuda):
        logits = head(features(images))
    return F.interpolate(logits.float(), size=shape, mode="bilinear", align_corners=False)


@torch.inference_mode()
def _validate(
    features: PatchFeatures, head: DenseHead, val: list[ImageSample], device: torch.device
) -> dict[str, Any]:
    features.eval()
    head.eval()
    counts = torch.zeros(2, head.num_classes)
    for sample in val:
        logits = _logits(features, head, sample.image[None].to(device), sample.allowed.shape)
        counts += intersections_unions(logits.cpu(), sample.allowed[None], head.num_classes)
    value, per_class = mean_iou(counts)
    return {"miou": value, "iou": dict(zip(HEAD_CLASSES, per_class, strict=True))}


def finetune_dense(
    config: DenseTrainingConfig, *, out: Path, progress: Progress = lambda _: None
) -> DenseRun:
    """Fine-tune ``config.finetune.init`` end to end (module docstring); writes config.yaml,
    last.pt, best.pt and history.json under ``out``."""
    if config.finetune.init is None or not config.finetune.blocks:
        raise InvalidTrainingConfig("fine-tuning needs finetune.init and finetune.blocks > 0")
    raw, head = load_dense(config.finetune.init)
    names = tuple(raw["extractors"])
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.train.threads)
    rng = random.Random(config.seed)
    device = resolve_device(config.train.device)
    features = PatchFeatures(names, tuned=raw.get("tuned"))
    backbone = tunable(features, config.finetune.blocks)
    features, head = features.to(device), head.to(device)
    samples = [(_image_sample(s), repeat) for s, repeat in config_samples(config)]
    train = [s for s, repeat in samples if s.split == "train" for _ in range(repeat)]
    val = [s for s, _ in samples if s.split == "val"]
    if not train:
        raise InvalidTrainingConfig("the configuration's sources hold no training samples")
    weights = class_weights(train, config.train.class_balance).to(device)
    optimiser = torch.optim.AdamW(
        [
            {"params": list(head.parameters()), "lr": config.train.lr, "scale": 1.0},
            {
                "params": backbone,
                "lr": config.finetune.backbone_lr,
                "scale": config.finetune.backbone_lr / config.train.lr,
            },
        ],
        weight_decay=config.train.weight_decay,
    )
    steps = len(batches(train, config.train.batch_size, random.Random(0)))
    out.mkdir(parents=True, exist_ok=True)
    history: list[dict[str, Any]] = []
    best_score = -1.0
    for epoch in range(config.train.epochs):
        features.train()
        head.train()
        losses = []
        for step, batch in enumerate(batches(train, config.train.batch_size, rng)):
            images, allowed = augment(
                torch.stack([s.image for s in batch]), torch.stack([s.allowed for s in batch]), rng
            )
            lr = lr_at(config, epoch * steps + step, steps * config.train.epochs)
            for group in optimiser.param_groups:
                group["lr"] = lr * group["scale"]
            allowed = allowed.to(device)
            logits = _logits(features, head, images.to(device), allowed.shape[-2:])
            losses.append(descend(optimiser, partial_label_loss(logits, allowed, weights)))
        record: dict[str, Any] = {
            "epoch": epoch + 1,
            "loss": sum(losses) / len(losses),
            "val": _validate(features, head, val, device) if val else {"miou": 0.0},
        }
        history.append(record)
        progress(
            f"epoch {epoch + 1}: loss {record['loss']:.4f} val mIoU {record['val']['miou']:.4f}"
        )
        checkpoint = dense_checkpoint(
            head,
            classes=tuple(raw["classes"]),
            extractors=names,
            refine=raw["refine"],
            min_pixels=int(raw["instances"]["min_pixels"]),
            split=SplitRule(**raw["instances"]["split"]),
            training={
                "config": config.as_json(),
                "finetuned_from": str(config.finetune.init),
                "train_samples": len(train),
                "best_epoch": epoch + 1,
                "val": record["val"],
            },
            tuned={"dino": tuned_state(features)},
        )
        save_dense(checkpoint, out / "last.pt")
        if record["val"]["miou"] > best_score:
            best_score = record["val"]["miou"]
            save_dense(checkpoint, out / "best.pt")
    (out / "history.json").write_text(json.dumps(history, indent=1) + "\n", encoding="utf-8")
    return DenseRun(last=out / "last.pt", best=out / "best.pt", history=history)
