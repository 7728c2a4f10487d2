"""``orthograph ingest``: a vector map or an image in, one committed map state out.

``vector`` runs ``ingest.vector.pipeline``; ``imagery`` validates the image, keeps it in the
raster store (``ingest.rasterstore``), runs ``ingest.imagery.pipeline`` with the MSGG-AI
segmenter and registers the stored COG with the state. Both publish through
``graphdb.publish`` (one committed state, diffed against the previous one) and print what was
built per scale and class.

Bad input is refused before Neo4j is touched: one line on stderr, an exit code from
``cli.errors``, nothing written. A failure while writing deletes the uncommitted state.
The input is read from a private copy opened by descriptor (``intake.opened.private_copy``),
as a job reads its stored input, and the copy is removed when the command ends; a failed
imagery ingest also deletes the COG it stored unless a state registers it.
Heavy packages (GDAL, geopandas, torch) are imported inside the commands.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from cli.errors import cli_errors
from cli.options import as_of_date, parse_bands
from intake.checks import check_input_file, check_name, check_options
from intake.opened import private_copy

if TYPE_CHECKING:
    from config.connections import Connections
    from graphdb.publish import Published
    from ingest.imagery.profile import StageTimes
    from ingest.imagery.segmenter import Segmenter
    from ingest.records import SceneGraph

app = typer.Typer(help="Ingest a vector map or an image as a new map state.", no_args_is_help=True)

MODEL_SEGMENTER = "model.inference:load_segmenter"
"""The MSGG-AI network's segmenter factory (``ingest.imagery.segmenter.load_segmenter``)."""


def _progress() -> Progress:
    """A progress display on stderr; off when stderr is not a terminal (logs, pipes, tests)."""
    console = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _counts_table(title: str, counts: Counter[tuple[int, str]], label: str) -> Table:
    table = Table(title=title)
    for column in ("scale", label, "count"):
        table.add_column(column, justify="right" if column != label else "left")
    for (scale, name), count in sorted(counts.items()):
        table.add_row(f"1:{scale}", name, str(count))
    return table


def print_summary(scene: SceneGraph, published: Published) -> None:
    """Objects per scale and class, relations per scale and predicate, the state and its diffs."""
    console = Console()
    scale_of = {obj.key: obj.scale for obj in scene.objects}
    objects = Counter((obj.scale, obj.cls) for obj in scene.objects)
    relations = Counter(
        (scale_of[r.subject_key], r.predicate + (" (to coarser scale)" if r.cross_scale else ""))
        for r in scene.relations
    )
    console.print(_counts_table("objects", objects, "class"))
    console.print(_counts_table("relations", relations, "predicate"))
    state = published.state
    console.print(
        f"committed map state [bold]{state.name}[/] (area {state.area}, as of {state.as_of}): "
        f"{published.counts.objects} objects, {published.counts.relations} relations"
    )
    for diff in published.diffs:
        changes = ", ".join(f"{kind} {n}" for kind, n in sorted(diff.counts().items()) if n)
        console.print(f"1:{diff.scale} vs {diff.old.name}: {changes or 'no changes'}")
    if published.diffs:
        console.print(f"{published.alerts} alerts stored")


@app.command()
def vector(
    path: Annotated[Path, typer.Argument(help="OSM .pbf/.osm, GeoPackage, GeoJSON, Shapefile...")],
    state: Annotated[str, typer.Option(help="Name of the new map state.")],
    area: Annotated[
        str | None, typer.Option(help="Area the state maps (default: file name).")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Date of the map (default: the data's own)."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="YAML class mapping for a non-OSM layer.")
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="Write a new version of an existing state (the old one is kept).")
    ] = False,
) -> None:
    """Read a vector map, build its objects and relations at every scale, and commit them."""
    from config.connections import Connections
    from graphdb.publish import publish_scene_graph
    from graphdb.repository import open_graph
    from ingest.vector.pipeline import build_scene_graph

    with cli_errors("ingest"), _progress() as bar, ExitStack() as held:
        check_input_file(path)
        if mapping is not None:
            check_input_file(mapping, "mapping")
        check_name("state", state)
        area = check_name("area", area or path.name.split(".")[0])
        given_day = as_of_date(as_of)
        task = bar.add_task("reading", total=None)

        def say(message: str) -> None:
            bar.update(task, description=message)

        home = Connections().home
        source = held.enter_context(private_copy(path, home)).path
        held.enter_context(_shown_as(source, path))
        rules = held.enter_context(private_copy(mapping, home)).path if mapping else None
        if mapping is not None and rules is not None:
            held.enter_context(_shown_as(rules, mapping))
        result = build_scene_graph(source, mapping=rules, progress=say)
        day = given_day or result.summary.as_of.date()
        with open_graph(Connections()) as graph:
            published = publish_scene_graph(
                graph,
                result.graph,
                state=state,
                area=area,
                as_of=day,
                source=f"vector:{path.name}",
                replace=replace,
                progress=say,
            )
    print_summary(result.graph, published)


def load_model_segmenter(checkpoint: Path | None) -> Segmenter:
    """The MSGG-AI segmenter of ``checkpoint`` (the shipped weights without one);
    ``SegmenterUnavailable`` when the model package cannot provide it."""
    from ingest.imagery.segmenter import load_segmenter

    return load_segmenter(MODEL_SEGMENTER, None if checkpoint is None else str(checkpoint))


def _acquired(path: Path, read: Callable[[Path], tuple[date, str]]) -> date:
    """The image's own acquisition date; the user is told when it is only the file's date."""
    day, origin = read(path)
    if origin != "tiff tag":
        typer.echo(
            f"orthograph ingest: {path.name} has no acquisition date tag; using its {origin} "
            f"{day} (pass --acquired to set it).",
            err=True,
        )
    return day


def _warn_untrained(segmenter: Segmenter) -> None:
    Console(stderr=True).print(
        f"[bold red]WARNING: the {segmenter.name} model has RANDOM, UNTRAINED weights. Its "
        "objects and relations are noise, not a map. Pass --model with a trained checkpoint "
        "for real results.[/]"
    )


@app.command()
def imagery(
    path: Annotated[Path, typer.Argument(help="GeoTIFF or COG (RGB, or one panchromatic band).")],
    state: Annotated[str, typer.Option(help="Name of the new map state.")],
    area: Annotated[
        str | None, typer.Option(help="Area the state maps (default: file name).")
    ] = None,
    acquired: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Acquisition date (default: TIFF tag or file)."),
    ] = None,
    model: Annotated[Path | None, typer.Option(help="Trained MSGG-AI checkpoint.")] = None,
    bands: Annotated[
        str | None, typer.Option(help="Band numbers read as R,G,B (or one: panchromatic).")
    ] = None,
    tile_size: Annotated[int | None, typer.Option(help="Tile size in pixels.")] = None,
    overlap: Annotated[int | None, typer.Option(help="Tile overlap in pixels.")] = None,
    replace: Annotated[
        bool, typer.Option(help="Write a new version of an existing state (the old one is kept).")
    ] = False,
    profile: Annotated[bool, typer.Option(help="Print seconds spent per stage.")] = False,
) -> None:
    """Segment an image at every scale it serves and commit its scene graph."""
    from config.connections import Connections
    from graphdb.diff.evidence import evidence_of
    from graphdb.publish import publish_scene_graph
    from graphdb.repository import open_graph
    from ingest.imagery.acquired import acquisition_date
    from ingest.imagery.pipeline import build_imagery_scene_graph
    from ingest.imagery.profile import StageTimes
    from ingest.raster import open_raster
    from ingest.raster.content import require_pixels
    from ingest.raster.tiles import DEFAULT_OVERLAP, DEFAULT_TILE_SIZE
    from ingest.rasterstore import RasterStore

    settings = Connections()
    times = StageTimes()
    with cli_errors("ingest"), ExitStack() as held:
        check_input_file(path)
        check_name("state", state)
        area = check_name("area", area or path.name.split(".")[0])
        given_day = as_of_date(acquired)
        band_list = parse_bands(bands)
        check_options({"tile_size": tile_size, "overlap": overlap})
        with times.stage("copy"):
            source = held.enter_context(private_copy(path, settings.home)).path
        held.enter_context(_shown_as(source, path))
        with times.stage("validate"):
            info = open_raster(str(source), band_list)
            require_pixels(info)
        with times.stage("load model"):
            segmenter = load_model_segmenter(model)
        if segmenter.random_init:
            _warn_untrained(segmenter)
        day = given_day or _acquired(source, acquisition_date)
        with times.stage("store"):
            stored = RasterStore(settings.raster_store_uri).put(info)
        held.push(_discard_on_failure(stored.sha256, settings))
        with _progress() as bar:
            tasks: dict[str, TaskID] = {}

            def advance(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            scene = build_imagery_scene_graph(
                stored.uri,
                segmenter,
                bands=band_list,
                tile_size=DEFAULT_TILE_SIZE if tile_size is None else tile_size,
                overlap=DEFAULT_OVERLAP if overlap is None else overlap,
                progress=advance,
                profile=times,
            )
            with times.stage("publish"), open_graph(settings) as graph:
                published = publish_scene_graph(
                    graph,
                    scene,
                    state=state,
                    area=area,
                    as_of=day,
                    source=f"imagery:{path.name} sha256:{stored.sha256[:16]} "
                    f"model:{segmenter.name}{' (untrained)' if segmenter.random_init else ''}",
                    replace=replace,
                    rasters=[stored],
                    evidence=evidence_of(segmenter, settings.raster_store_uri),
                )
    print_summary(scene, published)
    typer.echo(f"raster stored at {stored.uri}")
    if profile:
        _print_profile(times)


@contextmanager
def _shown_as(copy: Path, given: Path) -> Iterator[None]:
    """An error that names the private copy names the file the user gave instead: the copy's
    path means nothing to them and is gone when the message is read."""
    try:
        yield
    except Exception as error:
        if error.args and isinstance(error.args[0], str) and str(copy) in error.args[0]:
            error.args = (error.args[0].replace(str(copy), str(given)), *error.args[1:])
        raise


def _discard_on_failure(sha256: str, settings: Connections) -> Callable[..., None]:
    """An exit callback that, when the ingest failed, deletes the stored COG of ``sha256``
    unless a state registers it (an earlier ingest of the same image), so a failed ingest
    leaves no unregistered raster; if Neo4j cannot tell, the COG is kept and the error says so."""
    from graphdb.errors import GraphError
    from graphdb.rasters import RasterRegistry
    from graphdb.repository import open_graph
    from ingest.rasterstore import RasterStore

    def discard(kind: type[BaseException] | None, error: BaseException | None, _: object) -> None:
        if error is None:
            return
        try:
            with open_graph(settings) as graph:
                if RasterRegistry(graph.client).get(sha256) is None:
                    RasterStore(settings.raster_store_uri).discard(sha256)
        except GraphError as unknown:
            error.add_note(f"the stored raster {sha256} is kept ({unknown}).")

    return discard


def _print_profile(times: StageTimes) -> None:
    table = Table(title="time per stage")
    for column in ("stage", "seconds", "calls"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for name, seconds, calls in times.rows():
        table.add_row(name, f"{seconds:.3f}", str(calls))
    table.add_row("total", f"{times.total:.3f}", "")
    Console().print(table)
