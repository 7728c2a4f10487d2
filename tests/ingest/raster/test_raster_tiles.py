"""Overlapping tile windows per level, and windowed reads of rasters larger than memory."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import rasterio
from raster_fixtures import ORIGIN, MakeTif
from rasterio.windows import Window

from ingest.errors import InvalidTiling
from ingest.raster import build_pyramid, level_for, open_raster, tile_at, tile_windows
from ingest.raster.tiles import axis_offsets


def test_axis_offsets_step_by_stride_and_end_at_the_edge() -> None:
    assert axis_offsets(1000, 256, 32) == [0, 224, 448, 672, 744]
    assert axis_offsets(256, 256, 32) == [0]
    assert axis_offsets(100, 256, 32) == [0]


@pytest.mark.parametrize(
    ("length", "size", "overlap"), [(1000, 256, 32), (777, 100, 0), (513, 512, 64), (300, 64, 63)]
)
def test_axis_offsets_cover_everything_with_at_least_the_overlap(
    length: int, size: int, overlap: int
) -> None:
    offsets = axis_offsets(length, size, overlap)
    covered = np.zeros(length, dtype=int)
    for start in offsets:
        covered[start : start + size] += 1
    assert covered.min() >= 1
    assert offsets[-1] + size == length
    for left, right in zip(offsets, offsets[1:], strict=False):
        assert left + size - right >= overlap


def test_tiles_cover_the_level_and_read_their_own_pixels(
    make_tif: MakeTif, rgb_uint8: np.ndarray
) -> None:
    info = open_raster(str(make_tif("rgb.tif", rgb_uint8)))
    level = build_pyramid(info)[0]
    tiles = tile_windows(level, tile_size=128, overlap=16)
    assert [(t.row, t.col) for t in tiles] == [(r, c) for r in range(2) for c in range(3)]
    for tile in tiles:
        assert tile.shape == (128, 128)
        col, row = int(tile.window.col_off), int(tile.window.row_off)
        assert tile.transform == ORIGIN @ ORIGIN.translation(col, row)
        pixels = tile.read()
        np.testing.assert_array_equal(pixels.rgb, rgb_uint8[:, row : row + 128, col : col + 128])
        assert pixels.transform == tile.transform


def test_resampled_tiles_know_their_source_window(make_tif: MakeTif) -> None:
    info = open_raster(str(make_tif("big.tif", np.zeros((3, 600, 600), dtype=np.uint8))))
    tiles = tile_windows(level_for(info, 10000), tile_size=128, overlap=28)
    last = tiles[-1]
    assert last.window == Window(172, 172, 128, 128)
    assert last.source_window == Window(344, 344, 256, 256)


def test_level_smaller_than_a_tile_is_one_tile(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    info = open_raster(str(make_tif("rgb.tif", rgb_uint8)))
    (tile,) = tile_windows(build_pyramid(info)[0], tile_size=512, overlap=64)
    assert tile.shape == (200, 300)


@pytest.mark.parametrize(("size", "overlap"), [(64, 64), (64, -1), (0, 0)])
def test_impossible_tiling_is_refused(
    make_tif: MakeTif, rgb_uint8: np.ndarray, size: int, overlap: int
) -> None:
    info = open_raster(str(make_tif("rgb.tif", rgb_uint8)))
    with pytest.raises(InvalidTiling, match="overlap"):
        tile_windows(build_pyramid(info)[0], tile_size=size, overlap=overlap)


def test_tile_rebuilt_from_its_window_equals_the_layout_tile(
    make_tif: MakeTif, rgb_uint8: np.ndarray
) -> None:
    level = level_for(open_raster(str(make_tif("rgb.tif", rgb_uint8))), 10000)
    tile = tile_windows(level, tile_size=64, overlap=8)[3]
    assert tile_at(level, tile.window, tile.row, tile.col) == tile


def test_tile_window_survives_a_process_boundary(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    info = open_raster(str(make_tif("rgb.tif", rgb_uint8)))
    tile = tile_windows(level_for(info, 2000), tile_size=64, overlap=8)[4]
    copy = pickle.loads(pickle.dumps(tile))
    np.testing.assert_array_equal(copy.read().rgb, tile.read().rgb)


def test_raster_larger_than_memory_is_read_window_by_window(tmp_path: Path) -> None:
    # 200,000 x 200,000 RGB pixels declared (120 GB of uint8), stored sparse in a few MB.
    path = tmp_path / "vast.tif"
    side = 200_000
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=side,
        height=side,
        count=3,
        dtype="uint8",
        crs="EPSG:32616",
        transform=ORIGIN,
        tiled=True,
        blockxsize=512,
        blockysize=512,
        SPARSE_OK=True,
    ) as dataset:
        dataset.write(
            np.full((3, 512, 512), 77, dtype=np.uint8),
            window=Window(side - 512, side - 512, 512, 512),
        )
    assert path.stat().st_size < 20_000_000
    # Above the memory-derived limit jobs admit (tests/ingest/raster/test_raster_limit.py):
    # the reader itself still reads such a raster window by window when allowed.
    info = open_raster(str(path), max_pixels=side * side)
    levels = build_pyramid(info)
    assert [lv.scale for lv in levels] == [2000, 10000, 50000]
    last = tile_windows(levels[0], tile_size=4096, overlap=64)[-1]
    assert (last.window.col_off, last.window.row_off) == (side - 4096, side - 4096)
    rgb = last.read().rgb
    assert (rgb[:, -512:, -512:] == 77).all()
    assert not rgb[:, :-512, :].any()
    coarse = tile_windows(levels[2], tile_size=256, overlap=0)[-1]
    pixels = coarse.read()
    assert pixels.rgb.shape == (3, 256, 256)
    # The last 512 source pixels are 51.2 coarse pixels; the rest of the tile is zeros.
    assert (pixels.rgb[:, -50:, -50:] == 77).all()
    assert (pixels.rgb[:, :200, :200] == 0).all()
