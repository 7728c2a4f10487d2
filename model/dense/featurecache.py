"""Frozen patch features of training samples, computed once and kept on disk.

The backbones are frozen, so their features are a pure function of the pixels: the head trains
on cached features for many epochs at the price of one forward pass per sample. Layout under the
cache folder: ``<extractor>/<key>.pt`` (float16 [C, h, w]) and ``labels/<key>.pt`` (the sample's
metadata and its label sets subsampled to ``LABEL_STRIDE``, padded like the image). A sample
already cached is skipped, so an interrupted run resumes where it stopped; each file is written
to a temporary name and renamed, so a crash leaves no half file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from model.dense.extractors import EXTRACTORS, PATCH
from model.dense.samples import Sample

LABEL_STRIDE = 4
"""Label sets are kept at every 4th pixel (offset 2): plenty for a head on a 14 px grid."""


@dataclass(frozen=True, slots=True)
class CachedSample:
    """A cached sample: its features by extractor name [C, h, w], label sets [h', w'], meta."""

    key: str
    source: str
    area: str
    split: str
    gsd_m: float
    features: dict[str, Tensor]
    allowed: Tensor


def cache_key(sample_id: str) -> str:
    """A file-name-safe key for a sample id."""
    return hashlib.sha1(sample_id.encode()).hexdigest()[:20]


def padded(sample: Sample) -> tuple[Tensor, Tensor]:
    """The sample's RGB in [0, 1] and label sets, padded bottom/right to the patch grid."""
    rows, cols = sample.allowed.shape
    pad = (0, -cols % PATCH, 0, -rows % PATCH)
    rgb = torch.nn.functional.pad(torch.from_numpy(sample.rgb).float() / 255.0, pad)
    allowed = torch.nn.functional.pad(torch.from_numpy(sample.allowed), pad)
    return rgb, allowed


def _save(value: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    torch.save(value, temporary)
    os.replace(temporary, path)


def cache_samples(
    samples: Iterable[Sample],
    folder: Path,
    extractors: Sequence[str],
    *,
    progress: Callable[[str], None] = lambda _: None,
) -> list[str]:
    """Compute the missing features of ``samples`` under ``folder``; their keys, in order."""
    modules: dict[str, torch.nn.Module] = {}
    keys = []
    for n, sample in enumerate(samples):
        key = cache_key(sample.id)
        keys.append(key)
        missing = [name for name in extractors if not (folder / name / f"{key}.pt").is_file()]
        labels = folder / "labels" / f"{key}.pt"
        if not labels.is_file():
            rgb, allowed = padded(sample)
            _save(
                {
                    "id": sample.id,
                    "source": sample.source,
                    "area": sample.area,
                    "split": sample.split,
                    "gsd_m": sample.gsd_m,
                    "allowed": allowed[
                        LABEL_STRIDE // 2 :: LABEL_STRIDE, LABEL_STRIDE // 2 :: LABEL_STRIDE
                    ].clone(),
                },
                labels,
            )
        if not missing:
            continue
        rgb, _ = padded(sample)
        with torch.inference_mode():
            for name in missing:
                if name not in modules:
                    modules[name] = EXTRACTORS[name]().eval()
                features = modules[name](rgb[None])[0].half().clone()
                _save(features, folder / name / f"{key}.pt")
        if n % 20 == 0:
            progress(f"cached {n + 1} samples ({sample.id})")
    return keys


def load_cached(folder: Path, keys: Iterable[str], extractors: Sequence[str]) -> list[CachedSample]:
    """The cached samples ``keys`` with the features of ``extractors``."""
    loaded = []
    for key in keys:
        meta = torch.load(folder / "labels" / f"{key}.pt", weights_only=True)
        loaded.append(
            CachedSample(
                key=key,
                source=meta["source"],
                area=meta["area"],
                split=meta["split"],
                gsd_m=float(meta["gsd_m"]),
                features={
                    name: torch.load(folder / name / f"{key}.pt", weights_only=True)
                    for name in extractors
                },
                allowed=meta["allowed"],
            )
        )
    return loaded


def label_share(samples: Sequence[Any], classes: int) -> np.ndarray:
    """The share of single-class (fully labelled) label cells per class, for loss weights;
    ``samples`` are anything with ``allowed`` label sets (a tensor)."""
    counts = np.zeros(classes)
    for sample in samples:
        values, number = np.unique(sample.allowed.numpy(), return_counts=True)
        for value, count in zip(values.tolist(), number.tolist(), strict=True):
            if value and value & (value - 1) == 0:
                counts[value.bit_length() - 1] += count
    return counts / max(counts.sum(), 1)
