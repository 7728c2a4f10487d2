"""Network checkpoints: weights together with the ontology and the kwargs that rebuild them.

A checkpoint is a ``torch.save`` dict of plain values and tensors (readable with
``weights_only=True``):

    format      "orthograph.msgg-ai"
    version     1
    classes     the object class ids the logits 1..K stand for (``CLASS_IDS`` when trained)
    predicates  the predicate ids the logits 1..R stand for (``PREDICATE_IDS``)
    backbone    ``VisionTransformer`` kwargs
    segmenter   ``GraphCutSegmenter`` kwargs
    heads       ``MSGGNet`` head kwargs (hidden_channels, max_pairs, iterations)
    state_dict  the network's weights

A checkpoint whose class or predicate list differs from the running ontology's (renamed,
added, removed or reordered ids) is refused with ``OntologyMismatch``: its logits would be read
as the wrong classes.

The kwargs are translated into modules here, at the edge (``build_network``); no module sees
the dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from ingest.ontology import CLASS_IDS, PREDICATE_IDS
from model.backbone.dino import dino_backbone, load_dino_backbone, load_file, load_state_strict
from model.backbone.vit import VisionTransformer
from model.errors import CheckpointError, OntologyMismatch
from model.network import MSGGNet
from model.segmentation.graph_cut import GraphCutSegmenter

FORMAT = "orthograph.msgg-ai"
VERSION = 1

DEFAULT_BACKBONE: dict[str, Any] = {
    "patch_size": 16,
    "embed_dim": 384,
    "depth": 12,
    "num_heads": 6,
    "mlp_ratio": 4.0,
    "in_channels": 3,
    "pos_grid": 14,
    "layerscale": False,
    "num_register_tokens": 0,
}
"""DINO ViT-S/16 (``dino_vits16``): 512 px tiles give 32 x 32 = 1,024 patch tokens."""

DEFAULT_SEGMENTER: dict[str, Any] = GraphCutSegmenter().kwargs()
DEFAULT_HEADS: dict[str, Any] = {"hidden_channels": 256, "max_pairs": 256, "iterations": 3}


def build_network(
    *,
    backbone: dict[str, Any],
    segmenter: dict[str, Any],
    heads: dict[str, Any],
    num_classes: int = len(CLASS_IDS),
    num_predicates: int = len(PREDICATE_IDS),
) -> MSGGNet:
    """An ``MSGGNet`` from the three kwargs dicts of a checkpoint (randomly initialised)."""
    return network_with_backbone(
        VisionTransformer(**backbone),
        segmenter=segmenter,
        heads=heads,
        num_classes=num_classes,
        num_predicates=num_predicates,
    )


def network_with_backbone(
    backbone: VisionTransformer,
    *,
    segmenter: dict[str, Any],
    heads: dict[str, Any],
    num_classes: int = len(CLASS_IDS),
    num_predicates: int = len(PREDICATE_IDS),
) -> MSGGNet:
    """An ``MSGGNet`` around an existing backbone, with freshly initialised heads."""
    return MSGGNet(
        backbone=backbone,
        segmenter=GraphCutSegmenter(**segmenter),
        hidden_channels=int(heads["hidden_channels"]),
        num_classes=num_classes,
        num_predicates=num_predicates,
        max_pairs=int(heads["max_pairs"]),
        iterations=int(heads["iterations"]),
    )


def default_network(*, seed: int = 0) -> MSGGNet:
    """The default architecture (ViT-S/16 backbone) with deterministic, *untrained* weights.

    For wiring and tests only: its labels and scores mean nothing.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build_network(
            backbone=DEFAULT_BACKBONE, segmenter=DEFAULT_SEGMENTER, heads=DEFAULT_HEADS
        )


def network_from_dino(path: str | Path, *, seed: int = 0) -> MSGGNet:
    """DINO/DINOv2 backbone weights from ``path`` with default, untrained heads.

    The segmentation (normalized cut on DINO features) is meaningful; labels are not until the
    heads are trained.
    """
    backbone = load_dino_backbone(path)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return network_with_backbone(backbone, segmenter=DEFAULT_SEGMENTER, heads=DEFAULT_HEADS)


def save_checkpoint(
    network: MSGGNet,
    path: str | Path,
    *,
    classes: Sequence[str] = CLASS_IDS,
    predicates: Sequence[str] = PREDICATE_IDS,
) -> Path:
    """Write ``network`` with its ontology and kwargs to ``path``; returns the path."""
    if (len(classes), len(predicates)) != (network.num_classes, network.num_predicates):
        raise ValueError(
            f"the network has {network.num_classes} classes and "
            f"{network.num_predicates} predicates, but {len(classes)} class ids "
            f"and {len(predicates)} predicate ids were given"
        )
    path = Path(path)
    torch.save(
        {
            "format": FORMAT,
            "version": VERSION,
            "classes": list(classes),
            "predicates": list(predicates),
            "backbone": network.backbone.kwargs(),
            "segmenter": network.segmenter.kwargs(),
            "heads": network.head_kwargs(),
            "state_dict": {k: v.detach().cpu() for k, v in network.state_dict().items()},
        },
        path,
    )
    return path


def _is_checkpoint(raw: Any) -> bool:
    return isinstance(raw, dict) and raw.get("format") == FORMAT


def _check_ontology(kind: str, stored: Sequence[str], current: Sequence[str], source: str) -> None:
    if list(stored) == list(current):
        return
    missing = [i for i in current if i not in stored]
    extra = [i for i in stored if i not in current]
    detail = (
        f"missing {missing}, unknown {extra}" if missing or extra else "same ids in another order"
    )
    raise OntologyMismatch(
        f"{source} was trained on {len(stored)} {kind} ids that differ from the ontology's "
        f"{len(current)} ({detail}); its outputs would be read as the wrong {kind}. Retrain or "
        "convert the checkpoint for the current ontology."
    )


def load_checkpoint(
    path: str | Path,
    *,
    classes: Sequence[str] = CLASS_IDS,
    predicates: Sequence[str] = PREDICATE_IDS,
) -> MSGGNet:
    """The network saved at ``path`` (on the CPU), checked against ``classes``/``predicates``."""
    source = f"checkpoint {path}"
    raw = load_file(path)
    if not _is_checkpoint(raw):
        raise CheckpointError(
            f"{source} is not an orthograph MSGG-AI checkpoint (no "
            f"format={FORMAT!r}); for DINO/DINOv2 weights use "
            "network_from_dino or load_dino_backbone"
        )
    if raw.get("version") != VERSION:
        raise CheckpointError(
            f"{source} has format version {raw.get('version')!r}; this "
            f"orthograph reads version {VERSION}"
        )
    try:
        _check_ontology("class", raw["classes"], classes, source)
        _check_ontology("predicate", raw["predicates"], predicates, source)
        network = build_network(
            backbone=raw["backbone"],
            segmenter=raw["segmenter"],
            heads=raw["heads"],
            num_classes=len(classes),
            num_predicates=len(predicates),
        )
        state = raw["state_dict"]
    except (KeyError, TypeError) as error:
        raise CheckpointError(
            f"{source} is incomplete or malformed ({error!r}); write it "
            "with model.checkpoint.save_checkpoint"
        ) from None
    load_state_strict(network, state, source=source)
    return network


def load_backbone(path: str | Path) -> VisionTransformer:
    """The backbone of an orthograph checkpoint, or of a DINO/DINOv2 weights file."""
    source = f"checkpoint {path}"
    raw = load_file(path)
    if not _is_checkpoint(raw):
        return dino_backbone(raw, source=source)
    backbone = VisionTransformer(**raw["backbone"])
    state = {
        key.removeprefix("backbone."): value
        for key, value in raw["state_dict"].items()
        if key.startswith("backbone.")
    }
    load_state_strict(backbone, state, source=source)
    return backbone
