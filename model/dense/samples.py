"""Training samples for the dense head: an RGB tile, its partial labels, where it came from.

Two kinds of source feed the head (``model.dense.labelsets`` explains the label sets):

- a scene-graph dataset (``orthograph dataset import-masks`` / ``build``): each tile's objects
  painted into a class map, with the classes the dataset labels exhaustively given by the
  training configuration (all five for the Dubai masks);
- georeferenced clips with vector labels (``model.dense.sources``), cut into tiles.

``rescaled`` gives a sample at a coarser ground sample distance (area-averaged RGB, nearest
label sets), so the head also learns the look of objects at the 1:10,000 analysis GSD.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from model.datasets.manifest import read_manifest
from model.datasets.tilefiles import read_image, read_labels
from model.dense.labelsets import HEAD_CLASSES, from_class_map


@dataclass(frozen=True, slots=True, eq=False)
class Sample:
    """One training tile: ``rgb`` uint8 (3, H, W), ``allowed`` uint8 (H, W) label sets."""

    id: str
    source: str
    area: str
    split: str
    gsd_m: float
    rgb: np.ndarray
    allowed: np.ndarray


def dataset_samples(
    root: Path, *, exhaustive: Iterable[str], splits: tuple[str, ...]
) -> Iterator[Sample]:
    """The tiles of the dataset at ``root`` in ``splits``, labels as head-class sets."""
    manifest = read_manifest(root)
    exhaustive = tuple(exhaustive)
    for entry in manifest.tiles_in(splits):
        labels = read_labels(root, entry)
        class_map = np.full(labels.shape, -1, dtype=np.int8)
        for obj in labels.objects:
            if obj.class_id in HEAD_CLASSES:
                class_map[labels.mask(obj)] = HEAD_CLASSES.index(obj.class_id)
        yield Sample(
            id=f"{root.name}/{entry.id}",
            source=root.name,
            area=entry.area,
            split=manifest.split_of(entry.area) or "",
            gsd_m=entry.gsd_m or 0.5,
            rgb=read_image(root, entry),
            allowed=from_class_map(class_map, exhaustive),
        )


def tiles_of(sample: Sample, size: int) -> Iterator[Sample]:
    """``sample`` cut into tiles of at most ``size`` px (edge tiles smaller, none empty)."""
    rows, cols = sample.allowed.shape
    for top in range(0, rows, size):
        for left in range(0, cols, size):
            window = (slice(top, top + size), slice(left, left + size))
            allowed = sample.allowed[window]
            if not allowed.any():
                continue
            yield replace(
                sample,
                id=f"{sample.id}@{top},{left}",
                rgb=sample.rgb[(slice(None), *window)],
                allowed=allowed,
            )


def rescaled(sample: Sample, gsd_m: float) -> Sample:
    """``sample`` resampled to ``gsd_m`` metres per pixel (coarser only)."""
    factor = sample.gsd_m / gsd_m
    if factor >= 1:
        return sample
    rows, cols = sample.allowed.shape
    shape = (max(1, round(rows * factor)), max(1, round(cols * factor)))
    rgb = torch.from_numpy(sample.rgb).float()[None]
    allowed = torch.from_numpy(sample.allowed)[None, None].float()
    return replace(
        sample,
        id=f"{sample.id}~{gsd_m:g}m",
        gsd_m=gsd_m,
        rgb=F.interpolate(rgb, size=shape, mode="area")[0].round().byte().numpy(),
        allowed=F.interpolate(allowed, size=shape, mode="nearest")[0, 0].byte().numpy(),
    )


def georeferenced_samples(data_root: Path) -> Iterator[Sample]:
    """The labelled clips of ``model.dense.sources`` under ``data_root``, as training samples.

    Clips finer than the finest analysis GSD (1:2,000's ``gsd_min_m``) are resampled to it, as
    the imagery pyramid does: inference never sees them finer.
    """
    from ingest.ontology.scales import SCALES
    from model.dense.sources import GEOREFERENCED_SOURCES, read_source

    finest = min(scale.gsd_min_m for scale in SCALES)
    for spec in GEOREFERENCED_SOURCES:
        for raster in read_source(spec, data_root, gsd_m=finest):
            yield Sample(
                id=raster.source,
                source=raster.source,
                area=raster.area,
                split="train",
                gsd_m=raster.gsd_m,
                rgb=raster.rgb,
                allowed=raster.allowed,
            )


def photometric(sample: Sample, kind: str) -> Sample:
    """A copy of ``sample`` as another sensor might see it (labels unchanged).

    The head trains on features of fixed images, so photometric variety must be in the images
    before the features are computed: ``grey`` is a panchromatic rendering (luminance in all
    three bands, like a 1-band 16-bit source stretched by ingest); ``jitter`` changes
    brightness, contrast, saturation, white balance and gamma by amounts drawn from the sample
    id (deterministic), the spread between satellites, aerial cameras and seasons.
    """
    rgb = sample.rgb.astype(np.float32) / 255.0
    if kind == "grey":
        luminance = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])[None]
        out = np.repeat(luminance, 3, axis=0)
    elif kind == "jitter":
        rng = np.random.default_rng(
            int.from_bytes(sample.id.encode()[-8:].ljust(8, b"0"), "little")
        )
        grey = rgb.mean(axis=0, keepdims=True)
        out = grey + (rgb - grey) * rng.uniform(0.5, 1.5)  # saturation
        out = out * rng.uniform(0.9, 1.1, size=(3, 1, 1))  # white balance
        out = (out - out.mean()) * rng.uniform(0.7, 1.3) + out.mean()  # contrast
        out = out * rng.uniform(0.7, 1.3)  # brightness
        out = np.clip(out, 0, 1) ** rng.uniform(0.8, 1.25)  # gamma
    else:
        raise ValueError(f"unknown photometric kind {kind!r}; use grey or jitter")
    return replace(
        sample,
        id=f"{sample.id}~{kind}",
        rgb=np.clip(np.round(out * 255.0), 0, 255).astype(np.uint8),
    )
