"""``max_raster_pixels``: the admitted raster size follows the memory the finish step may use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from config.connections import PROJECT_ROOT
from intake.limits import BYTES_PER_PIXEL, MEMORY_SHARE, max_raster_pixels, memory_limit_bytes

GIB = 2**30


def test_the_limit_is_the_memory_share_over_the_measured_bytes_per_pixel() -> None:
    assert max_raster_pixels(16 * GIB) == int(16 * GIB * MEMORY_SHARE / BYTES_PER_PIXEL)
    assert max_raster_pixels(32 * GIB) == pytest.approx(2 * max_raster_pixels(16 * GIB), abs=1)


def test_the_figure_is_no_lower_than_the_benchmark_measured() -> None:
    """Given the memory the benchmark's mosaic took (as the share), that mosaic is the most
    the limit admits: a figure below the measured one would admit rasters that do not fit."""
    result = json.loads((PROJECT_ROOT / "bench" / "results" / "finish_memory.json").read_text())
    width, height = result["mosaic_px"]
    peak_bytes = result["streamed"]["peak_rss_mib"] * 2**20
    assert result["identical"] and result["bytes_per_pixel"] <= BYTES_PER_PIXEL
    assert max_raster_pixels(int(peak_bytes / MEMORY_SHARE)) <= width * height


def test_without_an_amount_it_reads_this_machines_memory() -> None:
    memory = memory_limit_bytes()
    assert 0 < memory <= _physical_bytes()
    assert max_raster_pixels() == max_raster_pixels(memory)


@pytest.mark.parametrize("memory", [0, -1])
def test_no_memory_is_refused(memory: int) -> None:
    with pytest.raises(ValueError, match="positive number of bytes"):
        max_raster_pixels(memory)


def test_the_module_imports_neither_the_readers_nor_torch() -> None:
    code = (
        "import sys, intake.limits; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'ingest', 'rasterio', 'torch', 'graphdb', 'workers'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _physical_bytes() -> int:
    import os

    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
