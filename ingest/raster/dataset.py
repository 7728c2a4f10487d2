"""Open a raster with GDAL and turn GDAL's failures into named ingest errors.

GDAL reports a missing file, a text file, a damaged TIFF header and a truncated pixel block all
as ``RasterioIOError``; callers need to know which one it was to tell the user what to do. Every
open and every pixel read of ``ingest.raster`` goes through this module so that a file cut in
half fails with :class:`CorruptRaster` wherever the damage is found, never deep inside numpy.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import rasterio
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError
from rasterio.io import DatasetReader

from ingest.errors import CorruptRaster, EmptyRaster, NotARaster, RasterNotFound

# Byte signatures of classic TIFF and BigTIFF, little- and big-endian.
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def _is_local(path: str) -> bool:
    """True for a plain file path; GDAL virtual paths (/vsi...) and URLs are not checked."""
    return not path.startswith("/vsi") and "://" not in path


def _looks_like_tiff(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) in _TIFF_MAGIC


def check_file(path: str) -> None:
    """Refuse a local path that does not exist or holds zero bytes, before GDAL sees it."""
    if not _is_local(path):
        return
    file = Path(path)
    if not file.exists():
        raise RasterNotFound(f"no raster at {path!r}; check the path and try again.")
    if file.is_file() and file.stat().st_size == 0:
        raise EmptyRaster(f"{path!r} is empty (0 bytes); copy or download the image again.")


@contextmanager
def open_dataset(path: str) -> Iterator[DatasetReader]:
    """Open ``path`` read-only, translating GDAL's open and read failures.

    Errors raised while the dataset is open (a pixel read hitting a truncated block) are
    translated too, so callers can read inside the ``with`` block without their own handling.
    """
    check_file(path)
    try:
        with warnings.catch_warnings():
            # open_raster refuses a raster without georeference with its own, clearer error.
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            dataset = rasterio.open(path)
    except RasterioIOError as exc:
        if _is_local(path) and Path(path).is_file() and _looks_like_tiff(path):
            raise CorruptRaster(
                f"{path!r} starts like a TIFF but GDAL cannot read its header ({exc}); the "
                "file is damaged or truncated: copy or download it again."
            ) from exc
        raise NotARaster(
            f"{path!r} is not a raster GDAL can read ({exc}); pass a GeoTIFF or COG."
        ) from exc
    with dataset:
        try:
            yield dataset
        except RasterioIOError as exc:
            raise CorruptRaster(
                f"reading pixels of {path!r} failed ({exc}); the file is truncated or damaged: "
                "copy or download it again (gdalinfo -checksum shows which band is broken)."
            ) from exc
