"""open_raster: validation of what is handed in, with one named error per problem."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from raster_fixtures import ORIGIN, MakeTif
from rasterio.control import GroundControlPoint
from rasterio.enums import Resampling
from rio_cogeo.cogeo import cog_translate
from rio_cogeo.profiles import cog_profiles
from shapely.geometry import Point

from ingest.errors import (
    CorruptRaster,
    EmptyRaster,
    IngestError,
    MissingGeoreference,
    NotARaster,
    RasterNotFound,
    RasterTooLarge,
    UnsupportedBandLayout,
    UnsupportedDtype,
)
from ingest.raster import build_pyramid, open_raster, tile_windows
from tests.support.sample_data import sample


def test_valid_rgb_geotiff_is_described(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    path = make_tif("rgb.tif", rgb_uint8)
    info = open_raster(str(path))
    assert (info.width, info.height, info.count) == (300, 200, 3)
    assert info.epsg == 32616
    assert info.bands == (1, 2, 3)
    assert info.dtype == "uint8"
    assert info.stretch is None
    assert info.gsd_m == pytest.approx(0.5)
    assert not info.panchromatic


def test_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RasterNotFound, match="no raster at") as caught:
        open_raster(str(tmp_path / "nowhere.tif"))
    assert isinstance(caught.value, FileNotFoundError)


def test_zero_byte_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.tif"
    path.write_bytes(b"")
    with pytest.raises(EmptyRaster, match="0 bytes"):
        open_raster(str(path))


def test_zero_size_dimensions_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "zero.vrt"
    path.write_text(
        '<VRTDataset rasterXSize="0" rasterYSize="0"><SRS>EPSG:32616</SRS>'
        "<GeoTransform>0, 1, 0, 0, 0, -1</GeoTransform>"
        '<VRTRasterBand dataType="Byte" band="1"/></VRTDataset>'
    )
    with pytest.raises(NotARaster, match="0 x 0"):
        open_raster(str(path))


def test_text_file_is_not_a_raster(tmp_path: Path) -> None:
    path = tmp_path / "notes.tif"
    path.write_text("these are not pixels\n")
    with pytest.raises(NotARaster, match="not a raster") as caught:
        open_raster(str(path))
    assert isinstance(caught.value, ValueError)


def test_vector_file_is_not_a_raster(tmp_path: Path) -> None:
    path = tmp_path / "points.gpkg"
    gpd.GeoDataFrame({"id": [1]}, geometry=[Point(0, 0)], crs="EPSG:4326").to_file(path)
    with pytest.raises(NotARaster):
        open_raster(str(path))


def test_damaged_tiff_header_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "damaged.tif"
    path.write_bytes(b"II*\x00" + bytes(range(256)) * 4)
    with pytest.raises(CorruptRaster, match="header"):
        open_raster(str(path))


def test_geotiff_cut_in_half_is_corrupt(make_tif: MakeTif, tmp_path: Path) -> None:
    pixels = np.arange(3 * 256 * 256, dtype=np.uint16).reshape(3, 256, 256)
    whole = make_tif("whole.tif", pixels).read_bytes()
    half = tmp_path / "half.tif"
    half.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CorruptRaster, match="truncated"):
        open_raster(str(half))


def test_file_truncated_after_validation_fails_clearly_on_read(
    make_tif: MakeTif, rgb_uint8: np.ndarray
) -> None:
    path = make_tif("later.tif", rgb_uint8)
    info = open_raster(str(path))
    level = build_pyramid(info)[0]
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    last = tile_windows(level, tile_size=128, overlap=0)[-1]
    with pytest.raises(CorruptRaster, match="reading pixels"):
        last.read()


def test_missing_crs_is_refused(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    path = make_tif("nocrs.tif", rgb_uint8, crs=None)
    with pytest.raises(MissingGeoreference, match="coordinate reference system"):
        open_raster(str(path))


def test_missing_geotransform_is_refused(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    with pytest.warns(rasterio.errors.NotGeoreferencedWarning):
        path = make_tif("notransform.tif", rgb_uint8, transform=None)
    with pytest.raises(MissingGeoreference, match="no geotransform"):
        open_raster(str(path))


def test_gcp_only_raster_is_told_to_warp(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    gcps = [
        GroundControlPoint(row=r, col=c, x=733600 + c / 2, y=3725140 - r / 2)
        for r, c in ((0, 0), (0, 300), (200, 0))
    ]
    with pytest.warns(rasterio.errors.NotGeoreferencedWarning):
        path = make_tif("gcps.tif", rgb_uint8, crs=None, transform=None)
    with rasterio.open(path, "r+") as dataset:
        dataset.gcps = (gcps, rasterio.crs.CRS.from_epsg(32616))
    with pytest.raises(MissingGeoreference, match="gdalwarp"):
        open_raster(str(path))


def test_two_bands_are_an_unknown_layout(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    path = make_tif("two.tif", rgb_uint8[:2])
    with pytest.raises(UnsupportedBandLayout, match="2 non-alpha bands"):
        open_raster(str(path))


def test_band_that_does_not_exist_is_refused(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    path = make_tif("three.tif", rgb_uint8)
    with pytest.raises(UnsupportedBandLayout, match=r"band\(s\) \[5\] do not exist"):
        open_raster(str(path), bands=(1, 2, 5))


def test_complex_samples_are_an_unsupported_dtype(make_tif: MakeTif) -> None:
    pixels = np.ones((1, 16, 16), dtype=np.complex64)
    path = make_tif("complex.tif", pixels)
    with pytest.raises(UnsupportedDtype, match="complex") as caught:
        open_raster(str(path))
    assert isinstance(caught.value, TypeError)


def test_absurd_declared_size_is_refused_from_a_tiny_sparse_tiff(tmp_path: Path) -> None:
    path = tmp_path / "absurd.tif"
    side = 1_000_000
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=side,
        height=side,
        count=1,
        dtype="uint8",
        crs="EPSG:32616",
        transform=ORIGIN,
        SPARSE_OK=True,
        BLOCKYSIZE=side,
    ):
        pass
    assert path.stat().st_size < 10_000
    with pytest.raises(RasterTooLarge, match="1000000 x 1000000"):
        open_raster(str(path))


def test_absurd_declared_size_is_refused_from_a_vrt(tmp_path: Path) -> None:
    path = tmp_path / "absurd.vrt"
    path.write_text(
        '<VRTDataset rasterXSize="1000000" rasterYSize="1000000"><SRS>EPSG:32616</SRS>'
        "<GeoTransform>733600, 0.5, 0, 3725140, 0, -0.5</GeoTransform>"
        '<VRTRasterBand dataType="Byte" band="1"/></VRTDataset>'
    )
    with pytest.raises(RasterTooLarge):
        open_raster(str(path))


def test_pixel_limit_is_configurable(make_tif: MakeTif, rgb_uint8: np.ndarray) -> None:
    path = make_tif("limited.tif", rgb_uint8)
    with pytest.raises(RasterTooLarge, match="limit of 1000"):
        open_raster(str(path), max_pixels=1000)


def test_every_refusal_is_an_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.tif"
    path.write_bytes(b"")
    with pytest.raises(IngestError):
        open_raster(str(path))


def test_cloud_optimised_geotiff_opens_and_reads(
    make_tif: MakeTif, tmp_path: Path, rgb_uint8: np.ndarray
) -> None:
    plain = make_tif("plain.tif", np.tile(rgb_uint8, (1, 2, 2)))
    cog = tmp_path / "cog.tif"
    profile = {**cog_profiles.get("deflate"), "blockxsize": 128, "blockysize": 128}
    cog_translate(
        str(plain),
        str(cog),
        profile,
        quiet=True,
        overview_level=2,
        overview_resampling=Resampling.average.name,
    )
    with rasterio.open(cog) as dataset:
        assert dataset.overviews(1)
    info = open_raster(str(cog))
    tile = tile_windows(build_pyramid(info)[0], tile_size=64, overlap=8)[0]
    pixels = tile.read()
    np.testing.assert_array_equal(pixels.rgb, np.tile(rgb_uint8, (1, 2, 2))[:, :64, :64])


@pytest.mark.parametrize(
    ("name", "width", "height", "epsg"),
    [
        ("new-brunswick/23322E759967N_clipped_1m_1of2.tif", 280, 341, 2953),
        ("quebec-tiles/tiled_image_1.tif", 512, 512, 2949),
        ("massachusetts/22978945_15_uint8_clipped.tif", 92, 169, 26986),
        ("massachusetts/23429155_15_uint8_clipped.tif", 67, 93, 26986),
    ],
)
def test_real_samples_open(name: str, width: int, height: int, epsg: int) -> None:
    path = sample(f"imagery/{name}")
    info = open_raster(str(path))
    assert (info.width, info.height, info.epsg) == (width, height, epsg)
    assert info.bands == (1, 2, 3)
    with rasterio.open(path) as dataset:
        res_x, res_y = dataset.res
    # All four CRSs are in metres with small scale error: GSD is the nominal pixel size.
    assert info.gsd_m == pytest.approx((res_x * res_y) ** 0.5, rel=1e-9)
