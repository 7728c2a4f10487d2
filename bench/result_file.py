"""A benchmark's result file as ``bench/report.py`` reads it, and the shape of its row.

``Result.fig`` writes a figure as ``median (min–max)`` where ``bench._common.write_result``
stored its spread; ``Result.provenance`` says how it was taken (runs, date, load), or that the
file predates the median helper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    """One result file: ``bench/results/<name>.json``."""

    name: str
    data: dict[str, Any]

    @property
    def context(self) -> dict[str, Any] | None:
        """The run context ``write_result`` attaches; None in files written before it."""
        return self.data.get("context")

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def fig(self, key: str, unit: str = "", digits: int = 1, scale: float = 1.0) -> str:
        """``key`` as ``median (min–max)`` where the file has its spread, else the value."""
        text = num(self.data[key] * scale, digits) + unit
        if f"{key}_min" in self.data:
            low, high = (num(self.data[f"{key}_{end}"] * scale, digits) for end in ("min", "max"))
            text += f" ({low}–{high})"
        return text

    def provenance(self) -> str:
        """How the figures were taken: runs, date, load (start→end)."""
        finished = self.data.get("finished_at")
        day = f"run {finished[:16].replace('T', ' ')}" if finished else "undated"
        if self.context is None:
            load = self.data.get("load_average_1m")
            at_load = f" at load {load:.1f}" if load is not None else ""
            return f"**single run, before the median helper**; {day}{at_load}"
        load = self.context["load_average_1m"]
        runs = self.data.get("runs", self.data.get("rounds"))
        how = f"median of {runs} runs" if runs else "one run"
        return f"{how}; {day} at load {load['start']:.1f}→{load['end']:.1f}"


def num(value: float, digits: int = 1) -> str:
    """``value`` with thousands separators and ``digits`` decimals."""
    return f"{value:,.{digits}f}"


def yes(condition: bool) -> str:
    return "yes" if condition else "no"


@dataclass(frozen=True)
class Row:
    """One benchmark's row."""

    name: str
    """The result file's stem."""
    what: Callable[[Result], str]
    result: Callable[[Result], str]
    baseline: Callable[[Result], str]
    target: str
    met: Callable[[Result], str]

    def render(self, r: Result) -> str:
        label = "model_report" if self.name == "model" else self.name
        cells = (
            f"`{label}` ({self.what(r)}; {r.provenance()})",
            self.result(r),
            self.baseline(r),
            self.target,
            self.met(r),
        )
        return "| " + " | ".join(cells) + " |"
