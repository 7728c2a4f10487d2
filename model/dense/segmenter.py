"""The dense model at inference: tiles in, ``TilePrediction`` (masks and triplets) out.

Per batch of equally sized tiles: pad to the 14 px patch grid, run the frozen extractors once,
the head on their features, refine the class probabilities to pixels along image edges, crop
back, and cut objects out of the class map (``model.dense.instances``). Relations between the
objects come from the project's rule engine on the tile's objects (``model.dense.relations``),
the same rules the datasets derive their labels with; a learned relation head is issue 17's.
The whole model is loaded once per process (``DenseSegmenter.from_checkpoint`` keeps the
backbones in a per-process cache).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import torch.nn.functional as F

from ingest.vectorise import TileMask
from model.dense.checkpoint import load_dense
from model.dense.extractors import PATCH, PatchFeatures
from model.dense.head import DenseHead
from model.dense.instances import SplitRule, instances_from_classes
from model.dense.refine import pixel_probabilities
from model.inference import (
    RelationTriplet,
    TilePrediction,
    batches_by_shape,
    checked_tiles,
    resolve_device,
)

if TYPE_CHECKING:
    from ingest.raster import TileWindow

DINO_CHANNELS = 384


class DenseSegmenter:
    """Frozen extractors + trained dense head + refinement + instances (module docstring)."""

    def __init__(
        self,
        features: PatchFeatures,
        head: DenseHead,
        *,
        classes: Sequence[str],
        refine: dict[str, Any],
        min_pixels: int,
        split: SplitRule,
        device: torch.device,
        batch_size: int = 4,
    ) -> None:
        if len(classes) != head.num_classes or features.channels != head.in_channels:
            raise ValueError("the head does not fit the classes or the features")
        self.features = features.to(device).eval()
        self.head = head.to(device).eval()
        self.classes = tuple(classes)
        self.refine = dict(refine)
        self.min_pixels = min_pixels
        self.split = split
        self.device = device
        self.batch_size = batch_size
        names = features.names
        self._dino = sum(features.widths[: names.index("dino")]) if "dino" in names else None

    @classmethod
    def from_checkpoint(
        cls, path: str | Path, *, device: str = "auto", batch_size: int = 4
    ) -> DenseSegmenter:
        """Load a dense checkpoint and the backbones it names."""
        raw, head = load_dense(path)
        return cls(
            PatchFeatures(raw["extractors"], tuned=raw.get("tuned")),
            head,
            classes=raw["classes"],
            refine=raw["refine"],
            min_pixels=int(raw["instances"]["min_pixels"]),
            split=SplitRule(**raw["instances"]["split"]),
            device=resolve_device(device),
            batch_size=batch_size,
        )

    @torch.inference_mode()
    def probabilities(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Pixel class probabilities [B, K, H, W] of padded images in [0, 1], and the DINOv2
        tokens [B, 384, h, w] when the model has them."""
        features = self.features(images)
        logits = self.head(features)
        probabilities = pixel_probabilities(logits, images, **self.refine)
        tokens = None
        if self._dino is not None:
            tokens = features[:, self._dino : self._dino + DINO_CHANNELS].float().cpu()
        return probabilities, tokens

    def predict(
        self, tiles: Sequence[np.ndarray], valid: Sequence[np.ndarray | None] | None = None
    ) -> list[TilePrediction]:
        """Scene graphs of ``tiles`` (uint8 (3, H, W)); ``valid`` optional bool (H, W) masks."""
        masks = checked_tiles(tiles, valid)
        results: dict[int, TilePrediction] = {}
        for batch in batches_by_shape(tiles, self.batch_size):
            rows, cols = tiles[batch[0]].shape[1:]
            images = torch.stack([torch.from_numpy(tiles[n]).float() / 255.0 for n in batch])
            images = F.pad(images.to(self.device), (0, -cols % PATCH, 0, -rows % PATCH))
            probabilities, tokens = self.probabilities(images)
            cropped = probabilities[..., :rows, :cols].cpu().numpy()
            for i, n in enumerate(batch):
                token = None if tokens is None else tokens[i]
                results[n] = self._tile(cropped[i], masks[n], token)
        return [results[n] for n in range(len(tiles))]

    def predict_windows(self, windows: Sequence[TileWindow]) -> list[TilePrediction]:
        """Scene graphs of raster tile windows (read here, with their validity masks)."""
        pixels = [window.read() for window in windows]
        return self.predict([p.rgb for p in pixels], [p.valid for p in pixels])

    def _tile(
        self, probabilities: np.ndarray, valid: np.ndarray | None, tokens: torch.Tensor | None
    ) -> TilePrediction:
        found = instances_from_classes(
            probabilities,
            valid,
            classes=self.classes,
            tokens=tokens,
            min_pixels=self.min_pixels,
            rule=self.split,
        )
        masks = tuple(
            TileMask(class_id=self.classes[i.class_index], score=i.score, mask=i.mask)
            for i in found
        )
        triplets: tuple[RelationTriplet, ...] = ()
        return TilePrediction(masks=masks, triplets=triplets)
