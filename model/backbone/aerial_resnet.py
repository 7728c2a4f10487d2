"""The aerial ResNet-18 of ``geoembed`` (weights/v3.npz) as a plain torch module.

geoembed runs its network on ``netcl`` (pyopencl); we need only its weights. The network is a
CIFAR/NAIP-style ResNet-18: a 3 x 3 stride-1 stem without max-pool, four stages of two basic
blocks (strides 1, 2, 2, 2), so ``features`` (layer4) has output stride 8 and 512 channels. Input
is RGB scaled to [-1, 1]. The embedding head (average pool to 4 x 4, fc 8192 -> 256) is not
needed for dense features and is not built. The npz keys map onto torchvision's names (``bb.``
dropped, ``stem.0`` -> ``conv1``, ``stem.1`` -> ``bn1``, ``short`` -> ``downsample``); the
outputs match geoembed's own forward to 1e-7 (docs/research/pretrained-weights.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from model.errors import CheckpointError

STAGE_CHANNELS = (64, 128, 256, 512)
OUTPUT_STRIDE = 8


class BasicBlock(nn.Module):
    """Two 3 x 3 convolutions with batch norm and a (projected) shortcut."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = (
            nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
            if stride != 1 or in_channels != out_channels
            else None
        )

    def forward(self, x: Tensor) -> Tensor:
        h = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(h + (x if self.downsample is None else self.downsample(x)))


class AerialResNet18(nn.Module):
    """ResNet-18 trunk with the CIFAR stem: [B, 3, H, W] in [-1, 1] -> [B, 512, H/8, W/8]."""

    channels = STAGE_CHANNELS[-1]

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, STAGE_CHANNELS[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(STAGE_CHANNELS[0])
        previous = STAGE_CHANNELS[0]
        for stage, channels in enumerate(STAGE_CHANNELS, start=1):
            stride = 1 if stage == 1 else 2
            blocks = nn.Sequential(
                BasicBlock(previous, channels, stride), BasicBlock(channels, channels, 1)
            )
            self.add_module(f"layer{stage}", blocks)
            previous = channels

    def forward(self, x: Tensor) -> Tensor:
        h = F.relu(self.bn1(self.conv1(x)))
        for stage in range(1, len(STAGE_CHANNELS) + 1):
            h = getattr(self, f"layer{stage}")(h)
        return h


def geoembed_state(path: Path) -> dict[str, Tensor]:
    """The trunk tensors of geoembed's ``v3.npz`` with torchvision key names."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise CheckpointError(f"cannot read the geoembed weights {path}: {error}") from None
    state: dict[str, Tensor] = {}
    for key in archive.files:
        if not key.startswith("bb."):
            continue  # the embedding head (fc.*) and scalar hyper-parameters
        name = key.removeprefix("bb.")
        name = name.replace("stem.0.", "conv1.").replace("stem.1.", "bn1.")
        state[name.replace(".short.", ".downsample.")] = torch.from_numpy(
            np.array(archive[key], copy=True)
        )
    for name in [n for n in state if n.endswith("running_var")]:
        state[name.replace("running_var", "num_batches_tracked")] = torch.tensor(0)
    return state


def aerial_resnet(state: dict[str, Tensor], *, source: str) -> AerialResNet18:
    """An ``AerialResNet18`` holding ``state`` (strict), in eval mode."""
    network = AerialResNet18()
    try:
        network.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise CheckpointError(f"{source} does not fit the aerial ResNet-18: {error}") from None
    return network.eval()
