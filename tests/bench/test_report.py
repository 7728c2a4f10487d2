"""``bench/RESULTS.md`` is what ``bench/report.py`` makes of the result files, and the recording
helper of ``bench/_common.py`` keeps what the report reads (no benchmark is run here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench._common import MIN_RUNS, Figure, begin, flat, repeated, write_result
from bench.report import RESULTS_MD, load_results, render
from bench.result_file import Result


def test_results_md_is_generated_from_the_results() -> None:
    assert RESULTS_MD.read_text(encoding="utf-8") == render(load_results()), (
        "bench/RESULTS.md is stale: run .venv/bin/python -m bench.report"
    )


def test_every_result_file_has_a_row() -> None:
    render(load_results())  # raises on a result without a declared row


def test_a_figure_is_the_median_of_at_least_three_runs() -> None:
    samples = iter([3.0, 1.0, 2.0])
    figures = repeated(MIN_RUNS, lambda: {"seconds": next(samples)})
    assert figures["seconds"] == Figure(median=2.0, min=1.0, max=3.0, runs=3)
    assert flat(figures) == {"seconds": 2.0, "seconds_min": 1.0, "seconds_max": 3.0}
    with pytest.raises(ValueError, match="runs"):
        Figure.of([1.0, 2.0])


def test_written_results_carry_their_context(tmp_path: Path) -> None:
    path = write_result(
        "x", {"seconds": 2.0, "runs": 3}, started=begin(), stack=None, path=tmp_path / "x.json"
    )
    stored = json.loads(path.read_text(encoding="utf-8"))
    context = stored["context"]
    assert context["machine"]["cpus"] and context["machine"]["memory_gib"] > 0
    assert set(context["load_average_1m"]) == {"start", "end"}
    assert context["neo4j"] is None
    assert stored["load_average_1m"] == context["load_average_1m"]["end"]
    assert Result("x", stored).provenance().startswith("median of 3 runs")


def test_results_before_the_helper_are_marked_single_runs() -> None:
    old = Result("x", {"seconds": 1.0, "load_average_1m": 2.5, "finished_at": "2026-11-28T21:00"})
    assert "single run, before the median helper" in old.provenance()
    assert old.fig("seconds", " s") == "1.0 s"
