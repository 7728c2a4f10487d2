"""Tune the change evidence on real change pairs: the reporting threshold and the calibration.

Run: ``python -m model.change.tune [--pairs DIR] [--tuning NAME ...]``; writes
``model/change/calibration.json`` (``model.change.calibration``) for the shipped model.

Each pair folder holds ``before.tif``, ``after.tif`` and ``change.tif`` (non-zero: a building
changed), as LEVIR-CD's pairs in ``../shared/data/change/levir-cd-dev`` (research use, read in
place, never shipped). Only the **tuning** pairs are read (default: ``train_36_0512_0512`` and
the no-change pair ``train_386_0512_0768``, which is what keeps false alerts down); the others
stay held out for ``bench.change``.

1. The model's maps of both images at 1:2,000 (``model.change.maps``, in a scratch store).
2. The thresholds, one per kind: the appeared threshold of a sweep over the tuning pairs'
   evidence quantiles whose building components (at least the scale's minimum mapping unit)
   give the best pooled pixel F1 against ``change.tif``; then, with it, the disappeared
   threshold that adds most to that F1 (the sweep includes "never": the tuning pairs may show
   no demolition worth its false alerts).
3. The calibration: Platt scaling of those components' mean ratios (score over threshold)
   against whether each leads an editor to a real change (at least the scale's minimum mapping
   unit of its pixels changed); its expected calibration error on the same components is
   printed.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from scipy import ndimage

from ingest.ontology import get_scale
from ingest.rasterstore import RasterStore, sha256_file
from model.change.calibration import (
    Calibration,
    expected_calibration_error,
    fit_platt,
)
from model.change.evidence import APPEARED, DISAPPEARED, PairEvidence
from model.change.maps import level_maps
from model.dense.segmenter import DenseSegmenter
from model.inference import DEFAULT_CHECKPOINT, load_segmenter, model_tag

PAIRS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "change" / "levir-cd-dev"
TUNING_PAIRS = ("train_36_0512_0512", "train_386_0512_0768")
SCALE = 2000
CLASS = "building"


@dataclass(frozen=True, slots=True)
class PairMaps:
    """One pair's building evidence (appeared, disappeared) and its change mask."""

    name: str
    appeared: np.ndarray
    disappeared: np.ndarray
    truth: np.ndarray
    pixel_area_m2: float


def pair_maps(folder: Path, model: DenseSegmenter, tag: str, store: RasterStore) -> PairMaps:
    """The building evidence of the pair in ``folder`` (maps in ``store``)."""
    maps = [
        level_maps(model, store, sha256_file(path), str(path), SCALE, tag)
        for path in (folder / "before.tif", folder / "after.tif")
    ]
    placeholder = Calibration(1.0, 1.0, 1.0, 0.0, tag, ())
    evidence = PairEvidence(maps[1], maps[0], {}, placeholder)
    with rasterio.open(folder / "change.tif") as raster:
        truth = raster.read(1) > 0
    t = maps[1].transform
    return PairMaps(
        folder.name,
        evidence.map(APPEARED, CLASS),
        evidence.map(DISAPPEARED, CLASS),
        truth,
        abs(t.a * t.e),
    )


NEVER = float("inf")


def components(scores: np.ndarray, threshold: float, min_pixels: float) -> list[np.ndarray]:
    """Masks of the 8-connected components of ``scores >= threshold`` of ``min_pixels``+."""
    labels, count = ndimage.label(scores >= threshold, structure=np.ones((3, 3)))
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    return [labels == n for n in range(1, count + 1) if sizes[n] >= min_pixels]


def candidates(pair: PairMaps, appeared: float, disappeared: float) -> list[tuple[float, float]]:
    """``(mean ratio, changed pixels)`` of each component the product would propose."""
    min_pixels = get_scale(SCALE).min_area_m2 / pair.pixel_area_m2
    found = []
    for scores, threshold in ((pair.appeared, appeared), (pair.disappeared, disappeared)):
        for mask in components(scores, threshold, min_pixels):
            ratio = float(scores[mask].mean()) / threshold
            found.append((ratio, float(pair.truth[mask].sum())))
    return found


def pooled_f1(pairs: Sequence[PairMaps], appeared: float, disappeared: float) -> float:
    """Pooled pixel F1 of the components at the two thresholds against the change masks."""
    both = drawn = changed = 0
    for pair in pairs:
        min_pixels = get_scale(SCALE).min_area_m2 / pair.pixel_area_m2
        found = np.zeros_like(pair.truth)
        for scores, threshold in ((pair.appeared, appeared), (pair.disappeared, disappeared)):
            for mask in components(scores, threshold, min_pixels):
                found |= mask
        both += int((found & pair.truth).sum())
        drawn += int(found.sum())
        changed += int(pair.truth.sum())
    return 2 * both / (drawn + changed) if drawn + changed else 0.0


def tune(pairs: Sequence[PairMaps], tag: str) -> tuple[Calibration, float, float | None]:
    """The calibration with the best thresholds, its tuning F1 and its tuning ECE."""
    appeared = float(max(_sweep(pairs, "appeared"), key=lambda t: pooled_f1(pairs, t, NEVER)))
    disappeared = float(
        max([NEVER, *_sweep(pairs, "disappeared")], key=lambda t: pooled_f1(pairs, appeared, t))
    )
    found = [c for p in pairs for c in candidates(p, appeared, disappeared)]
    ratios = np.array([r for r, _ in found])
    real = get_scale(SCALE).min_area_m2 / pairs[0].pixel_area_m2
    labels = np.array([changed >= real for _, changed in found], dtype=float)
    slope, intercept = fit_platt(ratios, labels) if len(found) > 1 else (1.0, 0.0)
    names = tuple(p.name for p in pairs)
    never = disappeared == NEVER
    kept = None if never else disappeared
    calibration = Calibration(appeared, kept, slope, intercept, tag, names)
    confidences = np.array([calibration.confidence(r) for r in ratios])
    f1 = pooled_f1(pairs, appeared, disappeared)
    return calibration, f1, expected_calibration_error(confidences, labels)


def _sweep(pairs: Sequence[PairMaps], kind: str) -> list[float]:
    values = np.concatenate([getattr(p, kind).ravel() for p in pairs])
    return [float(t) for t in np.unique(np.quantile(values, np.linspace(0.5, 0.999, 120)))]


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--pairs", type=Path, default=PAIRS)
    arguments.add_argument("--tuning", nargs="+", default=list(TUNING_PAIRS))
    args = arguments.parse_args()
    segmenter = load_segmenter()
    model = segmenter.segmenter
    if not isinstance(model, DenseSegmenter):
        raise SystemExit("change evidence needs a dense model with DINOv2 tokens")
    tag = model_tag(DEFAULT_CHECKPOINT)
    with tempfile.TemporaryDirectory(prefix="orthograph-tune-") as scratch:
        store = RasterStore(scratch)
        pairs = [pair_maps(args.pairs / name, model, tag, store) for name in args.tuning]
    calibration, f1, ece = tune(pairs, tag)
    calibration.save()
    print(
        f"thresholds appeared {calibration.appeared:.4f} disappeared "
        f"{calibration.disappeared}, Platt slope {calibration.slope:.3f} intercept "
        f"{calibration.intercept:.3f}; tuning pixel F1 {f1:.3f}, tuning ECE {ece}"
    )


if __name__ == "__main__":
    main()
