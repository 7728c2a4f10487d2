"""From evidence score to the confidence an alert carries, fitted on real change pairs.

Each kind of evidence (appeared, disappeared) has its own threshold: the pixel threshold that
gave the best building-change F1 on the tuning pairs (buildings are built far more often than
torn down, and the two maps differ in level). A change is reported when its score reaches its
kind's threshold, i.e. when its **ratio** (score over threshold) reaches 1. Its confidence is
Platt scaling of the log ratio, ``sigmoid(slope * log(ratio) + intercept)``, fitted on the
tuning pairs' candidate changes labelled by whether most of their pixels are changed in the
reference mask; how well it holds is its expected calibration error
(:func:`expected_calibration_error`), reported by ``bench.change`` on the tuning pairs and on the
held-out ones.

``python -m bench.change --tune`` writes ``CALIBRATION_FILE``; it names the model weights it was
tuned for, since scores of other weights are on another scale.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"
_FLOOR = 1e-6


@dataclass(frozen=True, slots=True)
class Calibration:
    """The reporting thresholds (raw scores, per kind) and the ratio-to-confidence map."""

    appeared: float
    disappeared: float | None
    """None: disappearances are never reported from the pixels (the tuning pairs found none
    worth their false alerts)."""
    slope: float
    intercept: float
    model_tag: str
    tuning_pairs: tuple[str, ...]

    def threshold(self, kind: str) -> float:
        """The raw score from which a change of ``kind`` (appeared/disappeared) is reported
        (infinite: never)."""
        if kind == "appeared":
            return self.appeared
        return float("inf") if self.disappeared is None else self.disappeared

    def confidence(self, ratio: float) -> float:
        """The calibrated probability that a change whose score is ``ratio`` times its kind's
        threshold is real."""
        return float(_sigmoid(self.slope * np.log(max(ratio, _FLOOR)) + self.intercept))

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        """The calibration stored at ``path``."""
        raw = json.loads(path.read_text())
        return cls(
            appeared=float(raw["appeared"]),
            disappeared=None if raw["disappeared"] is None else float(raw["disappeared"]),
            slope=float(raw["slope"]),
            intercept=float(raw["intercept"]),
            model_tag=str(raw["model_tag"]),
            tuning_pairs=tuple(raw["tuning_pairs"]),
        )

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        """Write the calibration as JSON."""
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")


def fit_platt(ratios: np.ndarray, labels: np.ndarray, *, steps: int = 2000) -> tuple[float, float]:
    """``(slope, intercept)`` of a logistic fit of ``labels`` (0/1) on ``log(ratios)``, by
    Newton steps on the log loss (a little ridge keeps separable data finite)."""
    x = np.log(np.maximum(np.asarray(ratios, dtype=np.float64), _FLOOR))
    y = np.asarray(labels, dtype=np.float64)
    design = np.column_stack([x, np.ones_like(x)])
    weights = np.zeros(2)
    for _ in range(steps):
        p = _sigmoid(design @ weights)
        gradient = design.T @ (p - y) + 1e-3 * weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + 1e-3 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(weights[0]), float(weights[1])


def expected_calibration_error(
    confidences: np.ndarray, labels: np.ndarray, *, bins: int = 10
) -> float | None:
    """The mean gap between confidence and observed frequency over ``bins`` equal-width bins,
    weighted by how many changes fall in each; None without any change."""
    c = np.asarray(confidences, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if c.size == 0:
        return None
    index = np.minimum((c * bins).astype(int), bins - 1)
    gap = 0.0
    for b in range(bins):
        inside = index == b
        if inside.any():
            gap += inside.sum() * abs(c[inside].mean() - y[inside].mean())
    return float(gap / c.size)


def _sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))
