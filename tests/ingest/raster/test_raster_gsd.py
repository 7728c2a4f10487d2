"""Ground sample distance in metres for projected and geographic CRSs."""

from __future__ import annotations

import math

import pytest
import rasterio
from affine import Affine
from rasterio.crs import CRS

from ingest.errors import UnknownCRS
from ingest.raster import ground_sample_distance, open_raster
from tests.support.sample_data import sample

# GRS80 / WGS84 ellipsoid, for the independent expected values below.
A = 6_378_137.0
F = 1 / 298.257223563
E2 = F * (2 - F)


def _ellipsoid_pixel(lat_deg: float, dlon_deg: float, dlat_deg: float) -> float:
    """sqrt(east x north) ground size of a small lon/lat pixel from the radii of curvature."""
    phi = math.radians(lat_deg)
    w = math.sqrt(1 - E2 * math.sin(phi) ** 2)
    prime_vertical = A / w
    meridional = A * (1 - E2) / w**3
    east = prime_vertical * math.cos(phi) * math.radians(dlon_deg)
    north = meridional * math.radians(dlat_deg)
    return math.sqrt(east * north)


def test_projected_metres_is_the_pixel_size() -> None:
    transform = Affine(0.5, 0, 733_600, 0, -0.5, 3_725_140)
    assert ground_sample_distance(CRS.from_epsg(32616), transform, 100, 100) == 0.5


def test_projected_us_survey_feet_are_converted() -> None:
    # EPSG:2263, NAD83 / New York Long Island (ftUS): one pixel is 2 US survey feet.
    transform = Affine(2.0, 0, 990_000, 0, -2.0, 200_000)
    gsd = ground_sample_distance(CRS.from_epsg(2263), transform, 100, 100)
    assert gsd == pytest.approx(2 * 1200 / 3937, rel=1e-9)


def test_rotated_pixel_keeps_its_size() -> None:
    angle = math.radians(30)
    size = 0.5
    transform = Affine(
        size * math.cos(angle),
        -size * math.sin(angle),
        733_600,
        -size * math.sin(angle),
        -size * math.cos(angle),
        3_725_140,
    )
    gsd = ground_sample_distance(CRS.from_epsg(32616), transform, 100, 100)
    assert gsd == pytest.approx(size, rel=1e-9)


@pytest.mark.parametrize("lat", [0.0, 45.0, 60.0])
def test_geographic_pixel_is_measured_on_the_ellipsoid(lat: float) -> None:
    step = 1e-5
    transform = Affine(step, 0, 10.0, 0, -step, lat + 50 * step)
    gsd = ground_sample_distance(CRS.from_epsg(4326), transform, 100, 100)
    assert gsd == pytest.approx(_ellipsoid_pixel(lat, step, step), rel=1e-4)


def test_web_mercator_is_corrected_by_its_scale_at_the_centre() -> None:
    # At 60 deg N a Web Mercator unit is cos(60 deg) = 0.5 ground metres (spherical scale).
    size = 4.8
    y60 = A * math.log(math.tan(math.pi / 4 + math.radians(60) / 2))
    transform = Affine(size, 0, 1_000_000, 0, -size, y60 + 50 * size)
    gsd = ground_sample_distance(CRS.from_epsg(3857), transform, 100, 100)
    assert gsd == pytest.approx(size * 0.5, rel=5e-3)


def test_real_web_mercator_sample() -> None:
    path = sample(
        "imagery/spacenet-sn7/"
        "SN7_global_monthly_2020_01_mosaic_L15-0331E-1257N_1327_3160_13_uint8_clipped.tif"
    )
    info = open_raster(str(path))
    with rasterio.open(path) as dataset:
        res_x, res_y = dataset.res
        lat = dataset.lnglat()[1]
    nominal = math.sqrt(res_x * res_y)
    assert info.gsd_m == pytest.approx(nominal * math.cos(math.radians(lat)), rel=5e-3)


def test_crs_without_an_ellipsoid_is_refused() -> None:
    local = CRS.from_wkt('LOCAL_CS["site grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]')
    with pytest.raises(UnknownCRS, match="not tied to an ellipsoid"):
        ground_sample_distance(local, Affine(0.5, 0, 0, 0, -0.5, 0), 100, 100)
