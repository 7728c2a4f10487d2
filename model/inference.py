"""Inference: tiles in, ``TileMask``s and relation triplets out (the ``infer_tile`` side).

A ``Segmenter`` is loaded once per worker process (``from_checkpoint``) and reused for every
tile. It takes 8-bit RGB tiles (3, H, W) as ``ingest.raster`` reads them, normalises them with
the ImageNet statistics DINO was trained with, pads the bottom and right edges to a multiple of
the patch size, runs the network in batches of equally sized tiles, and turns each output into

- one ``TileMask`` per region whose most probable label is an ontology class (regions labelled
  background are dropped); ``score`` is that class's probability; the mask is the region's
  pixels on the tile grid, minus the tile's invalid (nodata) pixels;
- ``RelationTriplet``s between those masks: per proposed pair, its most probable predicate
  other than "no relation", scored relatedness x predicate probability (object scores are not
  multiplied in: the evaluator's PRODUCT scoring and the graph writer do that), stored in the
  ontology's canonical direction (``contains`` becomes ``inside`` with subject and object
  swapped), the best ``max_triplets`` per tile.

The device is ``"auto"`` (CUDA when present, else CPU), ``"cpu"`` or ``"cuda[:n]"``; the
normalized cut runs on the CPU either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from ingest.imagery.segmenter import TileSegmentation, TileTriplet
from ingest.ontology import CLASS_IDS, PREDICATE_IDS, classes_at, get_predicate, get_scale
from ingest.vectorise import TileMask
from model.checkpoint import default_network, load_checkpoint, network_from_dino
from model.datasets.relate import TileGrid
from model.errors import CheckpointError, InvalidImage
from model.network import MSGGNet, SceneGraphOutput

if TYPE_CHECKING:
    from ingest.raster import RasterPixels, TileWindow
    from model.change.source import ImageEvidence

DEFAULT_CHECKPOINT = Path(__file__).resolve().parent / "weights" / "default.pt"
"""The shipped model (MODEL_CARD.md): trained on the Dubai masks, 2000-scale classes only."""

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


INFERENCE_MAX_TRIPLETS = 2000
"""Default cap on the triplets a tile reports: above every K the evaluator reads (R@100, the
STAR recalls up to 2000), so the cap never decides a recall."""

INFERENCE_MAX_PAIRS = 1024
"""Default cap on the MSGG-AI RePN's proposed pairs per tile at inference (training keeps its
configured, smaller number): well above K = 100, so proposals do not bind recall either."""


@dataclass(frozen=True, slots=True)
class RelationTriplet:
    """``subject -predicate-> object`` between two masks of one tile, by index in ``masks``."""

    subject: int
    predicate: str
    object: int
    score: float


@dataclass(frozen=True, slots=True)
class TilePrediction:
    """The scene graph of one tile: object masks and the relations between them."""

    masks: tuple[TileMask, ...]
    triplets: tuple[RelationTriplet, ...]


@dataclass(frozen=True, slots=True)
class RegionDescription:
    """A model's reading of given regions of one tile: ``labels[i]`` (class, probability) of
    region i; its relation triplets among them (indices into the regions) with the regions'
    given classes (``given``) and with its own labels (``labelled``)."""

    labels: tuple[tuple[str, float], ...]
    given: tuple[RelationTriplet, ...]
    labelled: tuple[RelationTriplet, ...]


@dataclass(frozen=True, slots=True)
class CrossScaleLink:
    """Object ``fine`` of pyramid level ``level`` is part_of object ``coarse`` of ``level + 1``.

    Indices are into the levels' ``masks``; ``share`` is the part of the fine object's area that
    lies inside the coarse one.
    """

    level: int
    fine: int
    coarse: int
    share: float


@dataclass(frozen=True, slots=True)
class PyramidPrediction:
    """One footprint at several scales (fine to coarse) and the part_of links between them."""

    levels: tuple[TilePrediction, ...]
    part_of: tuple[CrossScaleLink, ...]


def resolve_device(device: str) -> torch.device:
    """``"auto"``: the first CUDA device when there is one, else the CPU; else as given."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def checked_tiles(
    tiles: Sequence[np.ndarray], valid: Sequence[np.ndarray | None] | None
) -> list[np.ndarray | None]:
    """The validity masks of ``tiles`` (None for all valid), after checking both."""
    masks: list[np.ndarray | None] = [None] * len(tiles) if valid is None else list(valid)
    if len(masks) != len(tiles):
        raise InvalidImage(f"{len(masks)} validity masks for {len(tiles)} tiles")
    for n, (rgb, mask) in enumerate(zip(tiles, masks, strict=True)):
        if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[0] != 3:
            shape = getattr(rgb, "shape", type(rgb).__name__)
            raise InvalidImage(f"tile {n} must be a (3, H, W) RGB array, got {shape}")
        if rgb.dtype != np.uint8:
            raise InvalidImage(
                f"tile {n} must be uint8 RGB, got {rgb.dtype}; stretch it to 8 bits "
                "first (ingest.raster does)"
            )
        if mask is not None and (mask.dtype != np.bool_ or mask.shape != rgb.shape[1:]):
            raise InvalidImage(
                f"the validity mask of tile {n} must be bool {rgb.shape[1:]}, got "
                f"{mask.dtype} {mask.shape}"
            )
    return masks


def batches_by_shape(tiles: Sequence[np.ndarray], size: int) -> list[list[int]]:
    """Indices of ``tiles`` in batches of at most ``size`` tiles of one (H, W): a network call
    stacks its batch, and the last tiles of a raster row or column are often smaller."""
    by_shape: dict[tuple[int, int], list[int]] = defaultdict(list)
    for n, rgb in enumerate(tiles):
        by_shape[(rgb.shape[1], rgb.shape[2])].append(n)
    return [
        members[start : start + size]
        for members in by_shape.values()
        for start in range(0, len(members), size)
    ]


class Segmenter:
    """The MSGG-AI network wrapped for tile inference (see the module docstring).

    ``batch_size`` tiles go through the backbone together; ``max_triplets`` caps the triplets
    kept per tile. The network relates masks with its own heads, so it needs no tile grid.
    """

    def __init__(
        self,
        network: MSGGNet,
        *,
        device: torch.device,
        classes: Sequence[str] = CLASS_IDS,
        predicates: Sequence[str] = PREDICATE_IDS,
        batch_size: int = 8,
        max_triplets: int = INFERENCE_MAX_TRIPLETS,
    ) -> None:
        if (len(classes), len(predicates)) != (network.num_classes, network.num_predicates):
            raise ValueError("the class and predicate lists do not fit the network's outputs")
        self.network = network.to(device).eval()
        self.device = device
        self.classes = tuple(classes)
        self.predicates = tuple(predicates)
        self.batch_size = batch_size
        self.max_triplets = max_triplets
        self._mean = torch.tensor(IMAGENET_MEAN, device=device).view(3, 1, 1)
        self._std = torch.tensor(IMAGENET_STD, device=device).view(3, 1, 1)

    @classmethod
    def from_checkpoint(
        cls,
        path: str | Path | None,
        *,
        device: str = "auto",
        batch_size: int = 8,
        max_pairs: int = INFERENCE_MAX_PAIRS,
    ) -> Segmenter:
        """Load an orthograph checkpoint; ``None`` gives the untrained default network.
        ``max_pairs`` replaces the RePN's training-time pair cap for inference."""
        network = default_network() if path is None else load_checkpoint(path)
        network.repn.max_pairs = max_pairs
        return cls(network, device=resolve_device(device), batch_size=batch_size)

    @classmethod
    def from_dino(cls, path: str | Path, *, device: str = "auto", batch_size: int = 8) -> Segmenter:
        """DINO/DINOv2 backbone weights with untrained heads (segments only are meaningful)."""
        return cls(network_from_dino(path), device=resolve_device(device), batch_size=batch_size)

    def prepare(self, rgb: np.ndarray) -> Tensor:
        """A uint8 (3, H, W) tile as a normalised float [3, H', W'] padded to the patch size."""
        image = torch.from_numpy(rgb).to(self.device).float() / 255.0
        image = (image - self._mean) / self._std
        patch = self.network.patch_size
        height, width = rgb.shape[1:]
        return F.pad(image, (0, -width % patch, 0, -height % patch))

    @torch.inference_mode()
    def predict(
        self,
        tiles: Sequence[np.ndarray],
        valid: Sequence[np.ndarray | None] | None = None,
        grids: Sequence[TileGrid] | None = None,
    ) -> list[TilePrediction]:
        """Scene graphs of ``tiles`` (uint8 (3, H, W)); ``valid`` optional bool (H, W) masks;
        ``grids`` are accepted for the ``TileModel`` protocol and not needed here."""
        masks = checked_tiles(tiles, valid)
        results: dict[int, TilePrediction] = {}
        for batch in batches_by_shape(tiles, self.batch_size):
            shape = (tiles[batch[0]].shape[1], tiles[batch[0]].shape[2])
            images = torch.stack([self.prepare(tiles[n]) for n in batch])
            outputs = self.network(images, [shape] * len(batch))
            for n, output in zip(batch, outputs, strict=True):
                results[n] = self._tile_prediction(output, masks[n])[0]
        return [results[n] for n in range(len(tiles))]

    def predict_windows(self, windows: Sequence[TileWindow]) -> list[TilePrediction]:
        """Scene graphs of raster tile windows (read here, with their validity masks)."""
        pixels = [window.read() for window in windows]
        return self.predict([p.rgb for p in pixels], [p.valid for p in pixels])

    @property
    def relation_floor(self) -> float | None:
        """None: RePN proposes only some pairs, so an unreported pair says nothing."""
        return None

    @torch.inference_mode()
    def predict_pyramid(
        self, levels: Sequence[np.ndarray], valid: Sequence[np.ndarray | None] | None = None
    ) -> PyramidPrediction:
        """One footprint at several scales, fine to coarse, with cross-scale part_of links."""
        masks = checked_tiles(levels, valid)
        images = [self.prepare(rgb)[None] for rgb in levels]
        shapes = [(rgb.shape[1], rgb.shape[2]) for rgb in levels]
        outputs, links = self.network.forward_pyramid(images, shapes)
        predictions = [
            self._tile_prediction(out, mask) for out, mask in zip(outputs, masks, strict=True)
        ]
        part_of = []
        for level, link in enumerate(links):
            fine_index, coarse_index = predictions[level][1], predictions[level + 1][1]
            pairs = zip(link.links.T.tolist(), link.shares.tolist(), strict=True)
            part_of += [
                CrossScaleLink(level, fine_index[fine], coarse_index[coarse], share)
                for (fine, coarse), share in pairs
                if fine in fine_index and coarse in coarse_index
            ]
        return PyramidPrediction(levels=tuple(p[0] for p in predictions), part_of=tuple(part_of))

    def _tile_prediction(
        self, output: SceneGraphOutput, valid: np.ndarray | None
    ) -> tuple[TilePrediction, dict[int, int]]:
        """The tile's masks and triplets, and the map region index -> mask index."""
        pixels = output.proposals.pixel_regions
        probabilities = output.object_logits.softmax(dim=1).cpu()
        scores, labels = probabilities.max(dim=1)
        masks: list[TileMask] = []
        index: dict[int, int] = {}
        for region, (label, score) in enumerate(zip(labels.tolist(), scores.tolist(), strict=True)):
            mask = pixels == region
            if valid is not None:
                mask &= valid
            if label == 0 or not mask.any():
                continue
            index[region] = len(masks)
            masks.append(TileMask(class_id=self.classes[label - 1], score=float(score), mask=mask))
        return TilePrediction(masks=tuple(masks), triplets=self._triplets(output, index)), index

    def _triplets(
        self, output: SceneGraphOutput, index: dict[int, int]
    ) -> tuple[RelationTriplet, ...]:
        best, predicate = output.predicate_logits.softmax(dim=1)[:, 1:].cpu().max(dim=1)
        scores = (output.relatedness.cpu() * best).tolist()
        found: dict[tuple[int, str, int], float] = {}
        for (subject, obj), p, score in zip(
            output.pair_index.T.tolist(), predicate.tolist(), scores, strict=True
        ):
            if subject not in index or obj not in index:
                continue
            s, name, o = index[subject], self.predicates[p], index[obj]
            stored = get_predicate(name)
            if not stored.stored and stored.inverse is not None:
                s, name, o = o, stored.inverse, s
            found[(s, name, o)] = max(score, found.get((s, name, o), 0.0))
        ranked = sorted(found.items(), key=lambda item: -item[1])[: self.max_triplets]
        return tuple(
            RelationTriplet(subject=s, predicate=p, object=o, score=score)
            for (s, p, o), score in ranked
        )


class TileModel(Protocol):
    """What imagery ingest and evaluation need of a model: scene graphs of RGB tiles.

    ``classes`` are the ontology classes it can answer; ``relation_floor`` is the lowest
    probability of a reported triplet when the model scores every pair of a tile's objects (so
    a pair it leaves out scored below it), else None.
    """

    @property
    def classes(self) -> tuple[str, ...]: ...

    @property
    def relation_floor(self) -> float | None: ...

    def predict(
        self,
        tiles: Sequence[np.ndarray],
        valid: Sequence[np.ndarray | None] | None = None,
        grids: Sequence[TileGrid] | None = None,
    ) -> list[TilePrediction]: ...


def load_tile_model(path: str | Path, *, device: str = "auto", batch_size: int = 8) -> TileModel:
    """The model in checkpoint ``path``: a dense model (``model.dense``) or an MSGG-AI network.

    The file says which (its ``format``); both answer ``predict`` the same way.
    """
    from model.backbone.dino import load_file
    from model.dense.checkpoint import is_dense

    if is_dense(load_file(path)):
        from model.dense.segmenter import DenseSegmenter

        return DenseSegmenter.from_checkpoint(path, device=device, batch_size=batch_size)
    return Segmenter.from_checkpoint(path, device=device, batch_size=batch_size)


class ImagerySegmenter:
    """``ingest.imagery.segmenter.Segmenter`` on top of :class:`Segmenter` (imagery ingest).

    Each call runs ``Segmenter.predict`` on the tiles' RGB and validity masks. The network
    labels regions without knowing the map scale, so masks of classes not drawn at ``scale``
    (``ingest.ontology.classes_at``) are dropped here, with the triplets that touch them; the
    remaining triplets are re-indexed onto the kept masks.
    """

    name = "msgg-ai"

    def __init__(self, segmenter: TileModel, *, random_init: bool, model_tag: str = "") -> None:
        self.segmenter = segmenter
        self._random_init = random_init
        self.model_tag = model_tag

    @property
    def random_init(self) -> bool:
        """True when the weights were never trained (their output is noise)."""
        return self._random_init

    @property
    def classes(self) -> tuple[str, ...]:
        """The classes the model was trained on: what its map states observe."""
        return tuple(self.segmenter.classes)

    def evidence(self, raster_store: str) -> ImageEvidence | None:
        """Change evidence from this model's pixel maps (``model.change``), kept beside the
        images in the store at ``raster_store``: a dense model with DINOv2 tokens, trained
        weights and a calibration file; else None."""
        from ingest.rasterstore import RasterStore
        from model.change.calibration import CALIBRATION_FILE, Calibration
        from model.change.source import ImageEvidence
        from model.dense.segmenter import DenseSegmenter

        model = self.segmenter
        if (
            self._random_init
            or not isinstance(model, DenseSegmenter)
            or not model.has_tokens
            or not CALIBRATION_FILE.is_file()
        ):
            return None
        return ImageEvidence(model, self.model_tag, Calibration.load(), RasterStore(raster_store))

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        """One ``TileSegmentation`` per tile, with only classes drawn at ``scale``."""
        drawn = set(classes_at(scale))
        predictions = self.segmenter.predict(
            [t.rgb for t in tiles], [t.valid for t in tiles], [ground_grid(t, scale) for t in tiles]
        )
        return [_at_scale(prediction, drawn) for prediction in predictions]


def ground_grid(pixels: RasterPixels, scale: int) -> TileGrid:
    """A metric grid for relation geometry of an ingest tile: its pixel size when that is a
    GSD of ``scale`` (the pyramid resamples each level into its scale's range), else (a
    geographic CRS, whose pixel size is in degrees) the scale's coarsest GSD."""
    level = get_scale(scale)
    size = abs(pixels.transform.a)
    gsd = size if level.gsd_min_m / 2 <= size <= level.gsd_max_m * 2 else level.gsd_max_m
    return TileGrid.nominal(scale, gsd)


def _at_scale(prediction: TilePrediction, drawn: set[str]) -> TileSegmentation:
    kept = [n for n, mask in enumerate(prediction.masks) if mask.class_id in drawn]
    index = {old: new for new, old in enumerate(kept)}
    return TileSegmentation(
        masks=tuple(prediction.masks[n] for n in kept),
        triplets=tuple(
            TileTriplet(index[t.subject], t.predicate, index[t.object], t.score)
            for t in prediction.triplets
            if t.subject in index and t.object in index
        ),
    )


def load_segmenter(
    checkpoint: str | Path | None = None, *, device: str = "auto"
) -> ImagerySegmenter:
    """The imagery-ingest segmenter of ``checkpoint``, or of the shipped default model.

    Raises ``CheckpointError`` when the shipped weights are missing (an install without the
    package data): retrain them with ``scripts/retrain-default.sh`` or pass a checkpoint.
    """
    path = DEFAULT_CHECKPOINT if checkpoint is None else Path(checkpoint)
    if checkpoint is None and not path.is_file():
        raise CheckpointError(
            f"the shipped default model {path} is missing; reinstall orthograph with its "
            "package data, retrain it with scripts/retrain-default.sh, or pass --model CKPT"
        )
    return ImagerySegmenter(
        load_tile_model(path, device=device), random_init=False, model_tag=model_tag(path)
    )


def model_tag(path: str | Path) -> str:
    """A short name of the weights in ``path`` (the start of the file's SHA-256): derived maps
    and calibrations say which weights they belong to."""
    from intake.digest import sha256_file

    return sha256_file(path)[:16]
