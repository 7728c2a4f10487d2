"""``orthograph states``: the versions behind each state name, and purging old ones.

A state name points to its current version; replacing it (``ingest --replace``, a job with
``--replace``) writes a new version and keeps the old one as ``replaced`` history, readable by
its version id wherever a state name is accepted. ``list`` shows them; ``purge`` deletes
replaced versions past a retention rule (never a current version). Errors become one line on
stderr and an exit code from ``cli.errors``; the graph client is imported inside the commands.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from cli.errors import BadInput, cli_errors

if TYPE_CHECKING:
    from graphdb.models import MapState

app = typer.Typer(help="Map state versions: list them, purge old ones.", no_args_is_help=True)

DEFAULT_KEEP = 1
"""Replaced versions of each name that ``purge`` keeps unless told otherwise."""

DEFAULT_OLDER_THAN_DAYS = 30
"""``purge`` deletes only versions replaced at least this many days ago unless told otherwise."""


@app.command("list")
def list_states(
    area: Annotated[
        str | None, typer.Argument(help="Area whose states to list (current versions).")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="List every version of this state name instead.")
    ] = None,
) -> None:
    """List an area's states (current versions, oldest first) or every version of one name."""
    from config.connections import Connections
    from graphdb.repository import open_graph

    with cli_errors("states"):
        if (area is None) == (name is None):
            raise BadInput("give an AREA, or --name NAME for the versions of one state")
    with cli_errors("states"), open_graph(Connections()) as graph:
        found = graph.versions(name) if name is not None else graph.states(area or "")
    for state in found:
        typer.echo(_line(state))


@app.command()
def purge(
    name: Annotated[
        str | None, typer.Option(help="Only versions of this state name (default: all).")
    ] = None,
    keep: Annotated[
        int, typer.Option(min=0, help="Replaced versions of each name to keep, newest first.")
    ] = DEFAULT_KEEP,
    older_than: Annotated[
        int,
        typer.Option(min=0, help="Only versions replaced at least this many days ago."),
    ] = DEFAULT_OLDER_THAN_DAYS,
    dry_run: Annotated[bool, typer.Option(help="Show what would go; delete nothing.")] = False,
) -> None:
    """Delete replaced versions past the retention rule, with their objects and alerts."""
    from config.connections import Connections
    from graphdb.repository import open_graph
    from graphdb.states import Retention

    cutoff = datetime.now(UTC) - timedelta(days=older_than)
    with cli_errors("states"), open_graph(Connections()) as graph:
        if name is not None:
            graph.versions(name)  # StateNotFound for a name that never existed
        gone = graph.purge_replaced(
            Retention(keep=keep, replaced_before=cutoff), name=name, dry_run=dry_run
        )
    verb = "would purge" if dry_run else "purged"
    for state in gone:
        typer.echo(f"{verb} {_line(state)}")
    typer.echo(f"{verb} {len(gone)} replaced version(s)")


def _line(state: MapState) -> str:
    """One version as a line: name, version, status, date, counts, id (and its successor)."""
    line = (
        f"{state.name}  v{state.version}  {state.status}  as of {state.as_of.isoformat()}  "
        f"{state.object_count or 0} objects  id {state.id}"
    )
    if state.replaced_by:
        line += f"  replaced by {state.replaced_by}"
    return line
