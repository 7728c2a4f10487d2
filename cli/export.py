"""``orthograph export``: one committed map state to a GeoJSON or GeoPackage file.

Geometry is written in WGS84 unless ``--crs`` asks for another CRS; each feature carries the
object's ``id``, ``class``, ``scale``, ``name``, ``confidence`` and ``source``. The file is
written beside ``--out`` and renamed over it, so an export that fails leaves the previous file
intact. Errors become one line on stderr and an exit code from ``cli.errors``; no traceback.
"""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.errors import cli_errors
from cli.options import parse_bbox

if TYPE_CHECKING:
    from geopandas import GeoDataFrame
    from pyproj import CRS

COLUMNS = ["id", "class", "scale", "name", "confidence", "source"]


class ExportFormat(StrEnum):
    """Output formats (OGR drivers behind them in :data:`DRIVERS`)."""

    GEOJSON = "geojson"
    GPKG = "gpkg"


DRIVERS = {ExportFormat.GEOJSON: "GeoJSON", ExportFormat.GPKG: "GPKG"}


def export(
    state: Annotated[str, typer.Option(help="Name of a committed map state.")],
    out: Annotated[Path, typer.Option(help="File to write (replaced if it exists).")],
    scale: Annotated[int | None, typer.Option(help="Only this scale (denominator).")] = None,
    classes: Annotated[
        str | None, typer.Option(help="Only these classes, comma-separated: bridge,river.")
    ] = None,
    bbox: Annotated[
        str | None, typer.Option(help="Only objects meeting W,S,E,N (WGS84 degrees).")
    ] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="Output format.")
    ] = ExportFormat.GEOJSON,
    crs: Annotated[
        str | None, typer.Option(help="Output CRS, e.g. EPSG:2056 (default WGS84).")
    ] = None,
) -> None:
    """Export a committed map state's objects to GeoJSON or GeoPackage."""
    # geopandas costs a third of a second to import: only this command pays it, not every
    # `orthograph` invocation.
    import geopandas as gpd

    from config.connections import Connections
    from graphdb.repository import open_graph

    target_crs = _parse_crs(crs)
    wanted = [c.strip() for c in classes.split(",") if c.strip()] if classes else None
    with cli_errors("export"):
        area = parse_bbox(bbox)
        with open_graph(Connections()) as graph:
            objects = list(graph.export(state, classes=wanted, scale=scale, bbox=area))
    frame = gpd.GeoDataFrame(
        {
            "id": [o.id for o in objects],
            "class": [o.cls for o in objects],
            "scale": [o.scale for o in objects],
            "name": [o.name for o in objects],
            "confidence": [o.confidence for o in objects],
            "source": [o.source for o in objects],
        },
        columns=COLUMNS,
        geometry=[o.geometry for o in objects],
        crs="EPSG:4326",
    )
    if target_crs is not None:
        frame = frame.to_crs(target_crs)
    _write_replacing(frame, out, DRIVERS[fmt])
    typer.echo(f"wrote {len(frame)} objects of {state!r} to {out}")


def _write_replacing(frame: GeoDataFrame, out: Path, driver: str) -> None:
    """Write ``frame`` to ``out`` in one step: into a temporary folder beside it, then renamed.

    ``os.replace`` within one folder is atomic, so ``out`` is either the old file or the whole
    new one, never a half-written one; a write that fails leaves the old file as it was. The
    temporary folder (with any side files the driver made, a GeoPackage's journal) is removed
    either way.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as folder:
        written = Path(folder) / out.name
        frame.to_file(written, driver=driver, engine="pyogrio")
        os.replace(written, out)


def _parse_crs(text: str | None) -> CRS | None:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if text is None:
        return None
    try:
        return CRS.from_user_input(text)
    except CRSError as error:
        raise typer.BadParameter(f"unknown CRS {text!r}: {error}", param_hint="--crs") from None
