"""8-bit conversion: robust percentile stretch from a decimated read, nodata respected."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from raster_fixtures import MakeTif
from rasterio.windows import Window

from ingest.errors import EmptyRaster
from ingest.raster import Stretch, build_pyramid, open_raster
from ingest.raster.stretch import compute_stretch
from tests.support.sample_data import sample


def _ramp(dtype: str) -> np.ndarray:
    """Three bands of 128 x 128 ramps with different ranges, plus one hot pixel per band."""
    ramp = np.linspace(0.0, 1.0, 128 * 128).reshape(128, 128)
    bands = np.stack([100 + 1000 * ramp, 2000 + 3000 * ramp, 40 + 400 * ramp]).astype(dtype)
    bands[:, 0, 0] = 60_000
    return bands


def test_uint16_is_stretched_between_2_and_98_percent(make_tif: MakeTif) -> None:
    raw = _ramp("uint16")
    info = open_raster(str(make_tif("u16.tif", raw)))
    assert info.stretch is not None
    for band in range(3):
        low, high = np.percentile(raw[band], [2, 98])
        assert info.stretch.low[band] == pytest.approx(low)
        assert info.stretch.high[band] == pytest.approx(high)
    rgb = build_pyramid(info)[0].read(Window(0, 0, 128, 128)).rgb
    assert rgb.dtype == np.uint8
    expected = np.clip(
        np.rint(
            (raw - np.array(info.stretch.low)[:, None, None])
            / (np.array(info.stretch.high) - np.array(info.stretch.low))[:, None, None]
            * 255
        ),
        0,
        255,
    )
    np.testing.assert_array_equal(rgb, expected.astype(np.uint8))
    assert rgb[:, 0, 0].tolist() == [255, 255, 255]


def test_float_with_nan_is_stretched_and_nan_is_invalid(make_tif: MakeTif) -> None:
    raw = _ramp("float32")
    raw[:, 10:20, :] = np.nan
    info = open_raster(str(make_tif("f32.tif", raw)))
    assert info.stretch is not None
    finite = raw[0][np.isfinite(raw[0])]
    assert info.stretch.low[0] == pytest.approx(np.percentile(finite, 2), rel=1e-5)
    pixels = build_pyramid(info)[0].read(Window(0, 0, 128, 128))
    assert not pixels.valid[10:20].any()
    assert pixels.valid[20:].all()
    assert not pixels.rgb[:, 10:20].any()


def test_nodata_is_masked_and_left_out_of_the_percentiles(make_tif: MakeTif) -> None:
    raw = _ramp("uint16")
    raw[:, :64, :] = 0
    info = open_raster(str(make_tif("nodata.tif", raw, nodata=0)))
    assert info.stretch is not None
    valid = raw[1][raw[1] != 0]
    assert info.stretch.low[1] == pytest.approx(np.percentile(valid, 2))
    pixels = build_pyramid(info)[0].read(Window(0, 0, 128, 128))
    np.testing.assert_array_equal(pixels.valid, raw[0] != 0)


def test_all_nodata_raster_is_empty(make_tif: MakeTif) -> None:
    raw = np.zeros((3, 64, 64), dtype=np.uint16)
    with pytest.raises(EmptyRaster, match="no valid pixel"):
        open_raster(str(make_tif("blank.tif", raw, nodata=0)))


def test_constant_band_maps_to_black_without_dividing_by_zero() -> None:
    stretch = Stretch(low=(5.0, 5.0, 5.0), high=(6.0, 6.0, 6.0))
    flat = np.full((3, 4, 4), 5, dtype=np.uint16)
    np.testing.assert_array_equal(stretch.apply(flat), np.zeros((3, 4, 4), dtype=np.uint8))


class _RecordingDataset:
    """Stands in for a rasterio dataset of 40,000 x 30,000 pixels and records each read."""

    name = "huge.tif"
    height, width = 30_000, 40_000

    def __init__(self) -> None:
        self.shapes: list[tuple[int, ...]] = []

    def read(self, indexes: list[int], out_shape: tuple[int, ...], **_: object) -> np.ndarray:
        self.shapes.append(out_shape)
        return np.broadcast_to(np.arange(out_shape[2], dtype=np.uint16), out_shape).copy()

    def read_masks(self, indexes: list[int], out_shape: tuple[int, ...], **_: object) -> np.ndarray:
        self.shapes.append(out_shape)
        return np.full(out_shape, 255, dtype=np.uint8)


def test_percentiles_come_from_a_decimated_read_not_the_full_image() -> None:
    dataset = _RecordingDataset()
    stretch = compute_stretch(dataset, (1, 1, 1), sample_size=512)
    assert dataset.shapes
    for shape in dataset.shapes:
        assert max(shape[1:]) <= 512
        assert shape[1:] == (384, 512)
    sample = np.broadcast_to(np.arange(512), (384, 512))
    assert stretch.low[0] == pytest.approx(np.percentile(sample, 2))


def test_real_panchromatic_uint16_sample() -> None:
    path = sample("imagery/atlanta-solaris/sample_geotiff.tif")
    info = open_raster(str(path))
    assert info.bands == (1, 1, 1)
    assert info.dtype == "uint16"
    with rasterio.open(path) as dataset:
        raw = dataset.read(1)
        nodata = dataset.nodata
    valid = raw[raw != nodata]
    # 900 x 900 is below the default sample size of 1024, so the sample is the whole image.
    assert info.stretch is not None
    assert info.stretch.low[0] == pytest.approx(np.percentile(valid, 2))
    assert info.stretch.high[0] == pytest.approx(np.percentile(valid, 98))
    pixels = build_pyramid(info)[0].read(Window(0, 0, 900, 900))
    assert (pixels.rgb[0] == pixels.rgb[1]).all() and (pixels.rgb[1] == pixels.rgb[2]).all()
    np.testing.assert_array_equal(pixels.valid, raw != nodata)
