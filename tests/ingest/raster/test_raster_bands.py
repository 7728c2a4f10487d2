"""Band choice: colour interpretation, first three, panchromatic expansion, explicit bands."""

from __future__ import annotations

import numpy as np
import pytest
from raster_fixtures import MakeTif
from rasterio.enums import ColorInterp as CI
from rasterio.windows import Window

from ingest.errors import UnsupportedBandLayout
from ingest.raster import build_pyramid, open_raster
from ingest.raster.bands import choose_bands


@pytest.mark.parametrize(
    ("interp", "expected"),
    [
        ([CI.red, CI.green, CI.blue], (1, 2, 3)),
        ([CI.blue, CI.green, CI.red], (3, 2, 1)),
        ([CI.undefined, CI.blue, CI.green, CI.red], (4, 3, 2)),
        ([CI.red, CI.green, CI.blue, CI.alpha], (1, 2, 3)),
        ([CI.undefined] * 4, (1, 2, 3)),
        ([CI.gray, CI.undefined, CI.undefined], (1, 2, 3)),
        ([CI.gray], (1, 1, 1)),
        ([CI.undefined], (1, 1, 1)),
        ([CI.alpha, CI.gray], (2, 2, 2)),
    ],
)
def test_bands_follow_colour_interpretation(interp: list[CI], expected: tuple[int, ...]) -> None:
    assert choose_bands(interp, None, "x.tif") == expected


def test_explicit_bands_win_over_colour_interpretation() -> None:
    assert choose_bands([CI.red, CI.green, CI.blue, CI.undefined], (4, 1, 2), "x.tif") == (4, 1, 2)


def test_one_explicit_band_is_panchromatic() -> None:
    assert choose_bands([CI.red, CI.green, CI.blue], (2,), "x.tif") == (2, 2, 2)


@pytest.mark.parametrize("bands", [(1, 2), (1, 2, 3, 4), ()])
def test_explicit_bands_must_be_one_or_three(bands: tuple[int, ...]) -> None:
    with pytest.raises(UnsupportedBandLayout, match="three band numbers"):
        choose_bands([CI.red, CI.green, CI.blue], bands, "x.tif")


@pytest.mark.parametrize("bands", [(0, 1, 2), (1, 2, 4)])
def test_explicit_band_outside_the_file_is_refused(bands: tuple[int, ...]) -> None:
    with pytest.raises(UnsupportedBandLayout, match="bands 1..3"):
        choose_bands([CI.red, CI.green, CI.blue], bands, "x.tif")


def test_palette_image_is_refused() -> None:
    with pytest.raises(UnsupportedBandLayout, match="-expand rgb"):
        choose_bands([CI.palette], None, "x.tif")


def test_two_data_bands_are_refused() -> None:
    with pytest.raises(UnsupportedBandLayout, match="--bands"):
        choose_bands([CI.gray, CI.undefined], None, "x.tif")


def test_panchromatic_file_reads_as_three_equal_channels(make_tif: MakeTif) -> None:
    gray = np.arange(128 * 128, dtype=np.uint8).reshape(1, 128, 128)
    info = open_raster(str(make_tif("pan.tif", gray)))
    assert info.panchromatic
    pixels = build_pyramid(info)[0].read(Window(0, 0, 128, 128))
    for channel in pixels.rgb:
        np.testing.assert_array_equal(channel, gray[0])


def test_bgr_file_is_read_in_rgb_order(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    bgr = rgb_uint8[::-1].copy()
    path = make_tif("bgr.tif", bgr, colorinterp=[CI.blue, CI.green, CI.red])
    info = open_raster(str(path))
    pixels = build_pyramid(info)[0].read(Window(0, 0, 300, 200))
    np.testing.assert_array_equal(pixels.rgb, rgb_uint8)


def test_alpha_band_masks_pixels(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    alpha = np.full((1, 200, 300), 255, dtype=np.uint8)
    alpha[0, :, :100] = 0
    rgba = np.concatenate([rgb_uint8, alpha])
    path = make_tif("rgba.tif", rgba, colorinterp=[CI.red, CI.green, CI.blue, CI.alpha])
    info = open_raster(str(path))
    assert info.bands == (1, 2, 3)
    pixels = build_pyramid(info)[0].read(Window(0, 0, 300, 200))
    np.testing.assert_array_equal(pixels.valid, alpha[0] > 0)
    assert not pixels.rgb[:, :, :100].any()
    np.testing.assert_array_equal(pixels.rgb[:, :, 100:], rgb_uint8[:, :, 100:])
