"""Loading DINO / DINOv2 weights files: key layout, wrappers, variants and refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

from model.backbone import VisionTransformer, load_dino_backbone
from model.backbone.dino import dino_state_dict, vit_kwargs_from_state_dict
from model.errors import CheckpointError

torch.set_num_threads(1)

DEPTH = 2


def official_dino_keys(depth: int) -> set[str]:
    """The key names of an official DINO ``vit_small`` backbone state dict, written out."""
    keys = {
        "cls_token",
        "pos_embed",
        "patch_embed.proj.weight",
        "patch_embed.proj.bias",
        "norm.weight",
        "norm.bias",
    }
    for n in range(depth):
        for layer in ("norm1", "attn.qkv", "attn.proj", "norm2", "mlp.fc1", "mlp.fc2"):
            keys |= {f"blocks.{n}.{layer}.weight", f"blocks.{n}.{layer}.bias"}
    return keys


def random_dino_state(*, embed_dim: int = 64, patch: int = 16, grid: int = 14) -> dict:
    torch.manual_seed(1)
    model = VisionTransformer(
        patch_size=patch, embed_dim=embed_dim, depth=DEPTH, num_heads=embed_dim // 64, pos_grid=grid
    )
    return {k: torch.randn_like(v) for k, v in model.state_dict().items()}


def test_parameter_names_are_the_official_dino_layout() -> None:
    model = VisionTransformer(patch_size=16, embed_dim=64, depth=DEPTH, num_heads=1)
    assert set(model.state_dict()) == official_dino_keys(DEPTH)


def test_a_dino_state_dict_loads_strictly_and_keeps_its_weights(tmp_path: Path) -> None:
    state = random_dino_state()
    path = tmp_path / "dino_deitsmall16_pretrain.pth"
    torch.save(state, path)
    backbone = load_dino_backbone(path)
    assert backbone.kwargs() == {
        "patch_size": 16,
        "embed_dim": 64,
        "depth": DEPTH,
        "num_heads": 1,
        "mlp_ratio": 4.0,
        "in_channels": 3,
        "pos_grid": 14,
        "layerscale": False,
        "num_register_tokens": 0,
    }
    loaded = backbone.state_dict()
    assert all(torch.equal(loaded[k], v) for k, v in state.items())
    # 224 px is the stored 14 x 14 grid; 96 px needs the interpolated 6 x 6 one.
    assert backbone(torch.randn(1, 3, 96, 96)).patch_tokens.shape == (1, 36, 64)


def test_a_training_checkpoint_is_unwrapped(tmp_path: Path) -> None:
    state = random_dino_state()
    teacher = {f"module.backbone.{k}": v for k, v in state.items()}
    teacher["module.head.last_layer.weight"] = torch.randn(10, 8)
    path = tmp_path / "checkpoint.pth"
    torch.save({"teacher": teacher, "student": {}, "epoch": 100}, path)
    loaded = load_dino_backbone(path).state_dict()
    assert set(loaded) == set(state)
    assert torch.equal(loaded["pos_embed"], state["pos_embed"])


def test_dinov2_layerscale_registers_and_mask_token(tmp_path: Path) -> None:
    torch.manual_seed(2)
    model = VisionTransformer(
        patch_size=14,
        embed_dim=64,
        depth=DEPTH,
        num_heads=1,
        pos_grid=37,
        layerscale=True,
        num_register_tokens=4,
    )
    state = {**model.state_dict(), "mask_token": torch.zeros(1, 64)}
    path = tmp_path / "dinov2_vits14_reg4_pretrain.pth"
    torch.save(state, path)
    kwargs = load_dino_backbone(path).kwargs()
    assert (kwargs["patch_size"], kwargs["pos_grid"]) == (14, 37)
    assert kwargs["layerscale"] and kwargs["num_register_tokens"] == 4


def test_dinov2_chunked_blocks_are_flattened() -> None:
    state = random_dino_state()
    chunked = {re.sub(r"^blocks\.(\d+)\.", r"blocks.0.\1.", k): v for k, v in state.items()}
    assert "blocks.0.1.attn.qkv.weight" in chunked
    assert set(dino_state_dict(chunked, source="test")) == set(state)


def test_head_count_follows_64_channel_heads_unless_given() -> None:
    state = random_dino_state(embed_dim=128)
    assert vit_kwargs_from_state_dict(state)["num_heads"] == 2
    assert vit_kwargs_from_state_dict(state, num_heads=4)["num_heads"] == 4


def test_unsupported_and_foreign_files_are_refused(tmp_path: Path) -> None:
    swiglu = {**random_dino_state(), "blocks.0.mlp.w12.weight": torch.zeros(2, 2)}
    torch.save(swiglu, tmp_path / "giant.pth")
    with pytest.raises(CheckpointError, match="SwiGLU"):
        load_dino_backbone(tmp_path / "giant.pth")
    torch.save({"conv1.weight": torch.zeros(1)}, tmp_path / "resnet.pth")
    with pytest.raises(CheckpointError, match="patch_embed.proj.weight"):
        load_dino_backbone(tmp_path / "resnet.pth")
    (tmp_path / "text.pth").write_text("not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot read"):
        load_dino_backbone(tmp_path / "text.pth")
    with pytest.raises(CheckpointError, match="does not exist"):
        load_dino_backbone(tmp_path / "missing.pth")
