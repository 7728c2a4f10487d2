"""Training crops from a scene-graph dataset (docs/datasets.md), read with ``model.datasets``.

Each step draws ``batch_size`` crops: a tile of the training split, uniformly; a square window
of side ``crop_size * f`` with f log-uniform in the ``augment.scale`` range (scale jitter:
the same ground at a slightly different GSD), resized to ``crop_size``; then the symmetries and
colour jitter of ``model.training.augment``. The generator is seeded with ``(seed, step)``, so
crop k of step s is the same in every run and after a resume, whatever came before it.

Labels travel with the pixels as two maps: ``classes`` [H, W] holds the network's object-logit
index (1 + position in ``CLASS_IDS``; 0 = background; -1 = ignored) and ``objects`` [H, W] the
dataset's object id (0 = none). Where objects overlap (several instance bands), the object of
the lowest band wins. A tile's triplets become ``relations``: ordered object-id pairs ->
predicate-logit indices (1 + position in ``PREDICATE_IDS``), stored direction.

Tiles are read when drawn, not held in memory: a step costs a few tile reads, next to seconds
of network time on a CPU.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from ingest.ontology import CLASS_IDS, PREDICATE_IDS
from model.datasets.manifest import Manifest, TileEntry, read_manifest
from model.datasets.tilefiles import read_image, read_labels
from model.errors import InvalidTrainingConfig
from model.inference import IMAGENET_MEAN, IMAGENET_STD
from model.training.augment import colour_jitter, symmetries
from model.training.config import AugmentConfig

Relations = Mapping[tuple[int, int], tuple[int, ...]]
"""(subject object id, object object id) -> predicate-logit indices of that ordered pair."""


@dataclass(frozen=True, slots=True, eq=False)
class LabelledTile:
    """One dataset tile in training form (module docstring): ``image`` uint8 [3, H, W]."""

    image: np.ndarray
    classes: np.ndarray
    objects: np.ndarray
    relations: Relations


@dataclass(frozen=True, slots=True, eq=False)
class Crop:
    """One augmented crop: ``image`` normalised float [3, C, C]; label maps [C, C] int64."""

    image: Tensor
    classes: Tensor
    objects: Tensor
    relations: Relations


def read_tile(root: Path, entry: TileEntry, *, unlabelled_is_background: bool) -> LabelledTile:
    """The tile ``entry`` of the dataset at ``root`` with its label maps and relations."""
    labels = read_labels(root, entry)
    objects = np.zeros(labels.shape, dtype=np.int64)
    classes = np.full(labels.shape, 0 if unlabelled_is_background else -1, dtype=np.int64)
    class_of = {obj.id: 1 + CLASS_IDS.index(obj.class_id) for obj in labels.objects}
    for band in reversed(range(labels.instances.shape[0])):
        ids = labels.instances[band].astype(np.int64)
        covered = ids > 0
        objects[covered] = ids[covered]
    lookup = np.zeros(max(class_of, default=0) + 1, dtype=np.int64)
    for object_id, index in class_of.items():
        lookup[object_id] = index
    classes[objects > 0] = lookup[objects[objects > 0]]
    relations: dict[tuple[int, int], tuple[int, ...]] = {}
    for triplet in labels.triplets:
        key = (triplet.subject, triplet.object)
        relations[key] = (*relations.get(key, ()), 1 + PREDICATE_IDS.index(triplet.predicate))
    return LabelledTile(read_image(root, entry), classes, objects, relations)


def _nearest(size: int, side: int) -> np.ndarray:
    """Source indices of ``size`` output pixels resampling ``side`` input pixels (nearest)."""
    return np.minimum(((np.arange(size) + 0.5) * side / size).astype(np.int64), side - 1)


def augmented_crop(
    tile: LabelledTile, rng: np.random.Generator, *, crop_size: int, augment: AugmentConfig
) -> Crop:
    """A random augmented ``crop_size`` crop of ``tile`` (module docstring)."""
    rows, cols = tile.classes.shape
    low, high = augment.scale
    factor = math.exp(rng.uniform(math.log(low), math.log(high)))
    side = max(1, min(rows, cols, round(crop_size * factor)))
    top, left = int(rng.integers(rows - side + 1)), int(rng.integers(cols - side + 1))
    window = (slice(top, top + side), slice(left, left + side))
    image = torch.from_numpy(tile.image[(slice(None), *window)].astype(np.float32) / 255.0)
    if side != crop_size:
        image = F.interpolate(
            image[None], size=(crop_size, crop_size), mode="bilinear", align_corners=False
        )[0]
    pick = np.ix_(top + _nearest(crop_size, side), left + _nearest(crop_size, side))
    classes, objects = torch.from_numpy(tile.classes[pick]), torch.from_numpy(tile.objects[pick])
    image, (classes, objects) = symmetries(
        image, [classes, objects], rng, rot90=augment.rot90, flip=augment.flip
    )
    image = colour_jitter(
        image,
        rng,
        brightness=augment.brightness,
        contrast=augment.contrast,
        saturation=augment.saturation,
        greyscale=augment.greyscale,
    )
    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    return Crop((image - mean) / std, classes.contiguous(), objects.contiguous(), tile.relations)


class CropSampler:
    """Batches of augmented crops from the tiles of one split (module docstring)."""

    def __init__(
        self,
        root: Path,
        tiles: Sequence[TileEntry],
        *,
        seed: int,
        batch_size: int,
        crop_size: int,
        augment: AugmentConfig,
        unlabelled_is_background: bool,
    ) -> None:
        if not tiles:
            raise InvalidTrainingConfig(f"{root}: the training split holds no tiles")
        self.root = root
        self.tiles = list(tiles)
        self.seed = seed
        self.batch_size = batch_size
        self.crop_size = crop_size
        self.augment = augment
        self.unlabelled_is_background = unlabelled_is_background

    def batch(self, step: int) -> list[Crop]:
        """The crops of training step ``step`` (the same for a given seed, always)."""
        rng = np.random.default_rng([self.seed, step])
        crops = []
        for _ in range(self.batch_size):
            entry = self.tiles[int(rng.integers(len(self.tiles)))]
            tile = read_tile(
                self.root, entry, unlabelled_is_background=self.unlabelled_is_background
            )
            crops.append(augmented_crop(tile, rng, crop_size=self.crop_size, augment=self.augment))
        return crops


def split_tiles(root: Path, manifest: Manifest, split: str) -> list[TileEntry]:
    """The tiles of ``split``; :class:`InvalidTrainingConfig` naming the splits there are."""
    tiles = manifest.tiles_in((split,))
    if not tiles:
        held = {name: len(manifest.tiles_in((name,))) for name in manifest.splits}
        raise InvalidTrainingConfig(
            f"{root}: split {split!r} holds no tiles (tiles per split: {held}); set "
            "data.train_split / data.val_split or rebuild the dataset with other areas held out"
        )
    return tiles


def open_dataset(root: Path) -> Manifest:
    """The manifest of the dataset at ``root``, checked against the running ontology."""
    if not (root / "manifest.json").is_file():
        raise InvalidTrainingConfig(
            f"data.dataset {root}: no manifest.json there; build the dataset first with "
            "'orthograph dataset import-masks' or 'orthograph dataset build'"
        )
    manifest = read_manifest(root)
    unknown = [c for c in manifest.classes if c not in CLASS_IDS]
    unknown += [p for p in manifest.predicates if p not in PREDICATE_IDS]
    if unknown:
        raise InvalidTrainingConfig(
            f"{root}: labels use ids {unknown} that the ontology does not know; rebuild the "
            "dataset with this version of orthograph"
        )
    return manifest


@dataclass(frozen=True, slots=True, eq=False)
class LabelStatistics:
    """What a split holds: objects and pixels per class-logit index [1 + K], triplets per
    predicate-logit index [1 + R] (index 0 stays 0), and its class-level triplets."""

    objects: np.ndarray
    pixels: np.ndarray
    predicates: np.ndarray
    triplets: set[tuple[str, str, str]]


def label_statistics(root: Path, tiles: Sequence[TileEntry]) -> LabelStatistics:
    """Counts for class balancing and the known triplets for zero-shot recall."""
    objects = np.zeros(1 + len(CLASS_IDS), dtype=np.int64)
    pixels = np.zeros(1 + len(CLASS_IDS), dtype=np.int64)
    predicates = np.zeros(1 + len(PREDICATE_IDS), dtype=np.int64)
    triplets: set[tuple[str, str, str]] = set()
    for entry in tiles:
        labels = read_labels(root, entry)
        class_of = {obj.id: obj.class_id for obj in labels.objects}
        for obj in labels.objects:
            objects[1 + CLASS_IDS.index(obj.class_id)] += 1
            pixels[1 + CLASS_IDS.index(obj.class_id)] += obj.pixels
        for triplet in labels.triplets:
            predicates[1 + PREDICATE_IDS.index(triplet.predicate)] += 1
            triplets.add((class_of[triplet.subject], triplet.predicate, class_of[triplet.object]))
    return LabelStatistics(objects, pixels, predicates, triplets)
