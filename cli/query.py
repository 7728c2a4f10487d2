"""``orthograph query``: ask a committed map state the questions map editors ask.

``triplets`` answers "bridges passing over rivers" style questions (inverse predicate names are
accepted and read the stored edge backwards); ``states`` lists the map states of an area.
"""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer

from config.connections import Connections
from graphdb.errors import GraphError, GraphUnavailable, InvalidQuery, StateNotFound
from graphdb.models import BBox
from graphdb.repository import open_graph
from ingest.errors import IngestError

app = typer.Typer(help="Query committed map states.", no_args_is_help=True)

EXIT_CODES: dict[type[Exception], int] = {
    InvalidQuery: 2,
    IngestError: 2,
    StateNotFound: 3,
    GraphUnavailable: 4,
}
"""Exit code per error; 1 for any other graph error."""


@app.command()
def triplets(
    state: Annotated[str, typer.Option(help="Name of a committed map state.")],
    predicate: Annotated[str, typer.Option(help="Predicate, e.g. passing_over.")],
    subject: Annotated[str | None, typer.Option(help="Subject class, e.g. bridge.")] = None,
    obj: Annotated[str | None, typer.Option("--object", help="Object class, e.g. river.")] = None,
    scale: Annotated[int | None, typer.Option(help="Only this scale (denominator).")] = None,
    bbox: Annotated[str | None, typer.Option(help="Only within W,S,E,N (WGS84).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many triplets.", min=1)] = 50,
) -> None:
    """Print a state's triplets SUBJECT -PREDICATE-> OBJECT (any class when omitted)."""
    try:
        with open_graph(Connections()) as graph:
            page = graph.triplets(
                state,
                predicate=predicate,
                subject_class=subject,
                object_class=obj,
                scale=scale,
                bbox=_parse_bbox(bbox),
                limit=limit,
            )
    except (GraphError, IngestError) as error:
        _fail(str(error), _exit_code(error))
    for t in page.items:
        typer.echo(
            f"{t.subject.scale:>6}  {_label(t.subject.cls, t.subject.name)}"
            f"  -{t.predicate}->  {_label(t.object.cls, t.object.name)}"
        )
    more = " (more: raise --limit)" if page.next_after else ""
    asked = f"{subject or 'anything'} {predicate} {obj or 'anything'}"
    typer.echo(f"{len(page.items)} triplet(s) {asked} in {state}{more}")


@app.command()
def states(area: Annotated[str, typer.Argument(help="Area name.")]) -> None:
    """List the committed map states of an area, oldest first."""
    try:
        with open_graph(Connections()) as graph:
            found = graph.states(area)
    except GraphError as error:
        _fail(str(error), _exit_code(error))
    for s in found:
        typer.echo(f"{s.name}  as of {s.as_of.isoformat()}  {s.status}  {s.source}")


def _label(cls: str, name: str | None) -> str:
    return f"{cls} {name!r}" if name else cls


def _parse_bbox(text: str | None) -> BBox | None:
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        _fail(f"--bbox {text!r}: give four numbers W,S,E,N in WGS84 degrees.", 2)
    return (west, south, east, north)


def _exit_code(error: Exception) -> int:
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"orthograph query: {message}", err=True)
    raise typer.Exit(code)
