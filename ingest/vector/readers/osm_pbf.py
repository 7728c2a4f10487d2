"""OpenStreetMap ``.osm.pbf`` reader: GDAL's OSM driver, completed by pyrosm.

Two readers, because each gets some of OSM right that the other gets wrong (checked on the
Liechtenstein extract):

- GDAL (``osm_gdal``) applies OSM's multipolygon rules: a way tagged like the multipolygon
  relation it outlines (old-style tagging) is the relation, not a second object; it also
  assembles relations pyrosm cannot (7 building relations there, among them the Hilti
  technical centre). But it drops multipolygons whose rings an extract cut open.
- pyrosm (out-of-core engine) assembles those cut multipolygons (forests at the border), but
  read in one call it silently drops *every* tagged way that belongs to a relation it returns
  (the Rhine's centre line vanished with the river's waterway relation), and read apart it
  keeps old-style duplicates.

So GDAL reads everything, then pyrosm adds the polygon relations GDAL did not return. Only
elements carrying a class-deciding tag key are read, with the ontology's ``OSM_KEYS`` kept as
attributes. A file larger than ``tile_bytes`` has its pyrosm part read in a grid of
bounding-box tiles (the header box split n x n), so no single read holds more than about one
tile's relations; a relation that reaches into several tiles is handed on once, by its key.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyrosm
from pyogrio.errors import DataLayerError, DataSourceError, FeatureError
from pyrosm.exceptions import PBFException
from pyrosm.pbf_export import read_header_block

from ingest.errors import EmptySource, UnsupportedFormat
from ingest.ontology import OSM_KEYS
from ingest.vector.readers.chunk import (
    RawChunk,
    SourceInfo,
    VectorFormat,
    file_date,
    text_attributes,
)
from ingest.vector.readers.osm_gdal import read_gdal_osm
from ingest.vector.readers.osm_tags import class_keys

UNREADABLE = (OSError, ValueError, PBFException, FeatureError, DataSourceError, DataLayerError)
"""What GDAL and pyrosm raise for a PBF that is truncated, damaged or not a PBF at all."""

TILE_BYTES = 256 * 1024 * 1024
"""Files above this size are read in bounding-box tiles of about this many bytes each."""


def pbf_info(path: Path) -> SourceInfo:
    """Describe an ``.osm.pbf``: always EPSG:4326; as-of from the header's replication time."""
    try:
        header = read_header_block(str(path))
    except UNREADABLE as exc:
        raise UnsupportedFormat(f"{path.name}: not a readable OSM PBF file ({exc}).") from exc
    bounds = None
    if header.HasField("bbox"):
        box = header.bbox
        bounds = (box.left / 1e9, box.bottom / 1e9, box.right / 1e9, box.top / 1e9)
    stamp = header.osmosis_replication_timestamp
    as_of = datetime.fromtimestamp(stamp, UTC) if stamp else file_date(path)
    return SourceInfo(
        path,
        VectorFormat.OSM_PBF,
        None,
        4326,
        as_of,
        "data" if stamp else "file",
        fields=tuple(OSM_KEYS),
        bounds=bounds,
    )


def _tiles(path: Path, tile_bytes: int) -> list[list[float] | None]:
    """Bounding boxes (lon/lat) that cover the file's header box, or ``[None]`` (whole file)."""
    per_side = math.ceil(math.sqrt(path.stat().st_size / tile_bytes))
    header = read_header_block(str(path))
    if per_side <= 1 or not header.HasField("bbox"):
        return [None]
    nano = 1e9
    minx, maxx = header.bbox.left / nano, header.bbox.right / nano
    miny, maxy = header.bbox.bottom / nano, header.bbox.top / nano
    xs = np.linspace(minx, maxx, per_side + 1)
    ys = np.linspace(miny, maxy, per_side + 1)
    return [
        [float(xs[i]), float(ys[j]), float(xs[i + 1]), float(ys[j + 1])]
        for i in range(per_side)
        for j in range(per_side)
    ]


def _read_relations(path: Path, bbox: list[float] | None) -> gpd.GeoDataFrame | None:
    """The classable polygon relations of one tile, read by pyrosm."""
    osm = pyrosm.OSM(str(path), bounding_box=bbox)
    frame: gpd.GeoDataFrame | None = osm.get_data_by_custom_criteria(
        custom_filter=None,
        osm_keys_to_keep=class_keys(),
        tags_as_columns=list(OSM_KEYS),
        keep_other_tags=False,
        keep_nodes=False,
        keep_ways=False,
    )
    if frame is None or len(frame) == 0:
        return None
    return frame[frame.geom_type.isin(["Polygon", "MultiPolygon"])]


def _chunks_of(frame: gpd.GeoDataFrame, seen: set[str], chunk_size: int) -> Iterator[RawChunk]:
    keys = (frame["osm_type"].astype(str) + "/" + frame["id"].astype("int64").astype(str)).tolist()
    columns = [key for key in OSM_KEYS if key in frame.columns]
    table = frame[columns].astype(object).where(pd.notna(frame[columns]), None)
    records = table.to_dict(orient="records")
    geoms = frame.geometry.to_numpy()
    fresh = [i for i, key in enumerate(keys) if key not in seen]
    seen.update(keys[i] for i in fresh)
    for start in range(0, len(fresh), chunk_size):
        rows = fresh[start : start + chunk_size]
        yield RawChunk(
            keys=[keys[i] for i in rows],
            geometries=geoms[rows],
            attributes=[text_attributes(records[i]) for i in rows],
        )


def read_pbf(path: Path, chunk_size: int, tile_bytes: int = TILE_BYTES) -> Iterator[RawChunk]:
    """Chunks of the classable elements of an ``.osm.pbf`` (EPSG:4326): GDAL's reading, then
    pyrosm's polygon relations that GDAL did not return (see the module docstring).

    Keys are ``node/<id>``, ``way/<id>`` or ``relation/<id>``. Raises :class:`EmptySource`
    when the file holds no element with a class-deciding tag.
    """
    seen: set[str] = set()
    try:
        yield from read_gdal_osm(path, chunk_size, seen)
        for bbox in _tiles(path, tile_bytes):
            frame = _read_relations(path, bbox)
            if frame is not None:
                yield from _chunks_of(frame, seen, chunk_size)
    except UNREADABLE as exc:
        raise UnsupportedFormat(
            f"{path.name}: the OSM PBF file is truncated or damaged ({exc}); download the "
            "extract again."
        ) from exc
    if not seen:
        raise EmptySource(
            f"{path.name}: no OSM element carries any of the tags {', '.join(class_keys())}; "
            "check that the extract covers mapped features."
        )
