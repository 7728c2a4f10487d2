"""The dense model at inference: tiles in, ``TilePrediction`` (masks and triplets) out.

Per batch of equally sized tiles: pad to the 14 px patch grid, run the frozen extractors once,
the head on their features, refine the class probabilities to pixels along image edges, crop
back, and cut objects out of the class map (``model.dense.instances``). A checkpoint with a
relation head (``model.dense.relation_head``) scores the ordered pairs of the tile's objects
and reports its triplets with probability >= ``min_score`` (at most ``max_triplets`` per tile);
the rule engine's triplets on the same objects are joined to them by the caller (imagery ingest
on the merged objects, evaluation per tile: ``model.relations``). Relation geometry needs the
tile's ground grid (``TileGrid``); without one a tile is taken at its scale's coarsest GSD.

:meth:`DenseSegmenter.describe` runs the same model on *given* regions: their class from the
mean pixel probabilities over each region, and the relation head on them (PredCls, SGCls).
The whole model is loaded once per process (``DenseSegmenter.from_checkpoint`` keeps the
backbones in a per-process cache).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import torch.nn.functional as F

from ingest.ontology import get_scale
from ingest.vectorise import TileMask
from model.backbone.dino import load_state_strict
from model.datasets.relate import TileGrid
from model.dense.checkpoint import load_dense
from model.dense.extractors import PATCH, PatchFeatures
from model.dense.head import DenseHead
from model.dense.instances import SplitRule, instances_from_classes
from model.dense.pairs import pooled_probabilities, tile_pairs
from model.dense.refine import pixel_probabilities
from model.dense.relation_head import (
    STORED_PREDICATES,
    RelationHead,
    ScoredTriplet,
    score_pairs,
)
from model.errors import OntologyMismatch
from model.inference import (
    RegionDescription,
    RelationTriplet,
    TilePrediction,
    batches_by_shape,
    checked_tiles,
    resolve_device,
)

if TYPE_CHECKING:
    from ingest.raster import TileWindow

DINO_CHANNELS = 384


@dataclass(frozen=True, slots=True)
class RelationSettings:
    """The relation head and how many of its triplets a tile reports."""

    head: RelationHead
    min_score: float
    max_triplets: int

    @classmethod
    def from_checkpoint(cls, raw: dict[str, Any], source: str) -> RelationSettings | None:
        """The checkpoint's relation head, or None for a checkpoint trained without one."""
        stored = raw.get("relations")
        if stored is None:
            return None
        if list(stored.get("predicates", ())) != list(STORED_PREDICATES):
            raise OntologyMismatch(
                f"{source}: its relation head predicts {stored.get('predicates')}, not this "
                f"ontology's stored predicates {list(STORED_PREDICATES)}; retrain it"
            )
        head = RelationHead(**stored["head"])
        load_state_strict(head, stored["state"], source=source)
        return cls(head.eval(), float(stored["min_score"]), int(stored["max_triplets"]))


def default_grid(scale: int) -> TileGrid:
    """A tile of map scale ``scale`` without a known grid, at the scale's coarsest GSD."""
    return TileGrid.nominal(scale, get_scale(scale).gsd_max_m)


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
        relations: RelationSettings | None = None,
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
        self.relations = relations
        if relations is not None:
            relations.head.to(device)
        names = features.names
        self._dino = sum(features.widths[: names.index("dino")]) if "dino" in names else None

    @classmethod
    def from_checkpoint(
        cls, path: str | Path, *, device: str = "auto", batch_size: int = 4
    ) -> DenseSegmenter:
        """Load a dense checkpoint and the backbones it names."""
        raw, head = load_dense(path)
        relations = RelationSettings.from_checkpoint(raw, f"checkpoint {path}")
        return cls(
            PatchFeatures(raw["extractors"], tuned=raw.get("tuned")),
            head,
            classes=raw["classes"],
            refine=raw["refine"],
            min_pixels=int(raw["instances"]["min_pixels"]),
            split=SplitRule(**raw["instances"]["split"]),
            device=resolve_device(device),
            batch_size=batch_size,
            relations=relations,
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

    def forward(self, tiles: Sequence[np.ndarray]) -> list[tuple[np.ndarray, torch.Tensor | None]]:
        """Per tile (uint8 (3, H, W)): pixel class probabilities (K, H, W) and DINOv2 tokens."""
        results: dict[int, tuple[np.ndarray, torch.Tensor | None]] = {}
        for batch in batches_by_shape(tiles, self.batch_size):
            rows, cols = tiles[batch[0]].shape[1:]
            images = torch.stack([torch.from_numpy(tiles[n]).float() / 255.0 for n in batch])
            images = F.pad(images.to(self.device), (0, -cols % PATCH, 0, -rows % PATCH))
            probabilities, tokens = self.probabilities(images)
            cropped = probabilities[..., :rows, :cols].cpu().numpy()
            for i, n in enumerate(batch):
                results[n] = (cropped[i], None if tokens is None else tokens[i])
        return [results[n] for n in range(len(tiles))]

    def predict(
        self,
        tiles: Sequence[np.ndarray],
        valid: Sequence[np.ndarray | None] | None = None,
        grids: Sequence[TileGrid] | None = None,
    ) -> list[TilePrediction]:
        """Scene graphs of ``tiles`` (uint8 (3, H, W)); ``valid`` optional bool (H, W) masks,
        ``grids`` where each tile lies (default: :func:`default_grid` at 1:2,000)."""
        masks = checked_tiles(tiles, valid)
        places = list(grids) if grids is not None else [default_grid(2000)] * len(tiles)
        return [
            self._tile(probabilities, masks[n], tokens, places[n])
            for n, (probabilities, tokens) in enumerate(self.forward(tiles))
        ]

    def predict_windows(self, windows: Sequence[TileWindow]) -> list[TilePrediction]:
        """Scene graphs of raster tile windows (read here, with their validity masks)."""
        pixels = [window.read() for window in windows]
        return self.predict([p.rgb for p in pixels], [p.valid for p in pixels])

    def describe(
        self,
        tiles: Sequence[np.ndarray],
        regions: Sequence[Sequence[np.ndarray]],
        classes: Sequence[Sequence[str]],
        grids: Sequence[TileGrid],
    ) -> list[tuple[TilePrediction, RegionDescription]]:
        """Per tile, from one forward pass: its scene graph (as :meth:`predict`) and the model's
        reading of given regions (non-empty (H, W) masks with their ``classes``): each
        region's label from the mean pixel probabilities over it, and the relation head's
        triplets among the regions read with the given classes (PredCls) and with the labels
        (SGCls)."""
        out = []
        for n, (probabilities, tokens) in enumerate(self.forward(tiles)):
            masks = regions[n]
            pooled = pooled_probabilities(probabilities, masks)
            best = pooled.argmax(axis=1)
            reading = RegionDescription(
                labels=tuple((self.classes[k], float(pooled[i, k])) for i, k in enumerate(best)),
                given=self._relations(
                    masks, probabilities, grids[n], self._class_index(classes[n]), given=True
                ),
                labelled=self._relations(masks, probabilities, grids[n], best, given=True),
            )
            out.append((self._tile(probabilities, None, tokens, grids[n]), reading))
        return out

    @property
    def has_tokens(self) -> bool:
        """Whether :meth:`forward` gives DINOv2 tokens (change evidence compares them)."""
        return self._dino is not None

    @property
    def relation_floor(self) -> float | None:
        """The lowest probability a reported triplet has; None without a relation head."""
        return None if self.relations is None else self.relations.min_score

    def _class_index(self, classes: Sequence[str]) -> np.ndarray:
        """Each given class as an index into the model's classes (-1: a class it lacks)."""
        return np.array([self.classes.index(c) if c in self.classes else -1 for c in classes])

    def _relations(
        self,
        masks: Sequence[np.ndarray],
        probabilities: np.ndarray,
        grid: TileGrid,
        class_index: np.ndarray,
        *,
        given: bool,
    ) -> tuple[RelationTriplet, ...]:
        """The relation head's triplets among ``masks`` (none without a head). Regions of a
        class the model lacks take no part: the head has no input for them."""
        if self.relations is None or len(masks) < 2:
            return ()
        known = np.flatnonzero(class_index >= 0)
        found = tile_pairs([masks[int(i)] for i in known], probabilities, grid)
        scored: list[ScoredTriplet] = score_pairs(
            self.relations.head,
            found,
            class_index[known],
            given=given,
            min_score=self.relations.min_score,
            max_triplets=self.relations.max_triplets,
        )
        return tuple(
            RelationTriplet(int(known[t.subject]), t.predicate, int(known[t.object]), t.score)
            for t in scored
        )

    def objects(
        self, probabilities: np.ndarray, valid: np.ndarray | None, tokens: torch.Tensor | None
    ) -> tuple[TileMask, ...]:
        """The objects cut out of one tile's pixel class probabilities (:meth:`forward`)."""
        found = instances_from_classes(
            probabilities,
            valid,
            classes=self.classes,
            tokens=tokens,
            min_pixels=self.min_pixels,
            rule=self.split,
        )
        return tuple(
            TileMask(class_id=self.classes[i.class_index], score=i.score, mask=i.mask)
            for i in found
        )

    def _tile(
        self,
        probabilities: np.ndarray,
        valid: np.ndarray | None,
        tokens: torch.Tensor | None,
        grid: TileGrid,
    ) -> TilePrediction:
        masks = self.objects(probabilities, valid, tokens)
        index = self._class_index([m.class_id for m in masks])
        triplets = self._relations([m.mask for m in masks], probabilities, grid, index, given=False)
        return TilePrediction(masks=masks, triplets=triplets)
