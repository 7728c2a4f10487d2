"""Per-stage wall time of one imagery ingest, for ``orthograph ingest imagery --profile``.

Stages are named by what they do and, inside a scale level, by the scale too
(``"1:2000 segment"``), so a slow model, a slow disk or a slow merge shows up as such.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(slots=True)
class StageTimes:
    """Seconds spent and calls made per stage, in the order stages first ran."""

    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the ``with`` block and add it to stage ``name`` (also when it raises)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
            self.calls[name] = self.calls.get(name, 0) + 1

    def rows(self) -> list[tuple[str, float, int]]:
        """``(stage, seconds, calls)`` per stage, in first-run order."""
        return [(name, self.seconds[name], self.calls[name]) for name in self.seconds]

    @property
    def total(self) -> float:
        """Seconds over all stages."""
        return sum(self.seconds.values())
