"""OpenStreetMap through GDAL's OSM driver (pyogrio): the ``.osm`` XML reader, and the
complement of the PBF reader.

GDAL splits an OSM file (XML or PBF) into the layers ``points`` (tagged nodes), ``lines``
(open ways), ``multilinestrings`` (route relations) and ``multipolygons`` (closed area ways and
multipolygon relations); which closed ways are areas and which tags are columns comes from the
configuration ``osmconf`` generates from the ontology. Each layer is read in chunks (GDAL
indexes nodes in a temporary file, so memory stays bounded), and only elements with a
class-deciding key are handed on, as the PBF reader does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import geopandas as gpd

from ingest.errors import EmptySource
from ingest.ontology import OSM_KEYS
from ingest.vector.readers.chunk import (
    RawChunk,
    SourceInfo,
    VectorFormat,
    file_date,
    text_attributes,
)
from ingest.vector.readers.ogr import frames, layer_names
from ingest.vector.readers.osm_tags import class_keys
from ingest.vector.readers.osmconf import osm_config

OSM_LAYERS = ("points", "lines", "multilinestrings", "multipolygons")
"""GDAL OSM layers read; ``other_relations`` (geometry collections) carry no mapped class."""

_STAMP = re.compile(r'(?:osm_base|timestamp)="([0-9T:\-]+Z?)"')


def xml_info(path: Path) -> SourceInfo:
    """Describe an ``.osm`` file: EPSG:4326; as-of from the first ``osm_base``/``timestamp``
    attribute in its head (Overpass ``<meta osm_base>``, an ``<osm timestamp>``), else the
    file date."""
    layer_names(path)
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace")
    match = _STAMP.search(head[: head.find("<node")] if "<node" in head else head)
    stamp = datetime.fromisoformat(match.group(1).replace("Z", "+00:00")) if match else None
    return SourceInfo(
        path,
        VectorFormat.OSM_XML,
        None,
        4326,
        stamp or file_date(path),
        "data" if stamp else "file",
        fields=tuple(OSM_KEYS),
    )


def _element_key(layer: str, row: dict[str, object]) -> str:
    if layer == "points":
        return f"node/{row['osm_id']}"
    if layer == "lines":
        return f"way/{row['osm_id']}"
    if layer == "multipolygons" and row.get("osm_id") is None:
        return f"way/{row['osm_way_id']}"
    return f"relation/{row['osm_id']}"


def _frame_chunk(
    layer: str, frame: gpd.GeoDataFrame, wanted: frozenset[str], seen: set[str]
) -> RawChunk:
    keys: list[str] = []
    attributes: list[dict[str, str]] = []
    rows: list[int] = []
    table = frame.drop(columns=frame.geometry.name).astype(object)
    for index, row in enumerate(table.where(table.notna(), None).to_dict(orient="records")):
        kept = {key: value for key, value in text_attributes(row).items() if key in OSM_KEYS}
        key = _element_key(layer, row)
        if wanted.isdisjoint(kept) or key in seen:
            continue
        seen.add(key)
        keys.append(key)
        attributes.append(kept)
        rows.append(index)
    return RawChunk(keys, frame.geometry.to_numpy()[rows], attributes)


def read_gdal_osm(path: Path, chunk_size: int, seen: set[str]) -> Iterator[RawChunk]:
    """Chunks of the classable elements of an OSM file (EPSG:4326) whose keys are not in
    ``seen``; every key handed on is added to it."""
    wanted = frozenset(class_keys())
    with osm_config() as config:
        for layer in OSM_LAYERS:
            for frame in frames(path, layer, chunk_size, CONFIG_FILE=str(config)):
                chunk = _frame_chunk(layer, frame, wanted, seen)
                if len(chunk):
                    yield chunk


def read_xml(path: Path, chunk_size: int) -> Iterator[RawChunk]:
    """Chunks of the classable elements of an ``.osm`` file (EPSG:4326)."""
    seen: set[str] = set()
    yield from read_gdal_osm(path, chunk_size, seen)
    if not seen:
        raise EmptySource(
            f"{path.name}: no OSM element carries any of the tags {', '.join(class_keys())}."
        )
