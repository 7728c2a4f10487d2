"""Augmentation for overhead imagery: what may change between two views of the same ground.

A nadir image has no "up": north may point anywhere once a tile is cut, and a mirrored city is
still a city, so the 8 symmetries of the square (``rot90`` x ``flip``) are free. Sensors,
sun and season shift brightness, contrast and saturation (``colour_jitter``). Panchromatic
imagery reaches the network as three equal channels (``ingest.raster`` replicates the band),
so a share of crops is turned to grey the same way (``greyscale``). Scale jitter (a ground
sample distance a little off the nominal one) is done when cropping, in
``model.training.data``.

All functions take float images [3, H, W] in [0, 1] and label maps [H, W] and draw their
randomness from the ``numpy.random.Generator`` they are given, so a crop is a pure function of
the seed and the step.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

LUMA = (0.299, 0.587, 0.114)
"""ITU-R BT.601 weights of R, G, B in the grey value."""


def _grey(image: Tensor) -> Tensor:
    weights = torch.tensor(LUMA, dtype=image.dtype, device=image.device).view(3, 1, 1)
    return (image * weights).sum(dim=0, keepdim=True)


def symmetries(
    image: Tensor, labels: list[Tensor], rng: np.random.Generator, *, rot90: bool, flip: bool
) -> tuple[Tensor, list[Tensor]]:
    """A random element of the square's symmetry group applied to ``image`` and ``labels``."""
    turns = int(rng.integers(4)) if rot90 else 0
    mirror = bool(rng.integers(2)) if flip else False

    def apply(x: Tensor) -> Tensor:
        x = torch.rot90(x, turns, dims=(-2, -1))
        return torch.flip(x, dims=(-1,)) if mirror else x

    return apply(image), [apply(label) for label in labels]


def colour_jitter(
    image: Tensor,
    rng: np.random.Generator,
    *,
    brightness: float,
    contrast: float,
    saturation: float,
    greyscale: float,
) -> Tensor:
    """Random brightness, contrast and saturation factors in [1 - a, 1 + a]; with probability
    ``greyscale`` the crop becomes three equal grey channels (panchromatic)."""
    image = image * float(rng.uniform(1 - brightness, 1 + brightness))
    mean = _grey(image).mean()
    image = (image - mean) * float(rng.uniform(1 - contrast, 1 + contrast)) + mean
    grey = _grey(image)
    image = grey + (image - grey) * float(rng.uniform(1 - saturation, 1 + saturation))
    if rng.random() < greyscale:
        image = _grey(image).expand(3, -1, -1)
    return image.clamp(0.0, 1.0)
