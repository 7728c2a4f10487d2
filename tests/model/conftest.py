"""Fixtures of the MSGG-AI network tests: real New Brunswick imagery (a sample) and tiny networks.

Networks here are a few thousand parameters with random weights: tests check shapes, wiring and
constructed behaviour, never that random output means anything. Torch imports stay inside the
fixtures, so the torch-free evaluation tests beside these do not pay for them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.support.sample_data import sample

NB_TILE = "imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif"
NB_SMALL = "imagery/new-brunswick/23322E759967N_clipped_1m_1of2.tif"
NB_LABELS = "imagery/new-brunswick/BakerLake_2017_clipped.gpkg"
HYDRO = 2
"""``Cinqclasses`` code of water (lake, river) in the New Brunswick labels."""

TINY_BACKBONE: dict[str, Any] = {
    "patch_size": 8,
    "embed_dim": 32,
    "depth": 2,
    "num_heads": 2,
    "pos_grid": 4,
}
TINY_HEADS: dict[str, Any] = {"hidden_channels": 16, "max_pairs": 24, "iterations": 2}


@pytest.fixture(scope="session")
def new_brunswick() -> tuple[np.ndarray, np.ndarray]:
    """The 0.5 m New Brunswick clip (uint8 (3, 482, 326)) and its water mask (bool (482, 326)).

    The water mask rasterises the labelled hydro polygons (a lake shore on the right side).
    """
    tile, labels_path = sample(NB_TILE), sample(NB_LABELS)
    import geopandas
    import rasterio
    from rasterio.features import rasterize

    labels = geopandas.read_file(labels_path)
    with rasterio.open(tile) as dataset:
        rgb = dataset.read()
        water = rasterize(
            [
                geom
                for geom, code in zip(labels.geometry, labels["Cinqclasses"], strict=True)
                if int(code) == HYDRO
            ],
            out_shape=dataset.shape,
            transform=dataset.transform,
            fill=0,
        ).astype(bool)
    return rgb, water


@pytest.fixture(scope="session")
def new_brunswick_small() -> Path:
    """Path of the smaller New Brunswick clip (280 x 341 px RGB, 0.5 m, EPSG:2953)."""
    return sample(NB_SMALL)


@pytest.fixture
def tiny_network() -> Callable[..., Any]:
    """``tiny_network(seed=0, **segmenter)``: a seeded, untrained MSGGNet with an 8 px ViT."""
    import torch

    from model.checkpoint import DEFAULT_SEGMENTER, build_network

    torch.set_num_threads(1)

    def build(seed: int = 0, **segmenter: Any) -> Any:
        torch.manual_seed(seed)
        return build_network(
            backbone=TINY_BACKBONE, segmenter={**DEFAULT_SEGMENTER, **segmenter}, heads=TINY_HEADS
        )

    return build
