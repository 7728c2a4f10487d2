"""An imagery job spread over tasks: plan the tiles, segment each tile, finish the map state.

It computes what ``ingest.imagery.pipeline.build_imagery_scene_graph`` computes in one process,
with the tile loop cut into tasks and the tile results kept in the graph in between:

1. :func:`plan_imagery_job` validates the raster (a corrupt file fails the job here, in
   seconds), keeps it as a COG in the raster store and registers it with the job's uncommitted
   state (so the API can serve its tiles), builds the scale pyramid and its overlapping tiles,
   and returns the tiles whose results are not in the graph yet.
2. :func:`run_tile` (one task per tile, ``gpu`` queue) reads the tile, runs the process's
   segmenter, vectorises the masks and stores the pieces and the model's triplets between them
   as the tile's result, keyed by (job, scale, row, col).
3. :func:`finish_imagery_job` (the chord callback) first counts tile results *in the graph*: a
   redelivered tile task can make the chord fire early, or twice, so the callback trusts only
   what is stored, and waits (``TilesPending``, retried) until every tile is in. Then it merges
   pieces across tile borders per scale, reading the results of one scale page by page and
   letting that scale's pieces go before the next (:func:`stored_scene_graph`), relates the
   objects (rules and model triplets), writes and commits the state, drops the tile results and
   diffs the state (``workers.lifecycle``), judged by the pixel evidence of the process's
   segmenter where it offers one (``graphdb.diff.evidence``: the model's class-probability and
   feature maps of both images, kept in the raster store).

Every step is safe to run twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import shapely
from rasterio.windows import Window

from graphdb.diff.evidence import evidence_of
from graphdb.job_tiles import TileResult
from graphdb.jobs import Job, JobStatus, JobStore
from graphdb.models import StateStatus
from graphdb.rasters import RasterRegistry
from ingest.imagery.assemble import LevelPieces, assemble_scene_graph
from ingest.imagery.profile import StageTimes
from ingest.imagery.segmenter import Segmenter
from ingest.imagery.triplets import PieceTriplet
from ingest.observed import observed_at
from ingest.raster import (
    RasterInfo,
    ScaleLevel,
    build_pyramid,
    footprint_wgs84,
    level_for,
    open_raster,
    tile_at,
    tile_windows,
)
from ingest.raster.content import require_pixels
from ingest.raster.tiles import DEFAULT_OVERLAP, DEFAULT_TILE_SIZE
from ingest.rasterstore import RasterStore
from ingest.records import SceneGraph
from ingest.vectorise import TilePolygon
from intake.checks import check_job_fields
from intake.opened import HeldInputs, stored_sha256
from workers.context import context
from workers.errors import TilesPending
from workers.lifecycle import (
    Outcome,
    begin_state,
    commit_state,
    complete_job,
    owned_state,
    report,
    start_job,
)

TILE_PAGE = 32
"""Stored tile results read per query by the finish step (a page is in memory at once)."""


@dataclass(frozen=True, slots=True)
class TileSpec:
    """One tile as task arguments: its scale, index in the layout and window in level pixels."""

    scale: int
    row: int
    col: int
    col_off: int
    row_off: int
    width: int
    height: int

    def kwargs(self) -> dict[str, int]:
        """Keyword arguments of the tile task."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ImageryPlan:
    """The tiles still to segment; empty when all are in (or the state is already committed)."""

    tiles: list[TileSpec]


def plan_imagery_job(job_id: str) -> ImageryPlan | None:
    """Validate, store, tile and begin the state of ``job_id``; None when the job had ended."""
    ctx = context()
    job = start_job(ctx, job_id)
    if job is None:
        return None
    check_job_fields(
        input_path=job.input_path, state=job.state, area=job.area, as_of=job.as_of,
        options=job.options,
    )  # fmt: skip
    state = owned_state(ctx, job)
    if state is not None and state.status is StateStatus.COMMITTED:
        return ImageryPlan(tiles=[])
    info = _raster(job.input_path, _bands(job))
    require_pixels(info)
    levels = build_pyramid(info, _ints(job, "scales"))
    tiles = tile_specs(
        levels, _int(job, "tile_size", DEFAULT_TILE_SIZE), _int(job, "overlap", DEFAULT_OVERLAP)
    )
    begin_state(ctx, job, footprint_wgs84(info.transform, info.width, info.height, info.crs))
    report(ctx, job, 0.02, "storing the image")
    stored = RasterStore(ctx.settings.raster_store_uri).put(info)
    RasterRegistry(ctx.graph.client).register(job.state, [stored])
    ctx.jobs.plan_tiles(job.id, len(tiles), [level.scale for level in levels])
    done = ctx.jobs.tile_keys(job.id)
    missing = [t for t in tiles if (t.scale, t.row, t.col) not in done]
    report(ctx, job, _tile_fraction(len(done), len(tiles)), f"segmenting {len(tiles)} tiles")
    return ImageryPlan(tiles=missing)


def run_tile(job_id: str, spec: TileSpec) -> bool:
    """Segment one tile and store its result; False when skipped (job ended, or done)."""
    ctx = context()
    job = ctx.jobs.get(job_id)
    if job.terminal or ctx.jobs.has_tile(job_id, spec.scale, spec.row, spec.col):
        return False
    level = level_for(_raster(job.input_path, _bands(job)), spec.scale)
    ctx.jobs.put_tile(job_id, segment_tile(level, spec, ctx.segmenter()))
    written = ctx.jobs.tile_count(job_id)
    report(ctx, job, _tile_fraction(written, job.tiles_expected or written), f"tile {written}")
    return True


def tile_specs(levels: Sequence[ScaleLevel], tile_size: int, overlap: int) -> list[TileSpec]:
    """Every tile of ``levels`` (sizes in level pixels), level by level, row by row."""
    return [
        TileSpec(
            scale=level.scale,
            row=tile.row,
            col=tile.col,
            col_off=int(tile.window.col_off),
            row_off=int(tile.window.row_off),
            width=int(tile.window.width),
            height=int(tile.window.height),
        )
        for level in levels
        for tile in tile_windows(level, tile_size, overlap)
    ]


def segment_tile(level: ScaleLevel, spec: TileSpec, segmenter: Segmenter) -> TileResult:
    """The result of one tile of ``level`` as stored: its pieces (WKB, raster CRS) and the
    segmenter's triplets between them."""
    window = Window(spec.col_off, spec.row_off, spec.width, spec.height)
    tile = tile_at(level, window, spec.row, spec.col)
    found = LevelPieces.of(level, segmenter)
    found.segment(segmenter, [tile], [tile.read()])
    return TileResult(
        scale=spec.scale,
        row=spec.row,
        col=spec.col,
        window=(spec.col_off, spec.row_off, spec.width, spec.height),
        source=found.source,
        classes=[p.class_id for p in found.pieces],
        scores=[float(p.score) for p in found.pieces],
        geometries=[shapely.to_wkb(p.geometry) for p in found.pieces],
        triplets=[(t.subject, t.predicate, t.object, t.score) for t in found.triplets],
        observed=None if found.observed is None else list(found.observed),
    )


def finish_imagery_job(job_id: str) -> Outcome | None:
    """Merge, relate, commit and diff once every tile is in; None when the job had ended.

    Raises ``TilesPending`` while tile results are missing from the graph.
    """
    ctx = context()
    job = ctx.jobs.get(job_id)
    if job.status is not JobStatus.RUNNING:
        return None
    state = owned_state(ctx, job)
    if state is None or state.status is not StateStatus.COMMITTED:
        written, expected = ctx.jobs.tile_count(job_id), job.tiles_expected or 0
        if written < expected:
            raise TilesPending(f"job {job_id}: {written} of {expected} tile results stored")
        report(ctx, job, 0.85, "merging tiles")
        scene = stored_scene_graph(ctx.jobs, job)
        report(ctx, job, 0.9, f"writing {len(scene.objects)} objects")
        ctx.graph.write(job.state, scene.objects, scene.relations)
        state = commit_state(ctx, job, scene.observed)
    ctx.jobs.drop_tiles(job_id)
    evidence = (
        None
        if job.alerts_published
        else evidence_of(ctx.segmenter(), ctx.settings.raster_store_uri)
    )
    return complete_job(ctx, job, state, job.scales, evidence)


def stored_scene_graph(
    jobs: JobStore, job: Job, *, page: int = TILE_PAGE, times: StageTimes | None = None
) -> SceneGraph:
    """The scene graph of all scales from the stored tile results, assembled as
    ``build_imagery_scene_graph`` does, once, on what the tile tasks found.

    Tile results are read ``page`` at a time and each scale's level is built only when the
    assembly asks for it, and let go before the next: what is in memory at once is one scale's
    polygons, one page of stored results, and the merged objects and relations so far.
    ``times`` gets the assembly's stages (``bench.finish_memory`` reads memory at each).
    """
    info = _raster(job.input_path, _bands(job))
    levels = (stored_level(jobs, job.id, level_for(info, s), page=page) for s in job.scales)
    coverage = footprint_wgs84(info.transform, info.width, info.height, info.crs)
    return assemble_scene_graph(levels, coverage=coverage, source_crs=info.epsg, times=times)


def stored_level(
    jobs: JobStore, job_id: str, level: ScaleLevel, *, page: int = TILE_PAGE
) -> LevelPieces:
    """The level's tile pieces and triplets, the name of the segmenter that found them, and
    the classes observed over the whole level: those every tile's segmenter lists (one model
    serves a job, unless workers with other models took some of its tiles)."""
    found = LevelPieces(level)
    for tile in jobs.iter_tiles(job_id, level.scale, page=page):
        if tile.observed is not None:
            listed = observed_at(tile.observed, level.scale)
            before = listed if found.observed is None else found.observed
            found.observed = tuple(c for c in before if c in listed)
        found.extend(
            [
                TilePolygon(cls, score, level.scale, shapely.from_wkb(geometry), tile.window)
                for cls, score, geometry in zip(
                    tile.classes, tile.scores, tile.geometries, strict=True
                )
            ],
            (PieceTriplet(*triplet) for triplet in tile.triplets),
        )
        found.source = tile.source or found.source
    return found


def _tile_fraction(done: int, total: int) -> float:
    """Progress while tiles are segmented: 5% for planning, up to 80% when all are in."""
    return 0.05 + 0.75 * done / max(total, 1)


def _int(job: Job, option: str, default: int) -> int:
    value = job.options.get(option)
    return int(value) if isinstance(value, int | str) else default


def _ints(job: Job, option: str) -> list[int] | None:
    value = job.options.get(option)
    return [int(v) for v in value] if isinstance(value, list) else None


def _bands(job: Job) -> tuple[int, ...] | None:
    bands = _ints(job, "bands")
    return tuple(bands) if bands is not None else None


_RASTERS: HeldInputs[RasterInfo] = HeldInputs(capacity=8)


def _raster(path: str, bands: tuple[int, ...] | None) -> RasterInfo:
    """The validated raster, opened once per process (every tile of a job needs it) by
    descriptor, after its bytes are checked against the SHA-256 its stored path is addressed by
    (the job's ``input_sha256``): a swapped or changed input fails the job (``intake.opened``)."""
    return _RASTERS.get(
        (path, bands), path, stored_sha256(path), lambda opened: open_raster(str(opened), bands)
    )
