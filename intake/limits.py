"""The largest raster the service admits: what the imagery job's finish step can hold in memory.

The finish step (``workers.imagery_job``) holds one scale's tile pieces at a time, and the
merged objects and relations of every scale until the state is written, so its peak memory
grows with the image's area. :data:`BYTES_PER_PIXEL` is that growth, measured by
``python -m bench.finish_memory`` (``bench/results/finish_memory.json``); a raster is admitted
while its pixels times that figure fit in :data:`MEMORY_SHARE` of the memory this process may
use. Plain arithmetic on purpose: the CLI, the API and the workers all call
:func:`max_raster_pixels` before reading a single pixel, and the API must not import the
readers.

The limit is computed where it is called, so run the validation on a machine (or under a
memory limit) like the workers' that finish jobs, or pass their memory explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

BYTES_PER_PIXEL = 2.5
"""Peak RSS of the finish step's assembly per raster pixel (bytes), rounded up from 2.15: 821
MiB for a 20,000 x 20,000 px mosaic at 0.5 m of a dense synthetic town (181k objects, 740k
relations; a building every 24 m), interpreter included, measured by ``bench.finish_memory``
on 2026-12-06 (``bench/results/finish_memory.json``; 2 cores, Python 3.11). A finer image of
the same town has more pixels for the same objects, so 0.5 m (the coarsest 1:2,000 input) is
the dear case."""

MEMORY_SHARE = 0.5
"""Share of the memory the finish step's assembly may fill: the rest is for what the benchmark
does not measure (the graph write's batches, the diff against the previous state) and for the
worker's other processes."""

_CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)
"""Memory limits of this process's container: cgroup v2, then v1 (``max`` or a huge number
means none)."""


def max_raster_pixels(memory_bytes: int | None = None) -> int:
    """The most pixels (width x height) a raster may declare to be admitted.

    ``memory_bytes`` is the memory the finish step's process may use; None reads it from this
    machine (:func:`memory_limit_bytes`). Raises ``ValueError`` for a non-positive amount.
    """
    memory = memory_limit_bytes() if memory_bytes is None else memory_bytes
    if memory <= 0:
        raise ValueError(f"memory must be a positive number of bytes, got {memory}")
    return int(memory * MEMORY_SHARE / BYTES_PER_PIXEL)


def memory_limit_bytes() -> int:
    """The memory this process may use: the machine's RAM, or its container's limit if lower."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    limits = [physical]
    for path in _CGROUP_LIMITS:
        try:
            text = path.read_text(encoding="ascii").strip()
        except OSError:
            continue
        if text.isdigit():
            limits.append(int(text))
    return min(limits)
