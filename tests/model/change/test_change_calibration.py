"""The score-to-confidence map of change evidence and its calibration error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.change.calibration import Calibration, expected_calibration_error, fit_platt


def test_platt_scaling_recovers_the_logistic_the_labels_were_drawn_from() -> None:
    rng = np.random.default_rng(0)
    ratios = np.exp(rng.uniform(-2, 3, 20_000))
    truth = 1 / (1 + np.exp(-(1.5 * np.log(ratios) - 1.0)))
    labels = rng.random(ratios.size) < truth
    slope, intercept = fit_platt(ratios, labels)
    assert slope == pytest.approx(1.5, abs=0.1) and intercept == pytest.approx(-1.0, abs=0.1)


def test_the_calibration_error_is_small_when_confidences_match_frequencies() -> None:
    rng = np.random.default_rng(1)
    confidences = rng.random(50_000)
    honest = rng.random(confidences.size) < confidences
    error = expected_calibration_error(confidences, honest)
    assert error is not None and error < 0.02
    always_sure = np.full(confidences.size, 0.95)
    assert expected_calibration_error(always_sure, honest) == pytest.approx(0.45, abs=0.02)
    assert expected_calibration_error(np.array([]), np.array([])) is None


def test_a_calibration_round_trips_and_never_reports_a_kind_without_a_threshold(
    tmp_path: Path,
) -> None:
    tuned = Calibration(0.07, None, 0.5, -2.0, "abc", ("pair-a", "pair-b"))
    tuned.save(tmp_path / "c.json")
    loaded = Calibration.load(tmp_path / "c.json")
    assert loaded == tuned
    assert loaded.threshold("appeared") == 0.07
    assert loaded.threshold("disappeared") == float("inf")
    assert loaded.confidence(1.0) == pytest.approx(1 / (1 + np.exp(2.0)))
    assert loaded.confidence(np.e**2) > loaded.confidence(1.0), "more evidence, more confidence"


def test_the_shipped_calibration_names_its_tuning_pairs_and_the_shipped_weights() -> None:
    from model.inference import DEFAULT_CHECKPOINT, model_tag

    shipped = Calibration.load()
    assert shipped.model_tag == model_tag(DEFAULT_CHECKPOINT)
    assert len(shipped.tuning_pairs) == 2 and shipped.appeared > 0
