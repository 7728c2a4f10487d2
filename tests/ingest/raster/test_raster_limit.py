"""The raster reader refuses a raster larger than the finish step can hold, before any pixel."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from raster_fixtures import MakeTif

from ingest.errors import CorruptRaster, RasterTooLarge
from ingest.raster import open_raster
from intake.limits import max_raster_pixels


def vrt_declaring(path: Path, width: int, height: int) -> Path:
    """A VRT whose only band reads a file that does not exist: any pixel read fails."""
    path.write_text(
        f'<VRTDataset rasterXSize="{width}" rasterYSize="{height}"><SRS>EPSG:32616</SRS>'
        "<GeoTransform>733600, 0.5, 0, 3725140, 0, -0.5</GeoTransform>"
        '<VRTRasterBand dataType="Byte" band="1"><SimpleSource>'
        f"<SourceFilename>{path.parent / 'missing.tif'}</SourceFilename><SourceBand>1</SourceBand>"
        "</SimpleSource></VRTRasterBand></VRTDataset>"
    )
    return path


def test_one_pixel_over_the_memory_limit_is_refused_before_reading(tmp_path: Path) -> None:
    limit = max_raster_pixels()
    width = math.isqrt(limit) + 1
    height = limit // width + 1
    assert width * height > limit
    path = vrt_declaring(tmp_path / "big.vrt", width, height)

    with pytest.raises(RasterTooLarge) as refused:
        open_raster(str(path))

    message = str(refused.value)
    assert f"{width} x {height} = {width * height} pixels" in message
    assert f"limit of {limit} pixels" in message and "memory" in message


def test_at_the_limit_the_size_check_passes(tmp_path: Path) -> None:
    """The same file at the limit gets past the size check: reading its pixels is what fails
    then (its source is missing), so above the limit the size check came before any read."""
    limit = max_raster_pixels()
    width = math.isqrt(limit)
    path = vrt_declaring(tmp_path / "fits.vrt", width, limit // width)

    with pytest.raises(CorruptRaster, match="reading pixels"):
        open_raster(str(path))


def test_an_explicit_limit_wins(make_tif: MakeTif) -> None:
    path = make_tif("small.tif", np.zeros((3, 20, 30), dtype=np.uint8))
    with pytest.raises(RasterTooLarge, match="20 = 600 pixels, more than the limit of 599 "):
        open_raster(str(path), max_pixels=599)
    assert open_raster(str(path), max_pixels=600).width == 30
