"""``orthograph render``: a static picture of a committed map state (``cartography.picture``).

The command reads the scene through ``graphdb`` (``cartography.scene``) and draws it; matplotlib
and rio-tiler are imported only when it runs, so ``orthograph --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cartography.scene import DEFAULT_PREDICATES, read_scene
from cli.errors import cli_errors
from cli.options import parse_bbox
from config.connections import Connections
from graphdb.repository import open_graph


def render(
    state: Annotated[str, typer.Option(help="Name of a committed map state.")],
    out: Annotated[Path, typer.Option(help="PNG file to write (replaced if it exists).")],
    scale: Annotated[int, typer.Option(help="Scale denominator of the objects drawn.")] = 2000,
    bbox: Annotated[
        str | None, typer.Option(help="Area W,S,E,N (WGS84 degrees); default: the state's.")
    ] = None,
    predicates: Annotated[
        str | None,
        typer.Option(help="Relations to draw, comma-separated; default all but nearby/distant."),
    ] = None,
    width: Annotated[int, typer.Option(min=400, max=8000, help="Picture width, pixels.")] = 1600,
    imagery: Annotated[bool, typer.Option(help="Draw the state's imagery if it has any.")] = True,
) -> None:
    """Draw a map state's imagery, objects and relations to a PNG (legend, scale bar, north)."""
    from cartography.picture import draw

    wanted = [p.strip() for p in predicates.split(",") if p.strip()] if predicates else None
    with cli_errors("render"), open_graph(Connections()) as graph:
        scene = read_scene(graph, state, scale, parse_bbox(bbox), wanted or DEFAULT_PREDICATES)
    draw(scene, out, width=width, imagery=imagery)
    typer.echo(
        f"wrote {out}: {len(scene.objects)} objects, {len(scene.relations)} relations, "
        f"imagery from {len(scene.rasters) if imagery else 0} raster(s)"
    )
