"""The compact ViT: output shapes, attention maps and positional-embedding resampling."""

from __future__ import annotations

import pytest
import torch

from model.backbone import VisionTransformer, interpolate_pos_embed
from model.errors import InvalidImage

torch.set_num_threads(1)


def vit(**extra: object) -> VisionTransformer:
    torch.manual_seed(0)
    kwargs: dict[str, object] = {
        "patch_size": 8,
        "embed_dim": 32,
        "depth": 2,
        "num_heads": 4,
        "pos_grid": 4,
    }
    return VisionTransformer(**{**kwargs, **extra}).eval()  # type: ignore[arg-type]


def test_output_shapes_on_a_non_square_input() -> None:
    out = vit()(torch.randn(2, 3, 48, 64))
    assert out.grid == (6, 8)
    assert out.patch_tokens.shape == (2, 48, 32)
    assert out.cls_token.shape == (2, 32)
    assert out.cls_attention.shape == (2, 4, 48)
    assert out.patch_size == 8


def test_cls_attention_is_a_distribution_over_cls_and_patches() -> None:
    out = vit()(torch.randn(1, 3, 32, 32))
    # The CLS query also attends to itself, so the patch part sums to less than one.
    patch_mass = out.cls_attention.sum(-1)
    assert torch.all(out.cls_attention >= 0)
    assert torch.all((patch_mass > 0) & (patch_mass < 1))


def test_register_tokens_do_not_appear_among_patch_tokens() -> None:
    model = vit(num_register_tokens=4, layerscale=True)
    out = model(torch.randn(1, 3, 32, 32))
    assert out.patch_tokens.shape == (1, 16, 32)
    assert out.cls_attention.shape == (1, 4, 16)


def test_pos_embed_is_kept_on_its_own_grid_and_resampled_elsewhere() -> None:
    pos = torch.randn(1, 1 + 16, 8)
    assert interpolate_pos_embed(pos, (4, 4)) is pos
    resized = interpolate_pos_embed(pos, (8, 2))
    assert resized.shape == (1, 1 + 16, 8)
    assert torch.equal(resized[:, 0], pos[:, 0])
    # Upsampling a constant field keeps it constant.
    flat = torch.ones(1, 1 + 16, 8)
    assert torch.allclose(interpolate_pos_embed(flat, (7, 9))[:, 1:], torch.ones(1, 63, 8))


def test_a_patch_misaligned_image_is_refused() -> None:
    with pytest.raises(InvalidImage, match="multiples of the patch size"):
        vit()(torch.randn(1, 3, 30, 32))
    with pytest.raises(InvalidImage, match=r"\[B, 3, H, W\]"):
        vit()(torch.randn(3, 32, 32))
