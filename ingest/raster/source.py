"""Open and validate a raster (GeoTIFF, COG or anything GDAL reads) before any work is queued.

Validation happens once, up front, so a job fails in seconds with a message that says what to
fix, instead of in the middle of a tile fan-out. The checks, each with its own error:

- the path exists and is not empty (``RasterNotFound``, ``EmptyRaster``);
- GDAL recognises it as a raster (``NotARaster``) and can read its header (``CorruptRaster``);
- the declared size fits what the imagery job's finish step can hold in this machine's memory
  (``RasterTooLarge``, limit from ``intake.limits.max_raster_pixels``): checked from the header
  alone, before any pixel is read, so a 10^6 x 10^6 header costs nothing;
- it has a CRS and a geotransform (``MissingGeoreference``);
- the bands give RGB or panchromatic (``UnsupportedBandLayout``) of a real dtype
  (``UnsupportedDtype``);
- the first and last pixel block of each chosen band can be decoded (``CorruptRaster``): a
  truncated file loses its last blocks first, so this finds it without reading everything.
"""

from __future__ import annotations

from collections.abc import Sequence

from rasterio.io import DatasetReader
from rasterio.windows import Window

from ingest.errors import MissingGeoreference, RasterTooLarge, UnsupportedDtype
from ingest.raster.bands import choose_bands
from ingest.raster.dataset import open_dataset
from ingest.raster.gsd import ground_sample_distance
from ingest.raster.info import RasterInfo
from ingest.raster.stretch import compute_stretch
from intake.limits import max_raster_pixels

SUPPORTED_DTYPES = frozenset(
    {
        "uint8",
        "int8",
        "uint16",
        "int16",
        "uint32",
        "int32",
        "uint64",
        "int64",
        "float16",
        "float32",
        "float64",
    }
)


def _check_georeference(dataset: DatasetReader, path: str) -> None:
    if dataset.transform.is_identity and dataset.gcps[0]:
        raise MissingGeoreference(
            f"{path!r} is placed by ground control points, not a geotransform; warp it first "
            "(gdalwarp -t_srs EPSG:xxxx in.tif out.tif)."
        )
    if dataset.crs is None:
        raise MissingGeoreference(
            f"{path!r} has no coordinate reference system; assign one "
            "(gdal_edit.py -a_srs EPSG:xxxx) and try again."
        )
    if dataset.transform.is_identity:
        raise MissingGeoreference(
            f"{path!r} has no geotransform; georeference it first (gdal_edit.py -a_ullr or a "
            "world file)."
        )


def _check_size(dataset: DatasetReader, path: str, limit: int) -> None:
    """Refuse a raster declaring more than ``limit`` pixels, from its header alone."""
    pixels = dataset.width * dataset.height
    if pixels > limit:
        raise RasterTooLarge(
            f"{path!r} declares {dataset.width} x {dataset.height} = {pixels} pixels, more than "
            f"the limit of {limit} pixels that a job can finish in this machine's memory; cut "
            "it into smaller files (gdal_retile.py) or ingest it on a machine with more memory."
        )


def _check_dtypes(dataset: DatasetReader, bands: tuple[int, int, int], path: str) -> str:
    dtypes = {dataset.dtypes[band - 1] for band in bands}
    unsupported = sorted(dtypes - SUPPORTED_DTYPES)
    if unsupported:
        raise UnsupportedDtype(
            f"{path!r} has {unsupported} samples; orthograph reads real-valued (integer or "
            "float) imagery: convert it first (e.g. gdal_translate -ot Float32 on the "
            "amplitude)."
        )
    if len(dtypes) > 1:
        return "float64"
    return dtypes.pop()


def _probe_blocks(dataset: DatasetReader, bands: tuple[int, int, int]) -> None:
    """Read the first and the last pixel of each chosen band, which decodes their blocks.

    A truncated file loses its last blocks, a damaged one often its first; one pixel is
    enough to make GDAL fetch and decode the whole block, and no more.
    """
    corners = (Window(0, 0, 1, 1), Window(dataset.width - 1, dataset.height - 1, 1, 1))
    for band in set(bands):
        for window in corners:
            dataset.read(band, window=window)


def open_raster(
    path: str,
    bands: Sequence[int] | None = None,
    *,
    max_pixels: int | None = None,
    sample_size: int = 1024,
    percentiles: tuple[float, float] = (2.0, 98.0),
) -> RasterInfo:
    """Validate the raster at ``path`` and describe it as a :class:`RasterInfo`.

    ``bands`` are 1-based band numbers: three for (r, g, b) or one for panchromatic (see
    ``ingest.raster.bands``). ``sample_size`` (pixels, long side) and ``percentiles`` (percent)
    set the 8-bit stretch of non-8-bit data (see ``ingest.raster.stretch``). ``max_pixels``
    (width x height) defaults to ``intake.limits.max_raster_pixels()``, what this machine's
    memory lets a job finish. Reads two blocks per band and one decimated sample, whatever the
    raster's size.
    """
    path = str(path)
    limit = max_raster_pixels() if max_pixels is None else max_pixels
    with open_dataset(path) as dataset:
        _check_size(dataset, path, limit)
        _check_georeference(dataset, path)
        chosen = choose_bands(dataset.colorinterp, bands, path)
        dtype = _check_dtypes(dataset, chosen, path)
        _probe_blocks(dataset, chosen)
        stretch = None
        if dtype != "uint8":
            stretch = compute_stretch(
                dataset, chosen, sample_size=sample_size, percentiles=percentiles
            )
        return RasterInfo(
            path=path,
            driver=dataset.driver,
            width=dataset.width,
            height=dataset.height,
            count=dataset.count,
            dtype=dtype,
            crs=dataset.crs,
            epsg=dataset.crs.to_epsg(),
            transform=dataset.transform,
            bands=chosen,
            gsd_m=ground_sample_distance(
                dataset.crs, dataset.transform, dataset.width, dataset.height
            ),
            nodata=dataset.nodata,
            stretch=stretch,
        )
