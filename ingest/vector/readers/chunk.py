"""What every reader hands on: a description of the source and chunks of raw features.

A chunk holds at most ``chunk_size`` features so memory stays bounded however large the file
is; the pipeline classes and repairs one chunk before it asks for the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

import numpy as np

from ingest.errors import UnsupportedFormat

DEFAULT_CHUNK_SIZE = 50_000

OGR_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".fgb"}


class VectorFormat(StrEnum):
    """The reader families: OSM binary, OSM XML, and ordinary GDAL vector data."""

    OSM_PBF = "osm_pbf"
    OSM_XML = "osm_xml"
    OGR = "ogr"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One input file as read.

    ``source_crs`` is the EPSG code of the file's CRS (the geometries of its chunks are in it);
    ``as_of`` is the time the data describes (UTC): the data's own timestamp where the format
    has one (``as_of_origin="data"``), else the file's modification time (``"file"``);
    ``fields`` are the attribute names a feature can carry (OSM: the tag keys read);
    ``bounds`` is the extent the file declares, WGS84 ``(minx, miny, maxx, maxy)``, if any.
    """

    path: Path
    format: VectorFormat
    layer: str | None
    source_crs: int
    as_of: datetime
    as_of_origin: Literal["data", "file"]
    fields: tuple[str, ...] = ()
    bounds: tuple[float, float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class RawChunk:
    """Up to ``chunk_size`` features as read, before classing.

    ``keys[i]`` is feature i's stable key (``way/123`` for OSM, ``layer/fid`` otherwise),
    ``geometries[i]`` its shapely geometry in the source CRS (``None`` when the file has
    none), ``attributes[i]`` its non-empty attributes (OSM tags or table columns) as strings.
    """

    keys: list[str]
    geometries: np.ndarray
    attributes: list[dict[str, str]]

    def __len__(self) -> int:
        return len(self.keys)


def detect_format(path: Path) -> VectorFormat:
    """The reader family for ``path``, from its suffix, or :class:`UnsupportedFormat`."""
    name = path.name.lower()
    if name.endswith(".osm.pbf") or name.endswith(".pbf"):
        return VectorFormat.OSM_PBF
    if name.endswith(".osm"):
        return VectorFormat.OSM_XML
    if path.suffix.lower() in OGR_SUFFIXES:
        return VectorFormat.OGR
    raise UnsupportedFormat(
        f"{path.name}: unknown vector format; give an .osm.pbf, .osm, "
        f"or one of {', '.join(sorted(OGR_SUFFIXES))}."
    )


def file_date(path: Path) -> datetime:
    """The file's modification time (UTC): the as-of fallback when the data has no date."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def text_attributes(row: dict[str, object]) -> dict[str, str]:
    """``row`` without empty values (None, NaN, ""), every value as a string.

    Whole floats become integers (``4.0`` -> ``"4"``) so a mapping file can name a numeric
    class code as it appears to the user.
    """
    out: dict[str, str] = {}
    for name, value in row.items():
        if value is None:
            continue
        if isinstance(value, float):
            if math.isnan(value):
                continue
            text = str(int(value)) if value.is_integer() else str(value)
        else:
            text = str(value)
        if text != "":
            out[name] = text
    return out
