"""One image to one multi-scale scene graph, without the database.

open + validate -> scale pyramid -> per scale: overlapping tiles -> segmenter (batched) ->
vectorise per tile -> merge across tile borders -> the relation engine on the merged objects of
all scales (within each scale, and ``part_of`` across scales) -> model triplets mapped onto the
merged objects -> ``SceneGraph`` whose coverage is the image footprint (WGS84).

Everything is windowed: a tile is read, segmented and vectorised, and only its polygons are
kept, so memory grows with the objects found, not with the image. The CLI and the workers call
:func:`build_imagery_scene_graph`; writing to Neo4j is theirs (``graphdb.publish``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.errors import InvalidSegmentation
from ingest.imagery.profile import StageTimes
from ingest.imagery.segmenter import Segmenter, TileSegmentation, check_answer
from ingest.imagery.triplets import PieceTriplet, combine, model_relations, piece_owners
from ingest.ontology import classes_at
from ingest.raster import (
    RasterPixels,
    ScaleLevel,
    TileWindow,
    build_pyramid,
    footprint_wgs84,
    open_raster,
    tile_windows,
)
from ingest.raster.tiles import DEFAULT_OVERLAP, DEFAULT_TILE_SIZE
from ingest.records import MapObject, Relation, SceneGraph
from ingest.relations.engine import relate
from ingest.vectorise import TileMask, TilePolygon, merge_to_objects, vectorise_tile

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: e.g. ``("1:2000 tiles", 3, 12)``."""

DEFAULT_BATCH_SIZE = 8
"""Tiles per segmenter call."""


def _clip_to_valid(masks: Sequence[TileMask], pixels: RasterPixels) -> list[TileMask]:
    """Masks without the tile's nodata pixels: no object is placed where the image has none."""
    if pixels.valid.all():
        return list(masks)
    return [TileMask(m.class_id, m.score, m.mask & pixels.valid) for m in masks]


def _check_classes(answer: TileSegmentation, scale: int) -> None:
    drawn = set(classes_at(scale))
    wrong = sorted({m.class_id for m in answer.masks} - drawn)
    if wrong:
        raise InvalidSegmentation(
            f"the segmenter returned {wrong} at 1:{scale}, where they are not drawn; return "
            f"only classes of that scale ({', '.join(sorted(drawn))})."
        )


class _Level:
    """What one scale level collects: tile pieces and model triplets between them."""

    def __init__(self, level: ScaleLevel) -> None:
        self.level = level
        self.pieces: list[TilePolygon] = []
        self.triplets: list[PieceTriplet] = []

    def add(self, tile: TileWindow, pixels: RasterPixels, answer: TileSegmentation) -> None:
        _check_classes(answer, self.level.scale)
        masks = _clip_to_valid(answer.masks, pixels)
        polygons = vectorise_tile(tile, masks)
        # vectorise_tile returns one polygon per non-empty mask, in mask order.
        kept = [i for i, m in enumerate(masks) if m.mask.any()]
        piece_of = {mask: len(self.pieces) + n for n, mask in enumerate(kept)}
        self.pieces.extend(polygons)
        self.triplets.extend(
            PieceTriplet(piece_of[t.subject], t.predicate, piece_of[t.object], t.score)
            for t in answer.triplets
            if t.subject in piece_of and t.object in piece_of
        )


def _segment_level(
    level: ScaleLevel,
    segmenter: Segmenter,
    *,
    tile_size: int,
    overlap: int,
    batch_size: int,
    times: StageTimes,
    progress: Progress,
) -> _Level:
    tag = f"1:{level.scale}"
    tiles = tile_windows(level, tile_size=tile_size, overlap=overlap)
    found = _Level(level)
    progress(f"{tag} tiles", 0, len(tiles))
    for start in range(0, len(tiles), batch_size):
        batch = tiles[start : start + batch_size]
        with times.stage(f"{tag} read"):
            pixels = [tile.read() for tile in batch]
        wanted = [i for i, p in enumerate(pixels) if p.valid.any()]
        answer: list[TileSegmentation] = []
        if wanted:
            with times.stage(f"{tag} segment"):
                answer = segmenter.segment([pixels[i] for i in wanted], level.scale)
            check_answer([pixels[i] for i in wanted], answer)
        with times.stage(f"{tag} vectorise"):
            for i, result in zip(wanted, answer, strict=True):
                found.add(batch[i], pixels[i], result)
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
    by_scale: dict[int, list[MapObject]] = {}
    collected: list[tuple[_Level, list[MapObject]]] = []
    for level in levels:
        found = _segment_level(
            level,
            segmenter,
            tile_size=tile_size,
            overlap=overlap,
            batch_size=batch_size,
            times=times,
            progress=report,
        )
        objects: list[MapObject] = []
        if found.pieces:
            with times.stage(f"1:{level.scale} merge"):
                objects = merge_to_objects(found.pieces, level, source=segmenter.name)
        by_scale[level.scale] = objects
        collected.append((found, objects))
    everything = [obj for objects in by_scale.values() for obj in objects]
    relations: list[Relation] = []
    if everything:
        report("relations", 0, 1)
        with times.stage("relate"):
            rules = relate(by_scale)
        with times.stage("model triplets"):
            model: dict[tuple[str, str, str], float] = {}
            for found, objects in collected:
                if not found.triplets:
                    continue
                owners = piece_owners(found.pieces, objects, found.level)
                for key, score in model_relations(found.triplets, owners).items():
                    model[key] = max(model.get(key, 0.0), score)
            relations = combine(rules, model)
        report("relations", 1, 1)
    coverage = footprint_wgs84(info.transform, info.width, info.height, info.crs)
    return SceneGraph(everything, relations, coverage, source_crs=info.epsg)
