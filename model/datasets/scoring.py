"""Score a predictor over a dataset's tiles with the evaluator (``model.evaluation``).

One ``EvaluationSample`` per tile and scale (image id = tile id), streamed to ``evaluate`` so
only one batch of tiles is in memory at a time. The training triplets for zero-shot recall are
the (subject class, predicate, object class) triplets of the dataset's ``train`` split.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ingest.ontology import PREDICATES, STUFF_CLASSES
from model.datasets.manifest import SPLITS, Manifest, TileEntry, read_manifest
from model.datasets.predictors import DatasetTile, TilePredictor
from model.datasets.relate import NOMINAL_GSD_M
from model.datasets.tilefiles import read_image, read_labels
from model.errors import InvalidDataset
from model.evaluation import EvaluationSample, evaluate

Progress = Callable[[str], None]

SYMMETRIC_PREDICATES = frozenset(p.id for p in PREDICATES.values() if p.symmetric)
"""The ontology's symmetric predicates: matched in either orientation (docs/evaluation.md)."""


def train_triplets(root: Path, manifest: Manifest) -> set[tuple[str, str, str]] | None:
    """Class-level triplets of the ``train`` split, or None when it has no tiles."""
    tiles = manifest.tiles_in(("train",))
    if not tiles:
        return None
    found: set[tuple[str, str, str]] = set()
    for entry in tiles:
        labels = read_labels(root, entry)
        classes = {obj.id: obj.class_id for obj in labels.objects}
        found.update((classes[t.subject], t.predicate, classes[t.object]) for t in labels.triplets)
    return found


def dataset_samples(
    root: Path,
    tiles: Sequence[TileEntry],
    predictor: TilePredictor,
    batch: int,
    say: Progress | None = None,
    nominal_gsd_m: float = NOMINAL_GSD_M,
) -> Iterator[EvaluationSample]:
    """The evaluator's samples of ``tiles``: ``predictor`` runs ``batch`` tiles at a time and
    each answer is paired with its tile's ground truth (read lazily, a batch at a time).
    ``nominal_gsd_m`` is the GSD tiles without georeference were related at."""
    for start in range(0, len(tiles), batch):
        chunk = [
            DatasetTile(entry, read_image(root, entry), read_labels(root, entry), nominal_gsd_m)
            for entry in tiles[start : start + batch]
        ]
        for tile, predicted in zip(chunk, predictor.predict(chunk), strict=True):
            yield EvaluationSample(
                image_id=tile.entry.id,
                scale=tile.entry.scale,
                ground_truth=tile.ground_truth(),
                predcls=predicted.predcls,
                sgcls=predicted.sgcls,
                sgdet=predicted.sgdet,
            )
        if say is not None:
            say(f"predicted {min(start + batch, len(tiles))}/{len(tiles)} tiles")


def evaluate_dataset(
    root: Path | str,
    predictor: TilePredictor,
    *,
    splits: Sequence[str] = ("test",),
    batch: int = 8,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The evaluator's report (docs/evaluation.md) of ``predictor`` on the tiles of ``splits``.

    Tiles go to the predictor ``batch`` at a time (one network call per batch).
    Raises :class:`InvalidDataset` for an unknown split or when the splits hold no tile.
    """
    root = Path(root)
    unknown = sorted(set(splits) - set(SPLITS))
    if unknown:
        raise InvalidDataset(f"unknown split(s) {unknown}; splits are {', '.join(SPLITS)}.")
    manifest = read_manifest(root)
    tiles = manifest.tiles_in(tuple(splits))
    if not tiles:
        held = {name: len(manifest.tiles_in((name,))) for name in SPLITS}
        raise InvalidDataset(
            f"{root} has no tile in split(s) {', '.join(splits)} (tiles per split: {held}); "
            "choose splits that hold tiles."
        )
    nominal = float(manifest.builder.get("nominal_gsd_m") or NOMINAL_GSD_M)
    return evaluate(
        dataset_samples(root, tiles, predictor, batch, progress, nominal),
        train_triplets=train_triplets(root, manifest),
        stuff_classes=STUFF_CLASSES,
        symmetric_predicates=SYMMETRIC_PREDICATES,
    )
