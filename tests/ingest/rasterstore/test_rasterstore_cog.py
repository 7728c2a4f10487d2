"""The content-addressed COG store: valid COGs, same pixels and grid, one copy per content."""

from __future__ import annotations

import hashlib
from pathlib import Path

import fsspec
import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Transformer
from rio_cogeo.cogeo import cog_validate
from shapely.geometry import box

from config.connections import Connections
from ingest.errors import RasterStoreError
from ingest.raster import open_raster
from ingest.rasterstore import RasterStore
from tests.support.sample_data import sample

SAMPLES = [
    "imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif",
    "imagery/atlanta-solaris/sample_geotiff.tif",
    "imagery/quebec-tiles/tiled_image_1.tif",
]
"""Sample paths (``tests.support.sample_data.sample``): RGB uint8, panchromatic uint16, tiled."""


@pytest.mark.parametrize("name", SAMPLES)
def test_a_stored_raster_is_a_valid_cog_with_the_source_pixels(tmp_path: Path, name: str) -> None:
    source = sample(name)
    stored = RasterStore(tmp_path / "store").put(open_raster(str(source)))
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert stored.sha256 == sha
    assert stored.uri == str(tmp_path / "store" / sha[:2] / f"{sha}.tif")
    valid, errors, _ = cog_validate(stored.uri, quiet=True)
    assert valid, errors
    with rasterio.open(source) as original, rasterio.open(stored.uri) as cog:
        assert np.array_equal(original.read(), cog.read())
        assert (cog.crs, cog.transform, cog.nodata) == (
            original.crs,
            original.transform,
            original.nodata,
        )
        assert cog.dtypes == original.dtypes
        assert stored.size_bytes == Path(stored.uri).stat().st_size
        to_wgs84 = Transformer.from_crs(original.crs, 4326, always_xy=True)
        corners = shapely.transform(
            box(*original.bounds), lambda xy: np.column_stack(to_wgs84.transform(*xy.T))
        )
    assert stored.footprint.symmetric_difference(corners).area < 1e-3 * corners.area
    assert (stored.width, stored.height, stored.epsg) == (cog.width, cog.height, cog.crs.to_epsg())


def test_putting_the_same_content_twice_stores_one_file(tmp_path: Path) -> None:
    source = sample(SAMPLES[0])
    copy = tmp_path / "renamed.tif"
    copy.write_bytes(source.read_bytes())
    store = RasterStore(tmp_path / "store")
    first = store.put(open_raster(str(source)))
    written = Path(first.uri).stat().st_mtime_ns
    second = store.put(open_raster(str(copy)))
    assert second.uri == first.uri
    assert second.source_name == "renamed.tif"
    assert Path(first.uri).stat().st_mtime_ns == written
    assert [p.name for p in (tmp_path / "store").rglob("*") if p.is_file()] == [
        Path(first.uri).name
    ]


def test_a_damaged_stored_file_is_written_again(tmp_path: Path) -> None:
    store = RasterStore(tmp_path / "store")
    info = open_raster(str(sample(SAMPLES[0])))
    stored = store.put(info)
    Path(stored.uri).write_bytes(b"II*\x00 truncated")
    again = store.put(info)
    assert cog_validate(again.uri, quiet=True)[0]


def test_a_remote_store_uploads_through_fsspec() -> None:
    store = RasterStore("memory://orthograph-test/rasters")
    stored = store.put(open_raster(str(sample(SAMPLES[0]))))
    fs = fsspec.filesystem("memory")
    assert stored.uri.startswith("memory://orthograph-test/rasters/")
    assert fs.cat(stored.uri)[:4] == b"II*\x00"
    assert fs.size(stored.uri) == stored.size_bytes
    fs.rm(stored.uri)


def test_an_unknown_store_protocol_is_a_clear_error() -> None:
    store = RasterStore("nosuchproto://bucket/rasters")
    with pytest.raises(RasterStoreError, match="nosuchproto://bucket/rasters"):
        store.put(open_raster(str(sample(SAMPLES[0]))))


def test_the_default_store_is_under_the_home_folder(tmp_path: Path) -> None:
    assert Connections(home=tmp_path).raster_store_uri == str(tmp_path / "rasters")
    chosen = Connections(home=tmp_path, raster_store="s3://bucket/rasters")
    assert chosen.raster_store_uri == "s3://bucket/rasters"
