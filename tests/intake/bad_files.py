"""Bad inputs built in code: each function writes one file (or folder) under ``folder``.

Vector files are tiny GeoJSON documents; damaged PBFs are cut or random copies of the vendored
Liechtenstein extract; rasters are small GeoTIFFs with a real CRS written by rasterio, among
them one whose header claims 200,000 x 200,000 pixels (a sparse tiled file: no block written).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from rasterio.transform import from_origin

from tests.support.sample_data import sample

LIECHTENSTEIN = "osm/liechtenstein.osm.pbf"
SQUARE = [[[9.52, 47.14], [9.5205, 47.14], [9.5205, 47.1405], [9.52, 47.1405], [9.52, 47.14]]]
"""A 37 m x 55 m building outline in Vaduz (lon/lat)."""


def _geojson(folder: Path, name: str, geometry: Any, crs: str | None = None) -> Path:
    document: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"building": "yes"}, "geometry": geometry}],
    }
    if crs is not None:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    path = folder / f"{name}.geojson"
    path.write_text(json.dumps(document))
    return path


def good_map(folder: Path) -> Path:
    """One valid building: the control every refusal is compared with."""
    return _geojson(folder, "good", {"type": "Polygon", "coordinates": SQUARE})


def degrees_in_web_mercator(folder: Path) -> Path:
    return _geojson(folder, "mislabelled", {"type": "Polygon", "coordinates": SQUARE}, "EPSG:3857")


def huge_coordinates(folder: Path) -> Path:
    ring = [[[0, 0], [1e300, 0], [1e300, 1e300], [0, 1e300], [0, 0]]]
    return _geojson(folder, "huge", {"type": "Polygon", "coordinates": ring})


def nan_coordinates(folder: Path) -> Path:
    path = folder / "nan.geojson"
    ring = "[[NaN, 47.14], [9.5205, 47.14], [9.5205, 47.1405], [NaN, 47.14]]"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"building": "yes"}, "geometry": {"type": "Polygon", "coordinates": [' + ring + "]}}]}"
    )
    return path


def null_geometry(folder: Path) -> Path:
    return _geojson(folder, "null", None)


def invalid_ring(folder: Path) -> Path:
    ring = [[[9.52, 47.14], [9.5205, 47.14], [9.52, 47.14]]]
    return _geojson(folder, "ring", {"type": "Polygon", "coordinates": ring})


def empty_map(folder: Path) -> Path:
    path = folder / "empty.geojson"
    path.write_bytes(b"")
    return path


def directory(folder: Path) -> Path:
    path = folder / "folder.geojson"
    path.mkdir()
    return path


def missing(folder: Path) -> Path:
    return folder / "gone.geojson"


def truncated_pbf(folder: Path) -> Path:
    data = sample(LIECHTENSTEIN).read_bytes()
    path = folder / "truncated.osm.pbf"
    path.write_bytes(data[: len(data) // 3])
    return path


def random_pbf(folder: Path) -> Path:
    path = folder / "random.osm.pbf"
    path.write_bytes(np.random.default_rng(15).bytes(64 * 1024))
    return path


def _tif(folder: Path, name: str, pixels: np.ndarray, **profile: Any) -> Path:
    path = folder / f"{name}.tif"
    count, height, width = pixels.shape
    with rasterio.open(
        path, "w", driver="GTiff", width=width, height=height, count=count,
        dtype=pixels.dtype, crs="EPSG:32616", transform=from_origin(740000, 3730000, 0.5, 0.5),
        **profile,
    ) as out:  # fmt: skip
        out.write(pixels)
    return path


def good_image(folder: Path) -> Path:
    pixels = np.random.default_rng(1).integers(0, 255, (3, 256, 256), dtype=np.uint8)
    return _tif(folder, "good", pixels)


def black_image(folder: Path) -> Path:
    return _tif(folder, "black", np.zeros((3, 256, 256), dtype=np.uint8))


def nodata_image(folder: Path) -> Path:
    return _tif(folder, "nodata", np.full((3, 256, 256), 7, dtype=np.uint16), nodata=7)


def huge_header_image(folder: Path) -> Path:
    """A GeoTIFF of a few MB whose header claims 200,000 x 200,000 px (no block written)."""
    path = folder / "huge.tif"
    with rasterio.open(
        path, "w", driver="GTiff", width=200_000, height=200_000, count=3, dtype="uint8",
        crs="EPSG:32616", transform=from_origin(740000, 3730000, 0.5, 0.5), tiled=True,
        blockxsize=512, blockysize=512, sparse_ok=True, bigtiff="YES",
    ):  # fmt: skip
        pass
    return path


def empty_image(folder: Path) -> Path:
    path = folder / "empty.tif"
    path.write_bytes(b"")
    return path


def text_image(folder: Path) -> Path:
    path = folder / "notes.tif"
    path.write_text("not an image\n")
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe.geojson"
    os.mkfifo(path)
    return path


BUILDERS: dict[str, Callable[[Path], Path]] = {
    name: builder
    for name, builder in globals().items()
    if callable(builder) and not name.startswith("_") and builder.__module__ == __name__
}
"""Every builder by name, as the case tables name them."""
