"""Ordinary GDAL vector data (GeoPackage, GeoJSON, Shapefile, FlatGeobuf) through pyogrio.

A layer is read ``chunk_size`` features at a time (pyogrio ``skip_features`` /
``max_features``), so memory stays bounded by the chunk. Keys are ``<layer>/<fid>``: the
feature id GDAL reports is stable for an unchanged file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError
from shapely.errors import GEOSException

from ingest.errors import (
    EmptySource,
    InvalidGeometry,
    MissingCRS,
    UnknownLayer,
    UnsupportedFormat,
)
from ingest.geo import bounds_to_wgs84, epsg_of
from ingest.vector.coordinates import check_declared_crs
from ingest.vector.readers.chunk import (
    RawChunk,
    SourceInfo,
    VectorFormat,
    file_date,
    text_attributes,
)


def layer_names(path: Path) -> list[str]:
    """The layers GDAL finds in ``path``.

    Raises :class:`EmptySource` for a 0-byte file, :class:`UnsupportedFormat` when GDAL cannot
    open it.
    """
    if path.stat().st_size == 0:
        raise EmptySource(f"{path.name}: the file is empty (0 bytes); give a file with features.")
    try:
        return [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except DataSourceError as exc:
        raise UnsupportedFormat(
            f"{path.name}: GDAL cannot open it as vector data ({exc})."
        ) from exc


def choose_layer(path: Path, layer: str | None) -> str:
    """``layer`` if the file holds it; with ``None``, the file's only layer.

    Raises :class:`UnknownLayer` naming the layers there are when the name is not one of them,
    or when the file has several and none was chosen.
    """
    names = layer_names(path)
    if not names:
        raise EmptySource(f"{path.name}: the file holds no layer.")
    if layer is None:
        if len(names) > 1:
            raise UnknownLayer(
                f"{path.name} holds {len(names)} layers ({', '.join(names)}); choose one."
            )
        return names[0]
    if layer not in names:
        raise UnknownLayer(
            f"{path.name} has no layer {layer!r}; its layers are: {', '.join(names)}."
        )
    return layer


def _geopackage_date(path: Path, layer: str) -> datetime | None:
    """``gpkg_contents.last_change`` of ``layer``: the GeoPackage's own as-of time."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        with sqlite3.connect(uri, uri=True) as db:
            row = db.execute(
                "SELECT last_change FROM gpkg_contents WHERE table_name = ?", (layer,)
            ).fetchone()
    except sqlite3.Error:
        return None
    if row is None or not row[0]:
        return None
    return datetime.fromisoformat(str(row[0]).replace("Z", "+00:00"))


def ogr_info(path: Path, layer: str | None) -> SourceInfo:
    """Describe one layer of a GDAL vector file; checks layer, CRS and that it has features."""
    chosen = choose_layer(path, layer)
    try:
        info = pyogrio.read_info(path, layer=chosen)
    except (DataSourceError, DataLayerError) as exc:
        raise UnsupportedFormat(f"{path.name}: cannot read layer {chosen!r} ({exc}).") from exc
    if info["features"] == 0:
        raise EmptySource(f"{path.name}: layer {chosen!r} has no features.")
    if not info["crs"]:
        raise MissingCRS(
            f"{path.name}: layer {chosen!r} has no coordinate reference system; assign one "
            "(for example ogr2ogr -a_srs EPSG:xxxx, or a .prj file beside a shapefile)."
        )
    epsg = epsg_of(info["crs"])
    check_declared_crs(f"{path.name} layer {chosen!r}", epsg, info["total_bounds"])
    stamp = _geopackage_date(path, chosen) if path.suffix.lower() == ".gpkg" else None
    return SourceInfo(
        path,
        VectorFormat.OGR,
        chosen,
        epsg,
        stamp or file_date(path),
        "data" if stamp else "file",
        fields=tuple(str(name) for name in info["fields"]),
        bounds=bounds_to_wgs84(info["total_bounds"], epsg),
    )


def frames(
    path: Path,
    layer: str,
    chunk_size: int,
    on_invalid: Literal["fix", "raise"] = "fix",
    **open_options: str,
) -> Iterator[gpd.GeoDataFrame]:
    """``layer`` as GeoDataFrames of at most ``chunk_size`` rows, FID as the index;
    ``open_options`` go to the GDAL driver. A geometry GDAL cannot even encode (a ring of two
    points in a broken OSM multipolygon) is fixed where it can be, else read as None (and
    counted downstream) instead of failing the whole file; with ``on_invalid="raise"`` it is
    refused (:class:`InvalidGeometry`) instead."""
    start = 0
    while True:
        try:
            frame = pyogrio.read_dataframe(
                path,
                layer=layer,
                skip_features=start,
                max_features=chunk_size,
                fid_as_index=True,
                on_invalid=on_invalid,
                **open_options,
            )
        except GEOSException as exc:
            raise InvalidGeometry(
                f"{path.name}: layer {layer!r} holds a geometry that cannot be built ({exc}): "
                "a ring that is not closed or has too few points, or NaN coordinates; fix or "
                "drop that feature (ogr2ogr -makevalid)."
            ) from exc
        if len(frame) == 0:
            return
        yield frame
        if len(frame) < chunk_size:
            return
        start += chunk_size


def read_ogr(path: Path, layer: str, chunk_size: int) -> Iterator[RawChunk]:
    """Chunks of ``layer``'s features with all their attribute columns as text."""
    for frame in frames(path, layer, chunk_size, on_invalid="raise"):
        table = frame.drop(columns=frame.geometry.name)
        yield RawChunk(
            keys=[f"{layer}/{fid}" for fid in frame.index],
            geometries=frame.geometry.to_numpy(),
            attributes=[text_attributes(row) for row in table.to_dict(orient="records")],
        )
