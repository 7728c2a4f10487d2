"""Train the relation head (``model.dense.relation_head``) on a mask dataset's ground truth.

Examples are the candidate ordered pairs of the dataset's ``train`` tiles, described as the
head sees them at inference (``model.dense.pairs``: the dense model's pooled pixel
probabilities, the pair geometry on the tile's grid), of two kinds:

- the ground-truth regions, labelled with the tile's triplets (the rules' reading of the true
  geometry: what PredCls asks);
- the model's own objects, a predicate marked where that triplet would be a PhrDet hit of the
  ground truth: what inference asks, where objects are imperfect and a rule triplet between
  them may be a true relation or not (the re-scoring the head exists for).

The ``val`` loss picks the epoch. Examples are computed once per run and kept in
``pairs-<split>.npz`` beside the checkpoints, so a second run with other head settings skips the
model's forward passes.

The result is the dense checkpoint with a ``relations`` entry: the head's settings and weights,
``min_score``, ``max_triplets`` and what it was trained on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ingest.ontology import STUFF_CLASSES
from model.backbone.dino import load_file
from model.datasets.manifest import read_manifest
from model.datasets.predictors import DatasetTile
from model.datasets.relate import NOMINAL_GSD_M
from model.datasets.scoring import SYMMETRIC_PREDICATES
from model.datasets.tilefiles import read_image, read_labels
from model.dense.checkpoint import save_dense
from model.dense.config import RelationsConfig
from model.dense.pairs import PAIR_FEATURES, tile_pairs
from model.dense.relation_head import STORED_PREDICATES, RelationHead, pair_inputs, targets
from model.dense.segmenter import DenseSegmenter
from model.errors import InvalidTrainingConfig
from model.evaluation import PredictedObject, PredictedTriplet, SGDetPrediction, phrase_matches

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PairExamples:
    """Head inputs (P, width) and 0/1 targets (P, predicates) of one split."""

    inputs: np.ndarray
    targets: np.ndarray


def split_examples(
    segmenter: DenseSegmenter, dataset: Path, split: str, max_tiles: int, say: Progress
) -> PairExamples:
    """The examples of up to ``max_tiles`` tiles of ``split`` (evenly spread over the split):
    the pairs of the ground-truth regions and those of the model's own objects."""
    manifest = read_manifest(dataset)
    nominal = float(manifest.builder.get("nominal_gsd_m") or NOMINAL_GSD_M)
    entries = manifest.tiles_in((split,))
    if not entries:
        raise InvalidTrainingConfig(f"{dataset} has no {split} tile to train relations on")
    step = max(1, math.ceil(len(entries) / max_tiles))
    chosen = entries[::step]
    found: list[PairExamples] = []
    for start in range(0, len(chosen), segmenter.batch_size):
        batch = chosen[start : start + segmenter.batch_size]
        images = [read_image(dataset, entry) for entry in batch]
        forward = segmenter.forward(images)
        for entry, image, (probabilities, tokens) in zip(batch, images, forward, strict=True):
            tile = DatasetTile(entry, image, read_labels(dataset, entry), nominal)
            found.append(given_examples(segmenter, tile, probabilities))
            found.append(detected_examples(segmenter, tile, probabilities, tokens))
        say(f"relations: {split} pairs of {min(start + len(batch), len(chosen))}/{len(chosen)}")
    return PairExamples(
        np.concatenate([f.inputs for f in found]), np.concatenate([f.targets for f in found])
    )


def given_examples(
    segmenter: DenseSegmenter, tile: DatasetTile, probabilities: np.ndarray
) -> PairExamples:
    """The pairs of a tile's ground-truth regions (of the model's classes), labelled with its
    triplets: what PredCls asks."""
    known = [o for o in tile.labels.objects if o.class_id in segmenter.classes]
    index = {obj.id: n for n, obj in enumerate(known)}
    found = tile_pairs([tile.labels.mask(o) for o in known], probabilities, tile.grid)
    classes = np.array([segmenter.classes.index(o.class_id) for o in known], dtype=np.int64)
    truth = [
        (index[t.subject], t.predicate, index[t.object])
        for t in tile.labels.triplets
        if t.subject in index and t.object in index
    ]
    return PairExamples(
        pair_inputs(found, classes, len(segmenter.classes), given=True),
        targets(found.pairs, truth),
    )


def detected_examples(
    segmenter: DenseSegmenter,
    tile: DatasetTile,
    probabilities: np.ndarray,
    tokens: torch.Tensor | None,
) -> PairExamples:
    """The pairs of the model's own objects on a tile, a predicate marked where that triplet
    would be a PhrDet hit of the tile's ground truth (``phrase_matches``, with the evaluator's
    stuff and symmetric rules): what inference on predicted objects asks of the head."""
    masks = segmenter.objects(probabilities, None, tokens)
    classes = np.array([segmenter.classes.index(m.class_id) for m in masks], dtype=np.int64)
    found = tile_pairs([m.mask for m in masks], probabilities, tile.grid)
    inputs = pair_inputs(found, classes, len(segmenter.classes), given=False)
    labels = np.zeros((found.pairs.shape[0], len(STORED_PREDICATES)), dtype=np.float32)
    truth = tile.ground_truth()
    present = sorted({t.predicate for t in truth.triplets} & set(STORED_PREDICATES))
    if not present or found.pairs.shape[0] == 0:
        return PairExamples(inputs, labels)
    candidates = tuple(
        PredictedTriplet(int(s), predicate, int(o), 1.0)
        for s, o in found.pairs
        for predicate in present
    )
    detection = SGDetPrediction(
        tuple(PredictedObject(m.class_id, m.score, m.mask) for m in masks), candidates
    )
    matched = phrase_matches(
        truth,
        detection,
        stuff_classes=STUFF_CLASSES,
        symmetric_predicates=SYMMETRIC_PREDICATES,
    ).reshape(found.pairs.shape[0], len(present))
    labels[:, [STORED_PREDICATES.index(p) for p in present]] = matched
    return PairExamples(inputs, labels)


def cached_examples(
    segmenter: DenseSegmenter, settings: RelationsConfig, split: str, out: Path, say: Progress
) -> PairExamples:
    """:func:`split_examples`, kept in ``out/pairs-<split>.npz`` for the next run."""
    path = out / f"pairs-{split}.npz"
    if path.is_file():
        with np.load(path) as stored:
            return PairExamples(stored["inputs"], stored["targets"])
    assert settings.dataset is not None
    examples = split_examples(segmenter, settings.dataset, split, settings.max_tiles, say)
    out.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp.npz")
    np.savez(temporary, inputs=examples.inputs, targets=examples.targets)
    temporary.replace(path)
    return examples


def _loss(head: RelationHead, examples: PairExamples, weight: torch.Tensor) -> float:
    with torch.inference_mode():
        logits = head(torch.from_numpy(examples.inputs))
        loss = nn.functional.binary_cross_entropy_with_logits(
            logits, torch.from_numpy(examples.targets), pos_weight=weight
        )
    return float(loss)


def fit_head(
    train: PairExamples,
    val: PairExamples,
    settings: RelationsConfig,
    num_classes: int,
    seed: int,
    say: Progress,
) -> tuple[RelationHead, list[dict[str, float]]]:
    """Adam on BCE over ``settings.epochs`` epochs; the epoch with the lowest val loss wins.

    Positives are weighed up by sqrt(negatives / positives) per predicate (rare predicates
    would otherwise be learned as never)."""
    torch.manual_seed(seed)
    width = train.inputs.shape[1]
    region_width = (width - PAIR_FEATURES - 1) // 2 - num_classes  # inverse of input_width
    head = RelationHead(num_classes, region_width, settings.hidden)
    positives = train.targets.sum(axis=0)
    ratio = (train.targets.shape[0] - positives) / np.maximum(positives, 1.0)
    weight = torch.from_numpy(np.sqrt(ratio).astype(np.float32))
    optimiser = torch.optim.Adam(head.parameters(), lr=settings.lr)
    inputs, labels = torch.from_numpy(train.inputs), torch.from_numpy(train.targets)
    generator = torch.Generator().manual_seed(seed)
    best: tuple[float, dict[str, torch.Tensor]] | None = None
    history = []
    for epoch in range(settings.epochs):
        head.train()
        order = torch.randperm(inputs.shape[0], generator=generator)
        for start in range(0, inputs.shape[0], settings.batch_size):
            rows = order[start : start + settings.batch_size]
            loss = nn.functional.binary_cross_entropy_with_logits(
                head(inputs[rows]), labels[rows], pos_weight=weight
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        head.eval()
        record = {
            "epoch": epoch + 1,
            "train_loss": _loss(head, train, weight),
            "val_loss": _loss(head, val, weight),
        }
        history.append(record)
        say(f"relations: epoch {epoch + 1} train {record['train_loss']:.4f} "
            f"val {record['val_loss']:.4f}")  # fmt: skip
        if best is None or record["val_loss"] < best[0]:
            best = (record["val_loss"], {k: v.clone() for k, v in head.state_dict().items()})
    assert best is not None
    head.load_state_dict(best[1])
    return head.eval(), history


def train_relations(
    settings: RelationsConfig, *, base: Path, out: Path, seed: int, progress: Progress
) -> Path:
    """Train the relation head on top of dense checkpoint ``base``; write ``out/best.pt``
    (``base`` with the head) and return its path."""
    if settings.dataset is None:
        raise InvalidTrainingConfig("relations.dataset names no dataset to train relations on")
    started = time.monotonic()
    segmenter = DenseSegmenter.from_checkpoint(base, device="cpu")
    train = cached_examples(segmenter, settings, "train", out, progress)
    val = cached_examples(segmenter, settings, "val", out, progress)
    head, history = fit_head(train, val, settings, len(segmenter.classes), seed, progress)
    raw: dict[str, Any] = load_file(base)
    raw["relations"] = {
        "head": head.config(),
        "state": {k: v.detach().cpu() for k, v in head.state_dict().items()},
        "min_score": settings.min_score,
        "max_triplets": settings.max_triplets,
        "predicates": list(STORED_PREDICATES),
        "training": {
            "dataset": str(settings.dataset),
            "train_pairs": int(train.inputs.shape[0]),
            "val_pairs": int(val.inputs.shape[0]),
            "positives": {
                p: int(n)
                for p, n in zip(STORED_PREDICATES, train.targets.sum(axis=0), strict=True)
                if n
            },
            "history": history,
            "seconds": round(time.monotonic() - started, 1),
        },
    }
    path = out / "best.pt"
    save_dense(raw, path)
    return path
