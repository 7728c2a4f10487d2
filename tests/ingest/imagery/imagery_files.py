"""Imagery files for the ingest tests: written in code (real CRS), or real samples found by name.

A module, not a conftest, so the CLI tests can import the same writers and samples. The real
samples are functions, not path constants, so a missing file skips (or, in a strict run, fails)
the one test that opens it, never the whole module at import.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin

from tests.support.sample_data import sample

NB_CLASSES = {1: "forest", 2: "water_body", 3: "road", 4: "building"}
"""``Quatreclasses`` code -> ontology class, in painting order (later on top)."""


def nb_clip() -> Path:
    """The New Brunswick clip (EPSG:2953, 0.5 m, RGB uint8) that ``nb_labels`` covers."""
    return sample("imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif")


def nb_labels() -> Path:
    """The Baker Lake label polygons (``Quatreclasses``: see :data:`NB_CLASSES`)."""
    return sample("imagery/new-brunswick/BakerLake_2017_clipped.gpkg")


def atlanta(name: str) -> Path:
    """A file of the Atlanta sample: ``sample_geotiff.tif`` (panchromatic uint16, 0.5 m) or
    ``geotiff_labels.geojson`` (its 43 buildings)."""
    return sample(f"imagery/atlanta-solaris/{name}")


def quebec(name: str) -> Path:
    """A file of the Quebec tiles (research-licensed: only in the shared folder)."""
    return sample(f"imagery/quebec-tiles/{name}")


UTM16N = "EPSG:32616"
ORIGIN = from_origin(733_600.0, 3_725_140.0, 0.5, 0.5)
"""A 0.5 m grid in UTM 16N (Atlanta)."""


def write_rgb(path: Path, height: int = 256, width: int = 256, **options: object) -> Path:
    """A random 3-band uint8 GeoTIFF on ``ORIGIN`` (options override the profile).

    Values are 1..255, so a nodata value of 0 marks only the pixels a test sets to 0.
    """
    pixels = np.random.default_rng(3).integers(1, 256, size=(3, height, width), dtype=np.uint8)
    profile: dict[str, object] = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 3,
        "dtype": "uint8",
        "crs": UTM16N,
        "transform": ORIGIN,
    }
    profile.update(options)
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(pixels[: int(profile["count"])])  # type: ignore[call-overload]
    return path


def corrupt(path: Path) -> Path:
    """The NB clip cut to its first 3000 bytes: the header survives, the pixels do not."""
    path.write_bytes(nb_clip().read_bytes()[:3000])
    return path


def without_crs(path: Path) -> Path:
    """An RGB GeoTIFF with a geotransform but no CRS."""
    return write_rgb(path, crs=None)


def two_bands(path: Path) -> Path:
    """A georeferenced GeoTIFF of two uint8 bands (neither RGB nor panchromatic)."""
    return write_rgb(path, count=2)


def absurd(path: Path) -> Path:
    """A tiny VRT that declares 10^6 x 10^6 pixels."""
    path.write_text(
        '<VRTDataset rasterXSize="1000000" rasterYSize="1000000"><SRS>EPSG:32616</SRS>'
        "<GeoTransform>733600, 0.5, 0, 3725140, 0, -0.5</GeoTransform>"
        '<VRTRasterBand dataType="Byte" band="1"/></VRTDataset>'
    )
    return path


BAD_INPUTS = {
    "corrupt": corrupt,
    "no-crs": without_crs,
    "two-bands": two_bands,
    "absurd": absurd,
}
"""Name -> writer of one bad input file (``writer(path) -> path``)."""
