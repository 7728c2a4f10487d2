"""The dense model's training configuration (``kind: dense``; configs/train-default.yaml).

Sections: ``features`` (which frozen extractors, where their cache lives), ``sources`` (what to
train on, with the classes each labels exhaustively: the partial-label rule), ``gsd_m`` (extra
ground sample distances to train at, besides each source's own), ``augment`` (photometric
copies of the training samples), ``head``, ``train``,
``refine`` (the guided-filter settings tried on the validation split), ``instances``,
``finetune`` (end to end on a GPU, from a trained checkpoint), ``relations`` (the learned
relation head). Unknown
keys are errors, as in ``model.training.config`` (which reads the file and dispatches here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from model.dense.extractors import EXTRACTORS
from model.dense.labelsets import HEAD_CLASSES


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeaturesConfig(_Section):
    """Frozen extractors (channel order) and the folder their per-sample features go to."""

    extractors: tuple[str, ...] = ("dino", "colour")
    cache: Path = Path(".orthograph/cache/dense-features")

    @field_validator("extractors")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in EXTRACTORS]
        if unknown or not value:
            raise ValueError(f"extractors must be some of {sorted(EXTRACTORS)}, got {value}")
        return value


class SourceConfig(_Section):
    """A scene-graph ``dataset`` directory, or the ``georeferenced`` clips under a data root.

    ``exhaustive``: the head classes the source labels wherever they occur (dataset sources;
    the georeferenced table in ``model.dense.sources`` says it per clip). ``repeat``: how often
    each of its training samples is seen per epoch, so a few small clips are not drowned.
    """

    dataset: Path | None = None
    georeferenced: Path | None = None
    exhaustive: tuple[str, ...] = HEAD_CLASSES
    splits: tuple[str, ...] = ("train", "val")
    repeat: int = Field(default=1, ge=1)

    @field_validator("exhaustive")
    @classmethod
    def _head_classes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in HEAD_CLASSES]
        if unknown:
            raise ValueError(f"exhaustive classes must be head classes {HEAD_CLASSES}: {unknown}")
        return value

    def model_post_init(self, context: Any) -> None:
        if (self.dataset is None) == (self.georeferenced is None):
            raise ValueError("give exactly one of dataset and georeferenced")


class AugmentConfig(_Section):
    """Photometric copies of every training sample (``model.dense.samples.photometric``)."""

    photometric: tuple[Literal["grey", "jitter"], ...] = ("grey", "jitter")


class HeadConfig(_Section):
    hidden: int = Field(default=192, ge=8)
    dropout: float = Field(default=0.1, ge=0, lt=1)


class DenseTrainConfig(_Section):
    """Optimiser and schedule; ``class_balance`` b weighs class c by (mean share / share_c)^b."""

    epochs: int = Field(default=30, ge=1)
    batch_size: int = Field(default=8, ge=1)
    lr: float = Field(default=2e-3, gt=0)
    min_lr: float = Field(default=1e-5, ge=0)
    weight_decay: float = Field(default=0.05, ge=0)
    class_balance: float = Field(default=0.5, ge=0, le=1)
    tile_size: int = Field(default=512, ge=64)
    device: str = "auto"
    threads: int = Field(default=2, ge=1)


class RefineConfig(_Section):
    """Guided-filter radii and eps values tried on the validation split (0 = no filter)."""

    radius: tuple[int, ...] = (0, 4, 8)
    eps: tuple[float, ...] = (1e-3, 1e-2)


class SplitConfig(_Section):
    max_cut: float = Field(default=0.1, ge=0, le=2)
    min_patches: int = Field(default=4, ge=1)
    max_depth: int = Field(default=2, ge=0)
    knn: int = Field(default=6, ge=1)


class InstancesConfig(_Section):
    min_pixels: int = Field(default=32, ge=1)
    split: SplitConfig = SplitConfig()


class FinetuneConfig(_Section):
    """End-to-end fine-tuning (``model.dense.finetune``; meant for a GPU): start from the dense
    checkpoint ``init`` and train its head together with the last ``blocks`` DINOv2 blocks (and
    the final norm) on the images themselves, the backbone at ``backbone_lr``. ``blocks: 0``
    (the default) trains the head alone on cached features."""

    init: Path | None = None
    blocks: int = Field(default=0, ge=0, le=12)
    backbone_lr: float = Field(default=1e-5, gt=0)

    def model_post_init(self, context: Any) -> None:
        if self.blocks and self.init is None:
            raise ValueError("fine-tuning needs init: the dense checkpoint to start from")


class RelationsConfig(_Section):
    """The learned relation head (``model.dense.relation_training``): trained on the ground-truth
    regions and rule triplets of the mask dataset ``dataset`` (its ``train`` split; ``val``
    picks the epoch), on top of the dense model just trained, or of ``base`` when given (then
    only the relation head is trained). ``min_score`` is the lowest probability a triplet is
    reported with at inference; ``max_triplets`` caps them per tile (well above the K = 100 of
    the recalls, so the cap never binds recall)."""

    dataset: Path | None = None
    base: Path | None = None
    epochs: int = Field(default=12, ge=1)
    hidden: int = Field(default=128, ge=8)
    lr: float = Field(default=2e-3, gt=0)
    batch_size: int = Field(default=4096, ge=16)
    max_tiles: int = Field(default=400, ge=1)
    min_score: float = Field(default=0.05, gt=0, lt=1)
    max_triplets: int = Field(default=2000, ge=100)

    def model_post_init(self, context: Any) -> None:
        if self.base is not None and self.dataset is None:
            raise ValueError("relations.base needs relations.dataset: the regions to train on")


class DenseTrainingConfig(_Section):
    """The whole file (module docstring)."""

    kind: Literal["dense"]
    seed: int = 0
    features: FeaturesConfig = FeaturesConfig()
    sources: tuple[SourceConfig, ...]
    gsd_m: tuple[float, ...] = (1.0,)
    augment: AugmentConfig = AugmentConfig()
    head: HeadConfig = HeadConfig()
    train: DenseTrainConfig = DenseTrainConfig()
    refine: RefineConfig = RefineConfig()
    instances: InstancesConfig = InstancesConfig()
    finetune: FinetuneConfig = FinetuneConfig()
    relations: RelationsConfig = RelationsConfig()

    def as_json(self) -> dict[str, Any]:
        """Plain values (paths as text), for checkpoints and ``config.yaml`` of a run."""
        return self.model_dump(mode="json")
