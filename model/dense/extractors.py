"""Patch feature extractors: each maps an image to features on the 14-pixel patch grid.

All take the image as float RGB in [0, 1], [B, 3, H, W] with H and W multiples of ``PATCH``, and
give [B, C, H / 14, W / 14], so the dense head can concatenate them. Three exist because each
sees something the others miss (the frozen-feature probes in MODEL_CARD.md):

- ``dino``: DINOv2 ViT-S/14 patch tokens (384): object-level context and shape;
- ``colour``: 14 colour and texture statistics per patch: spectral cues (water, vegetation,
  bare soil) that self-supervised tokens blur;
- ``aerial``: the aerial-orthophoto ResNet-18's stride-8 features (512), area-averaged onto the
  patch grid: a network trained on overhead imagery.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import deepcopy
from typing import cast

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from model.backbone.pretrained import AERIAL_RESNET18, DINOV2_VITS14, load_backbone
from model.backbone.vit import VisionTransformer
from model.errors import CheckpointError

PATCH = 14
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class DinoFeatures(nn.Module):
    """DINOv2 ViT-S/14 final-layer patch tokens, ImageNet-normalised input.

    ``tuned`` replaces some of the pinned weights (the blocks an end-to-end fine-tune trained,
    ``model.dense.finetune``) in a private copy: the per-process backbone stays untouched.
    """

    channels = 384
    mean: Tensor
    std: Tensor

    def __init__(self, tuned: Mapping[str, Tensor] | None = None) -> None:
        super().__init__()
        vit = load_backbone(DINOV2_VITS14.name)
        self.vit = cast(VisionTransformer, tuned_copy(vit, tuned) if tuned else vit)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def forward(self, images: Tensor) -> Tensor:
        out = self.vit((images - self.mean) / self.std)
        rows, cols = out.grid
        return out.patch_tokens.transpose(1, 2).reshape(images.shape[0], -1, rows, cols)


def tuned_copy(network: nn.Module, tuned: Mapping[str, Tensor]) -> nn.Module:
    """A copy of ``network`` with the tensors of ``tuned`` in place of its own (names and
    shapes must exist in it: a checkpoint tuned on another backbone is refused)."""
    own = network.state_dict()
    wrong = [k for k, v in tuned.items() if k not in own or own[k].shape != v.shape]
    if wrong:
        raise CheckpointError(
            f"the fine-tuned backbone weights {wrong[:3]} do not fit {DINOV2_VITS14.name}"
        )
    copy = deepcopy(network)
    copy.load_state_dict(dict(tuned), strict=False)
    return copy


class ColourFeatures(nn.Module):
    """14 statistics per patch: means and spreads of RGB, chromaticity, vegetation and water
    indices, saturation, brightness, and edge and texture strength."""

    channels = 14

    def forward(self, images: Tensor) -> Tensor:
        red, green, blue = images.unbind(1)
        total = red + green + blue + 1e-3
        brightest, darkest = images.max(1).values, images.min(1).values
        grey = images.mean(1, keepdim=True)
        dx = grey[..., :, 1:] - grey[..., :, :-1]
        dy = grey[..., 1:, :] - grey[..., :-1, :]
        edges = F.pad(dx.abs(), (0, 1)) + F.pad(dy.abs(), (0, 0, 0, 1))
        laplace = (grey - F.avg_pool2d(grey, 3, 1, 1, count_include_pad=False)).abs()
        per_pixel = torch.cat(
            [
                images,
                (red / total)[:, None],
                (green / total)[:, None],
                (2 * green - red - blue)[:, None],
                ((green - blue) / (green + blue + 1e-3))[:, None],
                ((brightest - darkest) / (brightest + 1e-3))[:, None],
                brightest[:, None],
                edges,
                laplace,
            ],
            dim=1,
        )
        means = F.avg_pool2d(per_pixel, PATCH)
        spread = (F.avg_pool2d(images**2, PATCH) - F.avg_pool2d(images, PATCH) ** 2).clamp_min(0)
        return torch.cat([means, spread.sqrt()], dim=1)


class AerialFeatures(nn.Module):
    """The aerial ResNet-18's layer-4 features, input in [-1, 1], averaged onto the patch grid."""

    channels = 512

    def __init__(self) -> None:
        super().__init__()
        self.trunk = load_backbone(AERIAL_RESNET18.name)

    def forward(self, images: Tensor) -> Tensor:
        features = self.trunk(images * 2 - 1)
        grid = (images.shape[-2] // PATCH, images.shape[-1] // PATCH)
        return F.adaptive_avg_pool2d(features, grid)


EXTRACTORS: dict[str, type[nn.Module]] = {
    "dino": DinoFeatures,
    "colour": ColourFeatures,
    "aerial": AerialFeatures,
}
CHANNELS = {
    "dino": DinoFeatures.channels,
    "colour": ColourFeatures.channels,
    "aerial": AerialFeatures.channels,
}
BACKBONE_WEIGHTS = {"dino": DINOV2_VITS14, "aerial": AERIAL_RESNET18}
"""The packaged weight file each extractor needs (``colour`` needs none)."""


class PatchFeatures(nn.Module):
    """The named extractors side by side: [B, 3, H, W] in [0, 1] -> [B, sum C, H/14, W/14]."""

    def __init__(
        self, names: Sequence[str], tuned: Mapping[str, Mapping[str, Tensor]] | None = None
    ) -> None:
        super().__init__()
        unknown = [name for name in names if name not in EXTRACTORS]
        if unknown or not names:
            raise CheckpointError(
                f"unknown feature extractors {unknown or list(names)}; known: {sorted(EXTRACTORS)}"
            )
        tuned = dict(tuned or {})
        if set(tuned) - {"dino"} or ("dino" in tuned and "dino" not in names):
            raise CheckpointError(f"fine-tuned weights for {sorted(tuned)}: only dino is tunable")
        self.names = tuple(names)
        self.extractors = nn.ModuleList(
            DinoFeatures(tuned.get("dino")) if name == "dino" else EXTRACTORS[name]()
            for name in names
        )
        self.widths = tuple(CHANNELS[name] for name in names)
        self.channels = sum(self.widths)

    def dino(self) -> DinoFeatures:
        """The DINOv2 extractor; CheckpointError when these features have none."""
        for extractor in self.extractors:
            if isinstance(extractor, DinoFeatures):
                return extractor
        raise CheckpointError(f"the features {self.names} use no DINOv2 extractor")

    def forward(self, images: Tensor) -> Tensor:
        return torch.cat([extractor(images) for extractor in self.extractors], dim=1)
