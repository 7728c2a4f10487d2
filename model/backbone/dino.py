"""Loading DINO / DINOv2 ViT weights from a local file into ``VisionTransformer``.

Accepted files (``torch.save`` pickles, read with ``weights_only=True``):

- a plain backbone state dict, as published for DINO (``dino_deitsmall16_pretrain.pth``,
  ``dino_vitbase8_pretrain.pth``) and DINOv2 (``dinov2_vits14_pretrain.pth``, ``*_reg4_*``);
- a training checkpoint holding one under ``teacher`` (preferred, as DINO evaluates the teacher),
  ``student``, ``model`` or ``state_dict``, with ``module.`` / ``backbone.`` key prefixes;
  DINOv2 training checkpoints with chunked blocks (``blocks.<chunk>.<i>.``) are flattened.

Dropped on purpose: the DINO projection head (``head.*``, used only by the self-supervised loss)
and DINOv2's ``mask_token`` (used only for iBOT masking during training). Not supported: the
SwiGLU MLP of ViT-g (``mlp.w12``), which raises ``CheckpointError``.

The architecture is read off the tensor shapes: ``patch_embed.proj.weight`` [D, C, p, p] gives D,
C and p; the ``blocks.N`` indices the depth; ``mlp.fc1.weight`` [hidden, D] the MLP ratio;
``pos_embed`` [1, 1 + g*g, D] the stored grid g; ``register_tokens`` [1, R, D] the registers;
``ls1.gamma`` LayerScale. Head count is not in the shapes; every released DINO/DINOv2 ViT uses
64-channel heads, so ``num_heads`` defaults to D / 64.
"""

from __future__ import annotations

import math
import pickle
import re
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from model.backbone.vit import VisionTransformer
from model.errors import CheckpointError

WRAPPER_KEYS = ("teacher", "student", "model", "state_dict")
PREFIXES = ("module.", "backbone.")
DROPPED_PREFIXES = ("head.", "mask_token")
HEAD_CHANNELS = 64
_CHUNKED_BLOCK = re.compile(r"^blocks\.\d+\.(\d+)\.")


def load_file(path: str | Path) -> Any:
    """``torch.load`` of ``path`` on the CPU with ``weights_only=True``; CheckpointError if not."""
    try:
        return torch.load(Path(path), map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(
            f"checkpoint {path} does not exist; give the path of a local checkpoint file"
        ) from None
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError) as error:
        raise CheckpointError(
            f"cannot read checkpoint {path}: {error}; it must be a file "
            "written by torch.save holding tensors and plain values"
        ) from None


def dino_state_dict(raw: Any, *, source: str) -> dict[str, Tensor]:
    """The backbone tensors of a loaded DINO/DINOv2 file, with official key names."""
    for key in WRAPPER_KEYS:
        if isinstance(raw, dict) and isinstance(raw.get(key), dict):
            raw = raw[key]
            break
    if not isinstance(raw, dict) or not all(isinstance(v, Tensor) for v in raw.values()):
        raise CheckpointError(
            f"{source} holds no state dict of tensors; expected a DINO/DINOv2 "
            f"backbone state dict, possibly under one of {WRAPPER_KEYS}"
        )
    state = {}
    for key, value in raw.items():
        name = str(key)
        for prefix in PREFIXES:
            name = name.removeprefix(prefix)
        name = _CHUNKED_BLOCK.sub(r"blocks.\1.", name)
        if not name.startswith(DROPPED_PREFIXES):
            state[name] = value
    if any(".mlp.w12." in name for name in state):
        raise CheckpointError(
            f"{source} uses the SwiGLU MLP of DINOv2 ViT-g, which orthograph "
            "does not implement; use a ViT-S/B/L checkpoint"
        )
    return state


def vit_kwargs_from_state_dict(
    state: dict[str, Tensor], *, num_heads: int | None = None, source: str = "checkpoint"
) -> dict[str, Any]:
    """``VisionTransformer`` keyword arguments that fit ``state`` (see the module docstring)."""
    try:
        embed_dim, in_channels, patch_size, _ = state["patch_embed.proj.weight"].shape
        positions = state["pos_embed"].shape[1] - 1
        hidden = state["blocks.0.mlp.fc1.weight"].shape[0]
    except KeyError as missing:
        raise CheckpointError(
            f"{source} has no {missing.args[0]!r}; it is not a DINO-layout ViT state dict"
        ) from None
    grid = math.isqrt(positions)
    if grid * grid != positions:
        raise CheckpointError(
            f"{source}: pos_embed has {positions} patch positions, not a square grid"
        )
    depth = 1 + max(int(name.split(".")[1]) for name in state if name.startswith("blocks."))
    registers = state.get("register_tokens")
    return {
        "patch_size": int(patch_size),
        "embed_dim": int(embed_dim),
        "depth": depth,
        "num_heads": num_heads or max(1, int(embed_dim) // HEAD_CHANNELS),
        "mlp_ratio": hidden / int(embed_dim),
        "in_channels": int(in_channels),
        "pos_grid": grid,
        "layerscale": "blocks.0.ls1.gamma" in state,
        "num_register_tokens": 0 if registers is None else int(registers.shape[1]),
    }


def load_state_strict(model: torch.nn.Module, state: dict[str, Tensor], *, source: str) -> None:
    """``model.load_state_dict(state, strict=True)``, failures raised as CheckpointError."""
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise CheckpointError(f"{source} does not fit the network it describes: {error}") from None


def dino_backbone(raw: Any, *, source: str, num_heads: int | None = None) -> VisionTransformer:
    """A ``VisionTransformer`` with the weights of a loaded DINO/DINOv2 file ``raw``."""
    state = dino_state_dict(raw, source=source)
    backbone = VisionTransformer(
        **vit_kwargs_from_state_dict(state, num_heads=num_heads, source=source)
    )
    load_state_strict(backbone, state, source=source)
    return backbone


def load_dino_backbone(path: str | Path, *, num_heads: int | None = None) -> VisionTransformer:
    """A ``VisionTransformer`` with the weights of the DINO/DINOv2 file at ``path``, on the CPU.

    ``num_heads`` overrides the D / 64 default for non-standard checkpoints.
    """
    return dino_backbone(load_file(path), source=f"checkpoint {path}", num_heads=num_heads)
