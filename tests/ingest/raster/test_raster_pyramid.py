"""The scale pyramid: levels per applicable scale, resampled windowed reads."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from raster_fixtures import MakeTif
from rasterio.enums import ColorInterp as CI
from rasterio.transform import from_origin
from rasterio.windows import Window

from ingest.errors import NoApplicableScale, UnknownScale
from ingest.raster import build_pyramid, level_for, open_raster
from tests.support.sample_data import sample


def _blocks(image: np.ndarray, size: int) -> np.ndarray:
    """Mean of each size x size block of an (bands, H, W) array (H, W multiples of size)."""
    bands, rows, cols = image.shape
    return image.reshape(bands, rows // size, size, cols // size, size).mean(axis=(2, 4))


def test_levels_are_the_applicable_scales_fine_first(make_tif: MakeTif) -> None:
    image = np.zeros((3, 256, 256), dtype=np.uint8)
    info = open_raster(str(make_tif("half_metre.tif", image)))
    levels = build_pyramid(info)
    # 0.5 m: 1:2,000 natively (256 px), 1:10,000 at 1 m (128 px); 1:50,000 at 5 m is 25.6 px.
    assert [level.scale for level in levels] == [2000, 10000]
    assert levels[0].native and levels[0].factor == 1.0
    assert (levels[1].width, levels[1].height, levels[1].gsd_m) == (128, 128, 1.0)
    assert not levels[1].native


def test_level_grid_covers_the_raster_extent_exactly(make_tif: MakeTif) -> None:
    image = np.zeros((3, 341, 280), dtype=np.uint8)
    info = open_raster(str(make_tif("odd.tif", image)))
    level = level_for(info, 10000)
    assert (level.width, level.height) == (round(280 / 2), round(341 / 2))
    corner = level.transform @ (level.width, level.height)
    assert corner == pytest.approx(info.transform @ (280, 341))
    assert level.gsd_m == pytest.approx(1.0, rel=0.01)


def test_resampled_level_is_the_area_average(make_tif: MakeTif) -> None:
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, size=(3, 256, 256), dtype=np.uint8)
    info = open_raster(str(make_tif("random.tif", image)))
    level = level_for(info, 10000)
    pixels = level.read(Window(32, 16, 64, 48))
    expected = _blocks(image.astype(float), 2)[:, 16:64, 32:96]
    assert np.abs(pixels.rgb.astype(float) - expected).max() <= 1.0
    assert pixels.valid.all()
    assert pixels.transform == level.transform @ level.transform.translation(32, 16)


def test_fine_image_is_resampled_to_the_finest_analysis_gsd(make_tif: MakeTif) -> None:
    image = np.zeros((3, 1000, 1000), dtype=np.uint8)
    path = make_tif("fine.tif", image, transform=from_origin(733_600, 3_725_140, 0.1, 0.1))
    level = build_pyramid(open_raster(str(path)))[0]
    assert level.scale == 2000
    assert (level.width, level.gsd_m, level.factor) == (400, 0.25, 2.5)


def test_nodata_survives_resampling(make_tif: MakeTif) -> None:
    image = np.full((3, 256, 256), 100, dtype=np.uint16)
    image[:, :, :128] = 0
    image[:, 0, 200] = 4000
    info = open_raster(str(make_tif("nodata16.tif", image, nodata=0)))
    pixels = level_for(info, 10000).read(Window(0, 0, 128, 128))
    assert not pixels.valid[:, :64].any()
    assert pixels.valid[:, 64:].all()


def test_scale_the_image_cannot_serve_is_refused(make_tif: MakeTif) -> None:
    info = open_raster(str(make_tif("small.tif", np.zeros((3, 256, 256), dtype=np.uint8))))
    with pytest.raises(NoApplicableScale, match=r"cannot serve 1:50000.*\[2000, 10000\]"):
        build_pyramid(info, [2000, 50000])
    with pytest.raises(UnknownScale):
        build_pyramid(info, [25000])


def test_image_serving_no_scale_is_refused(make_tif: MakeTif) -> None:
    info = open_raster(str(make_tif("tiny.tif", np.zeros((3, 32, 32), dtype=np.uint8))))
    with pytest.raises(NoApplicableScale, match="serves no map scale"):
        build_pyramid(info)


def test_real_clip_pyramid() -> None:
    info = open_raster(str(sample("imagery/new-brunswick/23322E759967N_clipped_1m_1of2.tif")))
    levels = build_pyramid(info)
    assert [(lv.scale, lv.width, lv.height) for lv in levels] == [
        (2000, 280, 341),
        (10000, 140, round(341 / 2)),
    ]


def test_alpha_mask_survives_resampling(make_tif: MakeTif) -> None:
    image = np.full((4, 256, 256), 200, dtype=np.uint8)
    image[3, 128:, :] = 0
    path = make_tif("rgba.tif", image, colorinterp=[CI.red, CI.green, CI.blue, CI.alpha])
    pixels = level_for(open_raster(str(path)), 10000).read(Window(0, 0, 128, 128))
    assert pixels.valid[:64].all()
    assert not pixels.valid[64:].any()
    assert (pixels.rgb[:, :64] == 200).all() and not pixels.rgb[:, 64:].any()


def test_internal_mask_survives_resampling(make_tif: MakeTif) -> None:
    image = np.full((3, 256, 256), 90, dtype=np.uint8)
    path = make_tif("masked.tif", image)
    mask = np.full((256, 256), 255, dtype=np.uint8)
    mask[:, :64] = 0
    with rasterio.open(path, "r+") as dataset:
        dataset.write_mask(mask)
    info = open_raster(str(path))
    native = level_for(info, 2000).read(Window(0, 0, 256, 256))
    np.testing.assert_array_equal(native.valid, mask > 0)
    coarse = level_for(info, 10000).read(Window(0, 0, 128, 128))
    assert not coarse.valid[:, :32].any()
    assert coarse.valid[:, 32:].all()
