"""A compact Vision Transformer whose parameter names follow the DINO / DINOv2 layout.

Stage 1 of MSGG-AI (docs/method.md): one feature vector per image patch. With ``p`` the patch
size, an image ``x`` of shape [B, C, H, W] (H, W multiples of ``p``) is cut into
``N = (H/p) * (W/p)`` patches, each projected to ``D`` channels by a stride-``p`` convolution;
a learned CLS token (and, for DINOv2 "with registers", ``R`` register tokens) is prepended and
a learned positional embedding added, giving ``T = 1 + R + N`` tokens [B, T, D]. Each of the
``depth`` pre-norm blocks computes

    z = z + g1 * Attn(LN(z)),   Attn = softmax(Q K^T / sqrt(D/h)) V   over h heads,
    z = z + g2 * MLP(LN(z)),    MLP = fc2(GELU(fc1(.))),

with ``g1 = g2 = 1`` (DINO) or learned per-channel LayerScale vectors (DINOv2). A final
LayerNorm gives the outputs.

The positional embedding is stored for the grid the checkpoint was trained on (``pos_grid``
squared patches, e.g. 14 x 14 for DINO at 224 px with 16 px patches, 37 x 37 for DINOv2 at 518
px with 14 px patches) and is resampled bicubically to the input's patch grid at every call,
so any input whose sides are multiples of ``p`` works.

Parameter names match the official checkpoints (``patch_embed.proj.weight``, ``cls_token``,
``pos_embed``, ``register_tokens``, ``blocks.N.norm1``, ``blocks.N.attn.qkv``,
``blocks.N.attn.proj``, ``blocks.N.ls1.gamma``, ``blocks.N.mlp.fc1``, ``norm``), so their
state dicts load strictly (see ``model.backbone.dino``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from model.errors import InvalidImage


@dataclass(frozen=True, slots=True)
class BackboneOutput:
    """What a backbone gives per batch.

    ``patch_tokens`` [B, N, D] are the final-layer patch features in row-major grid order;
    ``cls_token`` [B, D] the final CLS feature; ``cls_attention`` [B, heads, N] the last block's
    attention of the CLS query over the patches (DINO's attention maps); ``grid`` the patch grid
    (rows, cols) with rows * cols = N; ``patch_size`` the patch side in input pixels.
    """

    patch_tokens: Tensor
    cls_token: Tensor
    cls_attention: Tensor
    grid: tuple[int, int]
    patch_size: int


class PatchEmbed(nn.Module):
    """[B, C, H, W] -> [B, N, D]: a stride-``patch_size`` convolution, flattened row-major."""

    def __init__(self, *, patch_size: int, in_channels: int, embed_dim: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x: Tensor) -> Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    """Multi-head self-attention [B, T, D] -> [B, T, D] with one fused ``qkv`` projection."""

    def __init__(self, *, dim: int, num_heads: int) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f"embed_dim {dim} is not divisible by num_heads {num_heads}")
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def _heads(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.num_heads, d // self.num_heads).unbind(2)
        return q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)

    def _merge(self, out: Tensor) -> Tensor:
        b, _, t, _ = out.shape
        return self.proj(out.transpose(1, 2).reshape(b, t, -1))

    def forward(self, x: Tensor) -> Tensor:
        q, k, v = self._heads(x)
        return self._merge(F.scaled_dot_product_attention(q, k, v))

    def forward_with_cls_attention(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Output [B, T, D] and the CLS query's attention over all tokens [B, heads, T]."""
        q, k, v = self._heads(x)
        logits = q[:, :, :1] @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        cls_attention = logits.softmax(dim=-1).squeeze(2)
        return self._merge(F.scaled_dot_product_attention(q, k, v)), cls_attention


class Mlp(nn.Module):
    """fc2(GELU(fc1(x))): D -> hidden -> D."""

    def __init__(self, *, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.act(self.fc1(x)))


class LayerScale(nn.Module):
    """Per-channel learned scaling ``x * gamma`` (DINOv2); ``gamma`` [D]."""

    def __init__(self, *, dim: int, init: float = 1e-5) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.full((dim,), init))

    def forward(self, x: Tensor) -> Tensor:
        return x * self.gamma


class Block(nn.Module):
    """One pre-norm transformer block (see the module docstring)."""

    def __init__(self, *, dim: int, num_heads: int, mlp_ratio: float, layerscale: bool) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim=dim, num_heads=num_heads)
        self.ls1: nn.Module = LayerScale(dim=dim) if layerscale else nn.Identity()
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim=dim, hidden=int(dim * mlp_ratio))
        self.ls2: nn.Module = LayerScale(dim=dim) if layerscale else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))

    def forward_with_cls_attention(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Output [B, T, D] and the CLS attention [B, heads, T] of this block."""
        attended, cls_attention = self.attn.forward_with_cls_attention(self.norm1(x))
        x = x + self.ls1(attended)
        return x + self.ls2(self.mlp(self.norm2(x))), cls_attention


def interpolate_pos_embed(pos_embed: Tensor, grid: tuple[int, int]) -> Tensor:
    """Resample a [1, 1 + g*g, D] positional embedding to [1, 1 + rows*cols, D].

    The CLS position is kept; the g x g patch positions are resampled bicubically to ``grid``.
    """
    cls_pos, patch_pos = pos_embed[:, :1], pos_embed[:, 1:]
    side = math.isqrt(patch_pos.shape[1])
    if side * side != patch_pos.shape[1]:
        raise ValueError(
            f"positional embedding has {patch_pos.shape[1]} patch positions, not a square grid"
        )
    if (side, side) == grid:
        return pos_embed
    dim = patch_pos.shape[-1]
    square = patch_pos.reshape(1, side, side, dim).permute(0, 3, 1, 2)
    resized = F.interpolate(square.float(), size=grid, mode="bicubic", align_corners=False)
    return torch.cat([cls_pos, resized.to(pos_embed.dtype).flatten(2).transpose(1, 2)], dim=1)


class VisionTransformer(nn.Module):
    """ViT backbone: [B, C, H, W] normalised images -> ``BackboneOutput``.

    ``patch_size`` p, ``embed_dim`` D, ``depth`` blocks of ``num_heads`` heads, MLP width
    ``mlp_ratio * D``; ``pos_grid`` the side of the stored positional-embedding grid;
    ``layerscale`` and ``num_register_tokens`` switch on the DINOv2 variants.
    """

    def __init__(
        self,
        *,
        patch_size: int,
        embed_dim: int,
        depth: int,
        num_heads: int,
        mlp_ratio: float = 4.0,
        in_channels: int = 3,
        pos_grid: int = 14,
        layerscale: bool = False,
        num_register_tokens: int = 0,
    ) -> None:
        super().__init__()
        if depth < 1:
            raise ValueError(f"a VisionTransformer needs depth >= 1, got {depth}")
        self._kwargs: dict[str, Any] = {
            "patch_size": patch_size,
            "embed_dim": embed_dim,
            "depth": depth,
            "num_heads": num_heads,
            "mlp_ratio": mlp_ratio,
            "in_channels": in_channels,
            "pos_grid": pos_grid,
            "layerscale": layerscale,
            "num_register_tokens": num_register_tokens,
        }
        self.patch_size = patch_size
        self.embed_dim = embed_dim
        self.in_channels = in_channels
        self.patch_embed = PatchEmbed(
            patch_size=patch_size, in_channels=in_channels, embed_dim=embed_dim
        )
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + pos_grid * pos_grid, embed_dim))
        self.register_tokens = (
            nn.Parameter(torch.zeros(1, num_register_tokens, embed_dim))
            if num_register_tokens
            else None
        )
        self.blocks = nn.ModuleList(
            Block(dim=embed_dim, num_heads=num_heads, mlp_ratio=mlp_ratio, layerscale=layerscale)
            for _ in range(depth)
        )
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        if self.register_tokens is not None:
            nn.init.trunc_normal_(self.register_tokens, std=0.02)

    def kwargs(self) -> dict[str, Any]:
        """The constructor arguments, for a checkpoint."""
        return dict(self._kwargs)

    def forward(self, images: Tensor) -> BackboneOutput:
        if images.ndim != 4 or images.shape[1] != self.in_channels:
            raise InvalidImage(
                f"expected images [B, {self.in_channels}, H, W], got {tuple(images.shape)}"
            )
        height, width = images.shape[-2:]
        if height % self.patch_size or width % self.patch_size:
            raise InvalidImage(
                f"image sides {height} x {width} px are not multiples of the "
                f"patch size {self.patch_size}; pad the tile first"
            )
        grid = (height // self.patch_size, width // self.patch_size)
        batch = images.shape[0]
        tokens = torch.cat([self.cls_token.expand(batch, -1, -1), self.patch_embed(images)], 1)
        tokens = tokens + interpolate_pos_embed(self.pos_embed, grid)
        extra = 1
        if self.register_tokens is not None:
            registers = self.register_tokens.expand(batch, -1, -1)
            tokens = torch.cat([tokens[:, :1], registers, tokens[:, 1:]], dim=1)
            extra += self.register_tokens.shape[1]
        for block in self.blocks[:-1]:
            tokens = block(tokens)
        last = cast(Block, self.blocks[-1])
        tokens, cls_attention = last.forward_with_cls_attention(tokens)
        tokens = self.norm(tokens)
        return BackboneOutput(
            patch_tokens=tokens[:, extra:],
            cls_token=tokens[:, 0],
            cls_attention=cls_attention[:, :, extra:],
            grid=grid,
            patch_size=self.patch_size,
        )
