"""Datasets built once per session from the real sample data, and a fresh synthetic one.

The sample files come through fixtures (``nb_images``, ``nb_labels``, ``dubai``) so that a test
whose data is absent is skipped or failed with the reason, not the whole module at import.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dataset_fixtures import (
    DUBAI,
    DUBAI_SUBSET,
    NB_IMAGES,
    NB_LABELS,
    NB_MAPPING,
    synthetic_dataset,
)

from model.datasets.colours import DUBAI_6CLASS
from model.datasets.georeferenced import build_georeferenced
from model.datasets.manifest import Manifest
from model.datasets.masks_import import import_masks
from model.datasets.writer import TileOptions
from tests.support.sample_data import sample


@pytest.fixture(scope="session")
def nb_mapping(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The New Brunswick class mapping as a YAML file."""
    path = tmp_path_factory.mktemp("mapping") / "new-brunswick.yaml"
    path.write_text(NB_MAPPING, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def nb_images() -> tuple[Path, Path]:
    """The two overlapping 0.5 m New Brunswick clips (EPSG:2953)."""
    first, second = NB_IMAGES
    return sample(first), sample(second)


@pytest.fixture(scope="session")
def nb_labels() -> Path:
    """The New Brunswick GeoPackage of labelled polygons (``Niveau_3`` categories)."""
    return sample(NB_LABELS)


@pytest.fixture(scope="session")
def nb_dataset(
    tmp_path_factory: pytest.TempPathFactory,
    nb_mapping: Path,
    nb_images: tuple[Path, Path],
    nb_labels: Path,
) -> tuple[Path, Manifest]:
    """New Brunswick's two clips and its GeoPackage, 256 px tiles, every scale they serve."""
    out = tmp_path_factory.mktemp("nb") / "dataset"
    manifest = build_georeferenced(
        list(nb_images), nb_labels, out, mapping=nb_mapping, options=TileOptions(tile_size=256)
    )
    return out, manifest


@pytest.fixture(scope="session")
def dubai() -> Path:
    """The Dubai folder (``tile-N/images``, ``tile-N/masks``): research-licensed, shared only."""
    return sample(DUBAI)


@pytest.fixture(scope="session")
def dubai_subset(tmp_path_factory: pytest.TempPathFactory, dubai: Path) -> Path:
    """A Dubai-layout folder of links to :data:`DUBAI_SUBSET`."""
    root = tmp_path_factory.mktemp("dubai-source")
    for area, name in DUBAI_SUBSET.items():
        for folder, suffix in (("images", ".jpg"), ("masks", ".png")):
            target = sample(f"{DUBAI}/{area}/{folder}/{name}{suffix}")
            (root / area / folder).mkdir(parents=True)
            (root / area / folder / f"{name}{suffix}").symlink_to(target)
    return root


@pytest.fixture(scope="session")
def dubai_dataset(
    tmp_path_factory: pytest.TempPathFactory, dubai_subset: Path
) -> tuple[Path, Manifest]:
    """The Dubai subset imported with tile-2 for validation and tile-3 for testing."""
    out = tmp_path_factory.mktemp("dubai") / "dataset"
    manifest = import_masks(
        dubai_subset, DUBAI_6CLASS, out, val_areas=("tile-2",), test_areas=("tile-3",)
    )
    return out, manifest


@pytest.fixture
def synthetic(tmp_path: Path) -> tuple[Path, Manifest]:
    """A fresh two-tile synthetic dataset (``dataset_fixtures.synthetic_dataset``)."""
    root = tmp_path / "synthetic"
    return root, synthetic_dataset(root)
