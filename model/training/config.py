"""The training configuration: one YAML file, validated here, translated into kwargs at the edge.

The file has six sections (``configs/train-msgg.yaml`` is the reference):

- ``seed``: fixes the initial weights, every crop, augmentation and sampled pair (see
  ``model.training.data``);
- ``data``: the scene-graph dataset (docs/datasets.md) and its splits;
- ``model``: ``VisionTransformer``, ``GraphCutSegmenter`` and head kwargs, or a backbone to
  start from (``init_backbone``: a DINO/DINOv2 weights file or an orthograph checkpoint);
- ``train``: epochs, steps, batch, crop size, optimiser, device;
- ``losses``: the weight of each loss term (``model.training.losses``);
- ``augment``: the overhead-imagery augmentations (``model.training.augment``);
- ``evaluation``: how much of the validation split is scored after each epoch.

Unknown keys are errors (a typo must not silently train something else), and every problem is
reported at once, by its dotted path, as :class:`InvalidTrainingConfig`. Relative paths are
read from the current directory. No module sees this object: ``model.training.trainer``
passes its values on as keyword arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from model.dense.config import DenseTrainingConfig
from model.errors import InvalidTrainingConfig


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataConfig(_Section):
    """``dataset``: a dataset directory; ``unlabelled``: what pixels of no object mean.

    ``ignore`` suits exhaustively labelled masks with an "unlabelled" colour (Dubai): such
    pixels carry no loss. ``background`` suits map labels where every object is drawn, so the
    rest is truly no object of the ontology.
    """

    dataset: Path
    train_split: str = "train"
    val_split: str = "val"
    unlabelled: Literal["ignore", "background"] = "ignore"


class BackboneConfig(_Section):
    """``VisionTransformer`` kwargs (``model.backbone.vit``)."""

    patch_size: int = Field(default=8, ge=2)
    embed_dim: int = Field(default=64, ge=8)
    depth: int = Field(default=4, ge=1)
    num_heads: int = Field(default=2, ge=1)
    mlp_ratio: float = Field(default=4.0, gt=0)
    pos_grid: int = Field(default=32, ge=1)

    @model_validator(mode="after")
    def _heads_divide(self) -> BackboneConfig:
        if self.embed_dim % self.num_heads:
            raise ValueError(
                f"embed_dim {self.embed_dim} must be a multiple of num_heads {self.num_heads}"
            )
        return self


class SegmenterConfig(_Section):
    """``GraphCutSegmenter`` kwargs (``model.segmentation.graph_cut``)."""

    knn: int = Field(default=10, ge=1)
    threshold: float = Field(default=0.0, ge=-1.0, le=1.0)
    k_min: int = Field(default=2, ge=1)
    k_max: int = Field(default=8, ge=1)
    min_patches: int = Field(default=2, ge=1)
    seed: int = 0

    @model_validator(mode="after")
    def _k_order(self) -> SegmenterConfig:
        if self.k_min > self.k_max:
            raise ValueError(f"k_min {self.k_min} is larger than k_max {self.k_max}")
        return self


class HeadsConfig(_Section):
    """``MSGGNet`` head kwargs."""

    hidden_channels: int = Field(default=64, ge=4)
    max_pairs: int = Field(default=128, ge=1)
    iterations: int = Field(default=2, ge=0)


class ModelConfig(_Section):
    """The network: a fresh ``backbone`` or ``init_backbone`` weights, never both."""

    backbone: BackboneConfig | None = None
    init_backbone: Path | None = None
    segmenter: SegmenterConfig = SegmenterConfig()
    heads: HeadsConfig = HeadsConfig()

    @model_validator(mode="after")
    def _one_backbone(self) -> ModelConfig:
        if (self.backbone is None) == (self.init_backbone is None):
            raise ValueError(
                "give exactly one of model.backbone (a fresh ViT) and model.init_backbone (a "
                "DINO weights file or orthograph checkpoint to start from)"
            )
        return self


class TrainConfig(_Section):
    """Optimisation: AdamW with a linear warm-up and a cosine decay to ``min_lr``.

    ``ncut_images`` of each batch also train the heads on their own normalized-cut regions
    (what inference sees); all images train them on their ground-truth regions.
    ``negatives_per_positive`` unrelated pairs are sampled per related pair for the
    predicate head.
    """

    epochs: int = Field(default=6, ge=1)
    steps_per_epoch: int = Field(default=60, ge=1)
    batch_size: int = Field(default=8, ge=1)
    crop_size: int = Field(default=256, ge=16)
    ncut_images: int = Field(default=2, ge=0)
    negatives_per_positive: float = Field(default=2.0, ge=0)
    lr: float = Field(default=1e-3, gt=0)
    min_lr: float = Field(default=5e-5, ge=0)
    weight_decay: float = Field(default=0.05, ge=0)
    warmup_steps: int = Field(default=20, ge=0)
    grad_clip: float = Field(default=1.0, gt=0)
    device: str = "auto"
    threads: int | None = Field(default=None, ge=1)
    log_every: int = Field(default=10, ge=1)

    @model_validator(mode="after")
    def _lr_order(self) -> TrainConfig:
        if self.min_lr > self.lr:
            raise ValueError(f"min_lr {self.min_lr} is larger than lr {self.lr}")
        return self


class LossConfig(_Section):
    """Weights of the loss terms, and how strongly rare classes are up-weighted.

    ``class_balance`` is the exponent b of the class weights w_c = (mean_n / n_c)^b, n_c the
    training objects (or triplets) of class (predicate) c: 0 is no balancing, 1 inverse
    frequency. The affinity and patch losses use ``affinity_patches`` random patches per crop.
    """

    affinity: float = Field(default=1.0, ge=0)
    patches: float = Field(default=1.0, ge=0)
    objects: float = Field(default=1.0, ge=0)
    relatedness: float = Field(default=0.5, ge=0)
    predicates: float = Field(default=0.5, ge=0)
    affinity_margin: float = Field(default=0.0, ge=-1.0, le=1.0)
    affinity_patches: int = Field(default=512, ge=2)
    class_balance: float = Field(default=0.5, ge=0, le=1)


class AugmentConfig(_Section):
    """Overhead-imagery augmentation; see ``model.training.augment`` for what each does."""

    rot90: bool = True
    flip: bool = True
    scale: tuple[float, float] = (0.75, 1.33)
    brightness: float = Field(default=0.2, ge=0, le=1)
    contrast: float = Field(default=0.2, ge=0, le=1)
    saturation: float = Field(default=0.2, ge=0, le=1)
    greyscale: float = Field(default=0.1, ge=0, le=1)

    @model_validator(mode="after")
    def _scale_range(self) -> AugmentConfig:
        low, high = self.scale
        if not 0 < low <= high:
            raise ValueError(f"scale must be [low, high] with 0 < low <= high, got {self.scale}")
        return self


class EvaluationConfig(_Section):
    """Validation after each epoch: at most ``max_tiles`` tiles (evenly spread over the split)
    go through the evaluator, ``batch`` per network call; 0 tiles switches it off."""

    max_tiles: int = Field(default=12, ge=0)
    batch: int = Field(default=4, ge=1)


class TrainingConfig(_Section):
    """The whole file (module docstring)."""

    seed: int = 0
    data: DataConfig
    model: ModelConfig
    train: TrainConfig = TrainConfig()
    losses: LossConfig = LossConfig()
    augment: AugmentConfig = AugmentConfig()
    evaluation: EvaluationConfig = EvaluationConfig()

    def as_json(self) -> dict[str, Any]:
        """Plain values (paths as text), for checkpoints and ``config.yaml`` of a run."""
        return self.model_dump(mode="json")


def _describe(error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key; check its spelling against configs/train-msgg.yaml"
        elif item["type"] != "missing" and not isinstance(item.get("input"), dict):
            message += f" (got {item.get('input')!r})"
        lines.append(f"{where}: {message}")
    return lines


def _set(document: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = document
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise InvalidTrainingConfig(f"override {dotted}: {part} is not a section")
        node = child
    node[leaf] = value


def parse_config(
    document: Any, *, source: str = "config", overrides: Mapping[str, Any] | None = None
) -> TrainingConfig | DenseTrainingConfig:
    """Validate a loaded YAML ``document`` after applying ``overrides`` (dotted keys such as
    ``train.epochs``); raises :class:`InvalidTrainingConfig` listing every problem.

    ``kind: dense`` at the top level selects the dense model's configuration
    (``model.dense.config``); without it the file trains the MSGG-AI network."""
    if not isinstance(document, dict):
        raise InvalidTrainingConfig(
            f"{source}: the top level must be a mapping with data, model, train, ... sections, "
            f"got {type(document).__name__}"
        )
    document = dict(document)
    for key, value in (overrides or {}).items():
        _set(document, key, value)
    schema: type[TrainingConfig | DenseTrainingConfig] = (
        DenseTrainingConfig if document.get("kind") == "dense" else TrainingConfig
    )
    try:
        return schema.model_validate(document)
    except ValidationError as error:
        problems = _describe(error)
        listed = "\n".join(f"  - {line}" for line in problems)
        raise InvalidTrainingConfig(
            f"{source}: {len(problems)} problem(s) in the training configuration:\n{listed}"
        ) from None


def load_config(
    path: Path, overrides: Mapping[str, Any] | None = None
) -> TrainingConfig | DenseTrainingConfig:
    """Read and validate the YAML training configuration at ``path`` (module docstring)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidTrainingConfig(
            f"{path}: no such configuration file; start from configs/train-msgg.yaml"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InvalidTrainingConfig(f"{path}: cannot be read as YAML ({error})") from None
    return parse_config(document, source=str(path), overrides=overrides)
