"""Fixtures of the training tests: a two-area dataset imported from real Dubai pairs, and a
tiny training configuration over it.

The dataset holds one image/mask pair of ``tile-2`` (train) and one of ``tile-3`` (val), cut
into 256 px tiles with the rule-engine relations, so every loss term has real targets. The
network of ``tiny_config`` is a few thousand parameters: tests check that training mechanics
work (loss goes down, resume, checkpoints), never that such a model is good.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.sample_data import sample

DUBAI = "training/dubai-6class"
PAIRS = {"tile-2": "image_part_001", "tile-3": "image_part_001"}
"""One pair per area: tile-2 trains, tile-3 validates."""


@pytest.fixture(scope="session")
def dubai_pairs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Dubai-layout folder with links to :data:`PAIRS`."""
    root = tmp_path_factory.mktemp("dubai-pairs")
    for area, name in PAIRS.items():
        for folder, suffix in (("images", ".jpg"), ("masks", ".png")):
            target = sample(f"{DUBAI}/{area}/{folder}/{name}{suffix}")
            (root / area / folder).mkdir(parents=True)
            (root / area / folder / f"{name}{suffix}").symlink_to(target)
    return root


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory, dubai_pairs: Path) -> Path:
    """The pairs imported as a dataset (256 px tiles, rule relations); its directory."""
    from model.datasets.colours import DUBAI_6CLASS
    from model.datasets.masks_import import import_masks
    from model.datasets.writer import TileOptions

    out = tmp_path_factory.mktemp("dubai-tiny") / "dataset"
    import_masks(
        dubai_pairs,
        DUBAI_6CLASS,
        out,
        options=TileOptions(tile_size=256),
        val_areas=("tile-3",),
    )
    return out


@pytest.fixture
def tiny_config(tiny_dataset: Path) -> dict[str, Any]:
    """A training configuration document (as YAML would load it) for a tiny, fast run."""
    import torch

    torch.set_num_threads(1)
    return {
        "seed": 0,
        "data": {"dataset": str(tiny_dataset)},
        "model": {
            "backbone": {
                "patch_size": 8,
                "embed_dim": 32,
                "depth": 2,
                "num_heads": 2,
                "pos_grid": 4,
            },
            "heads": {"hidden_channels": 16, "max_pairs": 32, "iterations": 1},
        },
        "train": {
            "epochs": 1,
            "steps_per_epoch": 2,
            "batch_size": 2,
            "crop_size": 64,
            "ncut_images": 1,
            "lr": 1e-3,
            "min_lr": 1e-3,
            "warmup_steps": 0,
            "device": "cpu",
        },
        "evaluation": {"max_tiles": 1, "batch": 1},
    }
