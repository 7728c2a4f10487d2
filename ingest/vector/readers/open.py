"""Pick the reader for a vector file and describe it before anything is read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingest.errors import MissingSource, UnknownLayer
from ingest.vector.readers.chunk import (
    DEFAULT_CHUNK_SIZE,
    RawChunk,
    SourceInfo,
    VectorFormat,
    detect_format,
)
from ingest.vector.readers.ogr import ogr_info, read_ogr
from ingest.vector.readers.osm_gdal import read_xml, xml_info
from ingest.vector.readers.osm_pbf import pbf_info, read_pbf


def open_source(
    path: Path | str, *, layer: str | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> tuple[SourceInfo, Iterator[RawChunk]]:
    """Check ``path`` (format, layer, CRS, not empty) and return its description and a lazy
    iterator of feature chunks in the source CRS.

    ``layer`` chooses a layer of a multi-layer GDAL file; OSM files have no user layers.
    Errors are :class:`~ingest.errors.IngestError` subclasses saying what to fix.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingSource(f"{path}: no such file; check the path.")
    fmt = detect_format(path)
    if fmt is VectorFormat.OGR:
        info = ogr_info(path, layer)
        return info, read_ogr(path, info.layer or "", chunk_size)
    if layer is not None:
        raise UnknownLayer(
            f"{path.name} is OpenStreetMap data, which has no layers to choose; drop the layer."
        )
    if fmt is VectorFormat.OSM_PBF:
        return pbf_info(path), read_pbf(path, chunk_size)
    return xml_info(path), read_xml(path, chunk_size)
