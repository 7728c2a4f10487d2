"""``orthograph query``: ask a committed map state the questions map editors ask.

``triplets`` answers "bridges passing over rivers" style questions (inverse predicate names are
accepted and read the stored edge backwards; ``--object`` may be given more than once): it counts
every match, then prints a page with named objects first, as an editor reads it. ``hierarchy``
drills across scales: an object found by name, what it consists of at finer scales (or what it
is part of, ``--up``), and each part's relations of one predicate. ``states`` lists the map
states of an area with the classes each observes.
Errors become one line on stderr and an exit code from ``cli.errors``; no traceback. The graph
client is imported inside the commands, so ``orthograph --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.errors import BadInput, cli_errors
from cli.options import parse_bbox

if TYPE_CHECKING:
    from graphdb.lookups import Neighbour
    from graphdb.models import BBox, HierarchyLink, MapState, Triplet
    from graphdb.repository import Neo4jGraph

app = typer.Typer(help="Query committed map states.", no_args_is_help=True)

COUNT_CAP = 10_000
"""Triplets read per object class to count and order them; beyond it the count says "at least"."""


LINKS_CAP = 500
"""``part_of`` links read per starting object by ``hierarchy`` (a settlement has thousands)."""


@app.command()
def triplets(
    state: Annotated[str, typer.Option(help="Name of a committed map state.")],
    predicate: Annotated[str, typer.Option(help="Predicate, e.g. passing_over.")],
    subject: Annotated[str | None, typer.Option(help="Subject class, e.g. bridge.")] = None,
    objects: Annotated[
        list[str] | None,
        typer.Option("--object", help="Object class, e.g. river; repeat for several."),
    ] = None,
    scale: Annotated[int | None, typer.Option(help="Only this scale (denominator).")] = None,
    bbox: Annotated[str | None, typer.Option(help="Only within W,S,E,N (WGS84).")] = None,
    limit: Annotated[int, typer.Option(help="Print at most this many triplets.", min=1)] = 50,
) -> None:
    """Count a state's triplets SUBJECT -PREDICATE-> OBJECT and print them, named ones first."""
    from config.connections import Connections
    from graphdb.repository import open_graph

    with cli_errors("query"):
        area = parse_bbox(bbox)
        found: list[Triplet] = []
        capped = False
        with open_graph(Connections()) as graph:
            for obj in [*objects] if objects else [None]:
                read, full = _all_triplets(graph, state, predicate, subject, obj, scale, area)
                found += read
                capped |= full
    found.sort(key=_editor_order)
    for t in found[:limit]:
        typer.echo(
            f"{t.subject.scale:>6}  {_label(t.subject.cls, t.subject.name)}"
            f"  -{t.predicate}->  {_label(t.object.cls, t.object.name)}"
            f"    [{t.subject.key} -> {t.object.key}]"
        )
    asked = f"{subject or 'anything'} {predicate} {'|'.join(objects or ['anything'])}"
    count = f"at least {len(found)}" if capped else str(len(found))
    shown = f" (showing {limit}, named first: raise --limit for more)" if len(found) > limit else ""
    typer.echo(f"{count} triplet(s) {asked} in {state}{shown}")


def _all_triplets(
    graph: Neo4jGraph,
    state: str,
    predicate: str,
    subject: str | None,
    obj: str | None,
    scale: int | None,
    area: BBox | None,
) -> tuple[list[Triplet], bool]:
    """Every matching triplet up to :data:`COUNT_CAP`, page by page; True if the cap stopped it."""
    read: list[Triplet] = []
    after: str | None = None
    while len(read) < COUNT_CAP:
        page = graph.triplets(
            state,
            predicate=predicate,
            subject_class=subject,
            object_class=obj,
            scale=scale,
            bbox=area,
            after=after,
            limit=min(500, COUNT_CAP - len(read)),
        )
        read += page.items
        if page.next_after is None:
            return read, False
        after = page.next_after
    return read, True


def _editor_order(t: Triplet) -> tuple[bool, bool, str, str, int]:
    """Both ends named first, then one, then none; by name, scale fine to coarse."""
    return (
        t.subject.name is None,
        t.object.name is None,
        t.subject.name or "",
        t.object.name or "",
        t.subject.scale,
    )


@app.command()
def states(area: Annotated[str, typer.Argument(help="Area name.")]) -> None:
    """List the committed map states of an area, oldest first, each with the classes its
    source observes at each scale (a diff compares only the classes both states observe)."""
    from config.connections import Connections
    from graphdb.repository import open_graph

    with cli_errors("query"), open_graph(Connections()) as graph:
        found = graph.states(area)
    for s in found:
        typer.echo(f"{s.name}  as of {s.as_of.isoformat()}  {s.status}  {s.source}")
        typer.echo(f"  observes {_observed(s)}")


def _observed(state: MapState) -> str:
    """``1:2000 building | 1:10000 residential_block``; what an old state that does not say
    observes (everything) is said as such."""
    from graphdb.observed import observed_by_scale

    if state.observed is None:
        return "every class at every scale (not recorded)"
    shown = [f"1:{d} {', '.join(c)}" for d, c in observed_by_scale(state).items()]
    return " | ".join(shown) or "nothing"


def _label(cls: str, name: str | None) -> str:
    return f"{cls} {name!r}" if name else cls


@app.command()
def hierarchy(
    state: Annotated[str, typer.Option(help="Name of a committed map state.")],
    name: Annotated[str, typer.Option(help="Part of the object's name, e.g. Rhein.")],
    cls: Annotated[str | None, typer.Option("--class", help="Only objects of this class.")] = None,
    scale: Annotated[int | None, typer.Option(help="Start at this scale (denominator).")] = None,
    up: Annotated[bool, typer.Option("--up", help="Walk part_of upwards, not down.")] = False,
    predicate: Annotated[
        str | None,
        typer.Option(help="Also list each linked object's relations, e.g. passing_under."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many starting objects.", min=1)] = 5,
) -> None:
    """Drill across scales: objects named NAME, their parts (or wholes) and their relations."""
    from config.connections import Connections
    from graphdb.lookups import Lookups
    from graphdb.repository import open_graph

    with cli_errors("query"), open_graph(Connections()) as graph:
        lookups = Lookups(graph.client)
        start = lookups.objects_named(
            graph.state(state).id, name, classes=[cls] if cls else None, scale=scale, limit=limit
        ).items
        walks = lookups.hierarchy([o.id for o in start], upward=up, depth=2, limit=LINKS_CAP)
        linked = [link.object for links in walks.values() for link in links]
        related = (
            lookups.relations([o.id for o in linked], predicate=predicate, direction="outgoing")
            if predicate
            else {}
        )
    if not start:
        typer.echo(f"no object named like {name!r} in {state}")
        return
    walk = "part of" if up else "consists of"
    for whole in start:
        links = walks.get(whole.id, [])
        typer.echo(f"1:{whole.scale:<6} {_label(whole.cls, whole.name)}  [{whole.key}]")
        count = f"the first {LINKS_CAP}" if len(links) == LINKS_CAP else str(len(links))
        typer.echo(f"  {walk} {count} object(s) within two steps")
        _echo_tree(whole.id, links, related, predicate, indent=2)


def _echo_tree(
    parent: str,
    links: list[HierarchyLink],
    related: dict[str, list[Neighbour]],
    predicate: str | None,
    *,
    indent: int,
) -> None:
    """The objects reached from ``parent`` in one step, each followed by its own subtree."""
    for link in (x for x in links if x.via == parent):
        obj = link.object
        typer.echo(f"{' ' * indent}1:{obj.scale:<6} {_label(obj.cls, obj.name)}  [{obj.key}]")
        _echo_relations(related.get(obj.id, []), predicate, indent=indent + 2)
        _echo_tree(obj.id, links, related, predicate, indent=indent + 2)


def _echo_relations(neighbours: list[Neighbour], predicate: str | None, *, indent: int) -> None:
    """One line per relation of a linked object, named ones first."""
    if predicate is None:
        return
    named = sorted(neighbours, key=lambda n: (n.other.name is None, n.other.name or ""))
    for n in named:
        typer.echo(
            f"{' ' * indent}-{predicate}->  {_label(n.other.cls, n.other.name)}  [{n.other.key}]"
        )
    typer.echo(f"{' ' * indent}{len(neighbours)} {predicate} relation(s)")


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
