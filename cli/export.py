"""``orthograph export``: one committed map state to a GeoJSON or GeoPackage file.

Geometry is written in WGS84 unless ``--crs`` asks for another CRS; each feature carries the
object's ``id``, ``class``, ``scale``, ``name``, ``confidence`` and ``source``. Graph errors
become one line on stderr and an exit code from :data:`EXIT_CODES`; no traceback.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pyproj import CRS
from pyproj.exceptions import CRSError

from config.connections import Connections
from graphdb.errors import GraphError, GraphUnavailable, InvalidQuery, StateNotFound
from graphdb.models import BBox
from graphdb.repository import open_graph

EXIT_CODES: dict[type[GraphError], int] = {InvalidQuery: 2, StateNotFound: 3, GraphUnavailable: 4}
"""Exit code per error; 1 for any other GraphError."""

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

    target_crs = _parse_crs(crs)
    area = _parse_bbox(bbox)
    wanted = [c.strip() for c in classes.split(",") if c.strip()] if classes else None
    try:
        with open_graph(Connections()) as graph:
            objects = list(graph.export(state, classes=wanted, scale=scale, bbox=area))
    except GraphError as error:
        _fail(str(error), EXIT_CODES.get(type(error), 1))
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
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    frame.to_file(out, driver=DRIVERS[fmt], engine="pyogrio")
    typer.echo(f"wrote {len(frame)} objects of {state!r} to {out}")


def _parse_crs(text: str | None) -> CRS | None:
    if text is None:
        return None
    try:
        return CRS.from_user_input(text)
    except CRSError as error:
        raise typer.BadParameter(f"unknown CRS {text!r}: {error}", param_hint="--crs") from None


def _parse_bbox(text: str | None) -> BBox | None:
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not W,S,E,N (four numbers)", param_hint="--bbox"
        ) from None
    return west, south, east, north


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"orthograph export: {message}", err=True)
    raise typer.Exit(code)
