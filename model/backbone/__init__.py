"""Backbones: images -> per-patch features (stage 1 of MSGG-AI).

``VisionTransformer`` is a compact ViT in the DINO/DINOv2 parameter layout; ``load_dino_backbone``
reads the published DINO/DINOv2 weights from a local file.
"""

from model.backbone.dino import load_dino_backbone, vit_kwargs_from_state_dict
from model.backbone.vit import BackboneOutput, VisionTransformer, interpolate_pos_embed

__all__ = [
    "BackboneOutput",
    "VisionTransformer",
    "interpolate_pos_embed",
    "load_dino_backbone",
    "vit_kwargs_from_state_dict",
]
