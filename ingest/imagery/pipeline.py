"""One image to one multi-scale scene graph, without the database.

open + validate -> scale pyramid -> per scale: overlapping tiles -> segmenter (batched) ->
vectorise per tile -> merge across tile borders -> the relation engine on the merged objects of
all scales (within each scale, and ``part_of`` across scales) -> model triplets mapped onto the
merged objects -> ``SceneGraph`` whose coverage is the image footprint (WGS84). The last three
steps are ``ingest.imagery.assemble``, shared with the workers.

Everything is windowed: a tile is read, segmented and vectorised, and only its polygons are
kept, so memory grows with the objects found, not with the image. The CLI calls
:func:`build_imagery_scene_graph` and publishes with ``graphdb.publish``; the workers run the same
steps spread over tasks (``workers.imagery_job``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ingest.imagery.assemble import LevelPieces, Progress, assemble_scene_graph
from ingest.imagery.profile import StageTimes
from ingest.imagery.segmenter import Segmenter
from ingest.raster import (
    ScaleLevel,
    build_pyramid,
    footprint_wgs84,
    open_raster,
    tile_windows,
)
from ingest.raster.tiles import DEFAULT_OVERLAP, DEFAULT_TILE_SIZE
from ingest.records import SceneGraph

DEFAULT_BATCH_SIZE = 8
"""Tiles per segmenter call."""


def _segment_level(
    level: ScaleLevel,
    segmenter: Segmenter,
    *,
    tile_size: int,
    overlap: int,
    batch_size: int,
    times: StageTimes,
    progress: Progress,
) -> LevelPieces:
    tag = f"1:{level.scale}"
    tiles = tile_windows(level, tile_size=tile_size, overlap=overlap)
    found = LevelPieces.of(level, segmenter)
    progress(f"{tag} tiles", 0, len(tiles))
    for start in range(0, len(tiles), batch_size):
        batch = tiles[start : start + batch_size]
        with times.stage(f"{tag} read"):
            pixels = [tile.read() for tile in batch]
        found.segment(segmenter, batch, pixels, times)
        progress(f"{tag} tiles", start + len(batch), len(tiles))
    return found


def build_imagery_scene_graph(
    path: str | Path,
    segmenter: Segmenter,
    *,
    scales: Sequence[int] | None = None,
    tile_size: int = DEFAULT_TILE_SIZE,
    overlap: int = DEFAULT_OVERLAP,
    bands: Sequence[int] | None = None,
    progress: Progress | None = None,
    profile: StageTimes | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> SceneGraph:
    """The scene graph of the image at ``path`` at ``scales`` (default: every scale it serves).

    ``tile_size`` and ``overlap`` are in level pixels (see ``ingest.raster.tiles``); ``bands``
    are 1-based band numbers, three (r, g, b) or one (panchromatic); ``batch_size`` tiles go to
    the segmenter per call. ``profile`` collects seconds per stage. Objects get the segmenter's
    ``name`` as ``source``. Raises :class:`~ingest.errors.IngestError` subclasses for an image
    it cannot use (before any tile is segmented) and :class:`InvalidSegmentation` for a
    segmenter that breaks its contract.
    """
    times = profile if profile is not None else StageTimes()
    report = progress or (lambda _stage, _done, _total: None)
    with times.stage("open"):
        info = open_raster(str(path), bands)
    with times.stage("pyramid"):
        levels = build_pyramid(info, scales)
    found = (
        _segment_level(
            level,
            segmenter,
            tile_size=tile_size,
            overlap=overlap,
            batch_size=batch_size,
            times=times,
            progress=report,
        )
        for level in levels
    )
    coverage = footprint_wgs84(info.transform, info.width, info.height, info.crs)
    return assemble_scene_graph(
        found, coverage=coverage, source_crs=info.epsg, times=times, progress=report
    )
