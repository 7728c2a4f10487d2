"""Dense-model checkpoints: the trained head and the names of the frozen backbones it needs.

A ``torch.save`` dict of plain values and tensors (``weights_only=True``):

    format      "orthograph.dense"
    version     1
    classes     the ontology ids of the head's logits, in order (``labelsets.HEAD_CLASSES``)
    extractors  the patch feature extractors, in channel order (``model.dense.extractors``)
    backbones   {name: {distribution, version, sha256, tensor_sha256}} of every weight file the
                extractors read: the checkpoint names them, it does not embed them (88 MB)
    head        ``DenseHead`` kwargs;  state  its weights (standardisation included)
    refine      guided-filter radius and eps;  instances  min_pixels and the split rule
    tuned       {"dino": {name: tensor}}: backbone tensors an end-to-end fine-tune changed
                (``model.dense.finetune``; empty for a head trained on frozen features)
    training    what it was trained on (sources, splits, steps), for the model card

A checkpoint naming a backbone this install does not pin, or pins with other checksums, is
refused: its head was fitted on other features.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

from ingest.ontology import CLASS_IDS
from model.backbone.dino import load_file, load_state_strict
from model.backbone.pretrained import BACKBONES
from model.dense.extractors import BACKBONE_WEIGHTS, EXTRACTORS
from model.dense.head import DenseHead
from model.dense.instances import SplitRule
from model.errors import CheckpointError, OntologyMismatch

FORMAT = "orthograph.dense"
VERSION = 1


def is_dense(raw: Any) -> bool:
    """Whether a loaded checkpoint dict is a dense-model one."""
    return isinstance(raw, dict) and raw.get("format") == FORMAT


def backbone_records(extractors: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The pinned identity of every weight file ``extractors`` read."""
    records = {}
    for name in extractors:
        weights = BACKBONE_WEIGHTS.get(name)
        if weights is not None:
            records[weights.name] = {
                "distribution": weights.distribution,
                "version": weights.version,
                "sha256": weights.sha256,
                "tensor_sha256": weights.tensor_sha256,
            }
    return records


def dense_checkpoint(
    head: DenseHead,
    *,
    classes: tuple[str, ...],
    extractors: tuple[str, ...],
    refine: dict[str, float],
    min_pixels: int,
    split: SplitRule,
    training: dict[str, Any],
    tuned: dict[str, dict[str, torch.Tensor]] | None = None,
) -> dict[str, Any]:
    """The checkpoint dict of a trained head (see the module docstring)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "classes": list(classes),
        "extractors": list(extractors),
        "backbones": backbone_records(extractors),
        "head": {
            "in_channels": head.in_channels,
            "num_classes": head.num_classes,
            "hidden": head.hidden,
        },
        "state": {k: v.detach().cpu() for k, v in head.state_dict().items()},
        "refine": dict(refine),
        "instances": {"min_pixels": min_pixels, "split": asdict(split)},
        "training": training,
        "tuned": {
            name: {k: v.detach().cpu() for k, v in state.items()}
            for name, state in (tuned or {}).items()
        },
    }


def _check_backbones(raw: dict[str, Any], source: str) -> None:
    for name, record in dict(raw.get("backbones", {})).items():
        pinned = BACKBONES.get(name)
        if pinned is None:
            raise CheckpointError(
                f"{source} needs the backbone {name!r}, which this version of orthograph does "
                f"not know (it pins {sorted(BACKBONES)}); use a matching release"
            )
        if (record.get("sha256"), record.get("tensor_sha256")) != (
            pinned.sha256,
            pinned.tensor_sha256,
        ):
            raise CheckpointError(
                f"{source} was trained on {name} with other checksums than this install pins; "
                "its head does not fit these features"
            )


def load_dense(path: str | Path) -> tuple[dict[str, Any], DenseHead]:
    """A dense checkpoint's settings and its head (eval mode); checked as described above."""
    raw = load_file(path)
    source = f"checkpoint {path}"
    if not is_dense(raw):
        raise CheckpointError(f"{source} is not a dense-model checkpoint")
    if raw.get("version") != VERSION:
        raise CheckpointError(f"{source} has dense format version {raw.get('version')}, not 1")
    unknown = [c for c in raw.get("classes", []) if c not in CLASS_IDS]
    if unknown:
        raise OntologyMismatch(f"{source} predicts classes the ontology lacks: {unknown}")
    missing = [e for e in raw.get("extractors", []) if e not in EXTRACTORS]
    if missing:
        raise CheckpointError(f"{source} uses unknown feature extractors {missing}")
    _check_backbones(raw, source)
    try:
        head = DenseHead(**raw["head"])
    except (KeyError, TypeError) as error:
        raise CheckpointError(f"{source}: bad head settings ({error})") from None
    load_state_strict(head, raw["state"], source=source)
    return raw, head.eval()


def save_dense(checkpoint: dict[str, Any], path: Path) -> None:
    """Write ``checkpoint`` to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    torch.save(checkpoint, temporary)
    temporary.replace(path)
