"""``orthograph query``: ask a committed map state the questions map editors ask.

``triplets`` answers "bridges passing over rivers" style questions (inverse predicate names are
accepted and read the stored edge backwards); ``states`` lists the map states of an area.
Errors become one line on stderr and an exit code from ``cli.errors``; no traceback. The graph
client is imported inside the commands, so ``orthograph --help`` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.errors import BadInput, cli_errors
from cli.options import parse_bbox

app = typer.Typer(help="Query committed map states.", no_args_is_help=True)


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
    from config.connections import Connections
    from graphdb.repository import open_graph

    with cli_errors("query"):
        area = parse_bbox(bbox)
        with open_graph(Connections()) as graph:
            page = graph.triplets(
                state,
                predicate=predicate,
                subject_class=subject,
                object_class=obj,
                scale=scale,
                bbox=area,
                limit=limit,
            )
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
    from config.connections import Connections
    from graphdb.repository import open_graph

    with cli_errors("query"), open_graph(Connections()) as graph:
        found = graph.states(area)
    for s in found:
        typer.echo(f"{s.name}  as of {s.as_of.isoformat()}  {s.status}  {s.source}")


def _label(cls: str, name: str | None) -> str:
    return f"{cls} {name!r}" if name else cls


@app.command()
def alerts(
    state: Annotated[str, typer.Option(help="The newer state the alerts lead into.")],
    min_severity: Annotated[
        str, typer.Option(help="LOW, MEDIUM or HIGH: only alerts at least this severe.")
    ] = "LOW",
    limit: Annotated[int, typer.Option(help="Print at most this many alerts.", min=1)] = 20,
) -> None:
    """What changed: the change alerts of a state against its previous state, most severe first."""
    from collections import Counter

    from config.connections import Connections
    from graphdb.diff import Severity
    from graphdb.repository import open_graph

    with cli_errors("query"):
        try:
            floor = Severity[min_severity.upper()]
        except KeyError:
            raise BadInput(f"--min-severity {min_severity!r}: use LOW, MEDIUM or HIGH.") from None
        with open_graph(Connections()) as graph:
            found = graph.alerts(state, min_severity=floor)
    for alert in found[:limit]:
        typer.echo(f"{alert.severity.name:<6}  1:{alert.scale:<6}  {alert.kind}  {alert.message}")
    counts = Counter((a.scale, str(a.kind)) for a in found)
    summary = ", ".join(f"1:{s} {kind}: {n}" for (s, kind), n in sorted(counts.items()))
    typer.echo(f"{len(found)} alert(s) into {state}" + (f" ({summary})" if summary else ""))
