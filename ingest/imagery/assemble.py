"""From segmented tiles to one scene graph: what each scale level collects, and its assembly.

A :class:`LevelPieces` collects, for one scale level, the polygons of every tile's masks (the
*pieces*, in the raster CRS) and the model's triplets between them. :func:`assemble_scene_graph`
turns the levels of one image into its scene graph: merge the pieces across tile borders per
scale, run the relation engine on the merged objects of all scales (within each scale, and
``part_of`` across scales), map the model's triplets onto the merged objects and combine both.

The in-process pipeline (``ingest.imagery.pipeline``) fills the levels tile batch by tile batch;
the workers fill one level per tile task, keep it in the graph, and rebuild each level from the
stored tile results (read page by page) as the assembly asks for it. Both call the same code
here, which holds one level's pieces at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext

from shapely.geometry.base import BaseGeometry

from ingest.errors import EmptyResult, InvalidSegmentation
from ingest.imagery.profile import StageTimes
from ingest.imagery.segmenter import (
    Segmenter,
    TileSegmentation,
    check_answer,
    segmenter_classes,
)
from ingest.imagery.triplets import PieceTriplet, combine, model_relations, piece_owners
from ingest.observed import observed_at
from ingest.ontology import classes_at
from ingest.raster import RasterPixels, ScaleLevel, TileWindow
from ingest.records import MapObject, SceneGraph
from ingest.relations.engine import relate
from ingest.vectorise import TileMask, TilePolygon, merge_to_objects, vectorise_tile

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: e.g. ``("1:2000 tiles", 3, 12)``."""


class LevelPieces:
    """What one scale level collects: tile pieces, model triplets between them (indices into
    ``pieces``), ``source``, the name of the segmenter that found them, and ``observed``, the
    classes it can see at the level's scale (None: not said, every class drawn there)."""

    def __init__(
        self, level: ScaleLevel, source: str = "", observed: tuple[str, ...] | None = None
    ) -> None:
        self.level = level
        self.source = source
        self.observed = observed
        self.pieces: list[TilePolygon] = []
        self.triplets: list[PieceTriplet] = []

    @classmethod
    def of(cls, level: ScaleLevel, segmenter: Segmenter) -> LevelPieces:
        """An empty level that ``segmenter`` is about to segment: its name and the classes it
        observes at the level's scale (``ingest.observed``)."""
        classes = segmenter_classes(segmenter)
        observed = None if classes is None else observed_at(classes, level.scale)
        return cls(level, source=segmenter.name, observed=observed)

    def extend(self, pieces: Sequence[TilePolygon], triplets: Iterable[PieceTriplet]) -> None:
        """Add one tile's pieces and the triplets between them (indices into ``pieces``)."""
        offset = len(self.pieces)
        self.pieces.extend(pieces)
        self.triplets.extend(
            PieceTriplet(offset + t.subject, t.predicate, offset + t.object, t.score)
            for t in triplets
        )

    def add(self, tile: TileWindow, pixels: RasterPixels, answer: TileSegmentation) -> None:
        """Vectorise the segmenter's ``answer`` for ``tile`` (read as ``pixels``) and add it.

        Raises :class:`InvalidSegmentation` for a class not drawn at the level's scale, or
        not among the classes the level observes.
        """
        _check_classes(answer, self.level.scale, self.observed)
        masks = _clip_to_valid(answer.masks, pixels)
        polygons = vectorise_tile(tile, masks)
        # vectorise_tile returns one polygon per non-empty mask, in mask order.
        kept = [i for i, m in enumerate(masks) if m.mask.any()]
        piece_of = {mask: n for n, mask in enumerate(kept)}
        self.extend(
            polygons,
            (
                PieceTriplet(piece_of[t.subject], t.predicate, piece_of[t.object], t.score)
                for t in answer.triplets
                if t.subject in piece_of and t.object in piece_of
            ),
        )

    def segment(
        self,
        segmenter: Segmenter,
        tiles: Sequence[TileWindow],
        pixels: Sequence[RasterPixels],
        times: StageTimes | None = None,
    ) -> None:
        """Segment one batch of this level's ``tiles`` (read as ``pixels``) and add the answers.

        Tiles without a valid pixel are skipped, not sent to the segmenter; ``times`` gets the
        ``segment`` and ``vectorise`` stages of the level.
        """
        tag = f"1:{self.level.scale}"
        wanted = [i for i, p in enumerate(pixels) if p.valid.any()]
        answer: list[TileSegmentation] = []
        if wanted:
            with _stage(times, f"{tag} segment"):
                answer = segmenter.segment([pixels[i] for i in wanted], self.level.scale)
            check_answer([pixels[i] for i in wanted], answer)
        with _stage(times, f"{tag} vectorise"):
            for i, result in zip(wanted, answer, strict=True):
                self.add(tiles[i], pixels[i], result)


def assemble_scene_graph(
    levels: Iterable[LevelPieces],
    *,
    coverage: BaseGeometry,
    source_crs: int | None,
    times: StageTimes | None = None,
    progress: Progress | None = None,
) -> SceneGraph:
    """The scene graph of the pieces of ``levels`` (one per scale) over ``coverage`` (WGS84).

    ``levels`` is iterated once and each level is let go once its pieces are merged and its
    model triplets mapped onto the merged objects, before the next level is asked for: with a
    generator, only one level's pieces are in memory at a time (the merge needs all of them:
    an object may span the whole level). What stays are the merged objects of every scale and
    the model's relations between them, which the relation engine needs together. Objects get
    their level's ``source``, and the scene graph observes each level's ``observed`` classes
    at its scale (every class drawn there when a level does not say); ``times`` gets the
    ``merge``, ``relate`` and ``model triplets`` stages, ``progress`` the ``relations`` stage.
    """
    report = progress or (lambda _stage, _done, _total: None)
    by_scale: dict[int, list[MapObject]] = {}
    observed: dict[int, tuple[str, ...]] = {}
    model: dict[tuple[str, str, str], float] = {}
    for found in levels:
        scale = found.level.scale
        observed[scale] = classes_at(scale) if found.observed is None else found.observed
        objects: list[MapObject] = []
        if found.pieces:
            with _stage(times, f"1:{scale} merge"):
                objects = merge_to_objects(found.pieces, found.level, source=found.source)
        by_scale[scale] = objects
        if found.triplets and objects:
            with _stage(times, "model triplets"):
                owners = piece_owners(found.pieces, objects, found.level)
                for key, score in model_relations(found.triplets, owners).items():
                    model[key] = max(model.get(key, 0.0), score)
        del found  # the level's pieces go before the next level is read
    everything = [obj for objects in by_scale.values() for obj in objects]
    if not everything:
        # Committed, an empty map would report every object of the previous state as gone.
        scales = ", ".join(f"1:{d}" for d in sorted(by_scale)) or "none"
        raise EmptyResult(
            f"the image yielded no object at any scale ({scales}); nothing to commit. Check "
            "that it shows the ground (not clouds, water only or a blank area) and its bands."
        )
    report("relations", 0, 1)
    with _stage(times, "relate"):
        rules = relate(by_scale)
    relations = combine(rules, model)
    report("relations", 1, 1)
    return SceneGraph(everything, relations, coverage, source_crs=source_crs, observed=observed)


def _stage(times: StageTimes | None, name: str) -> AbstractContextManager[None]:
    return times.stage(name) if times is not None else nullcontext()


def _clip_to_valid(masks: Sequence[TileMask], pixels: RasterPixels) -> list[TileMask]:
    """Masks without the tile's nodata pixels: no object is placed where the image has none."""
    if pixels.valid.all():
        return list(masks)
    return [TileMask(m.class_id, m.score, m.mask & pixels.valid) for m in masks]


def _check_classes(answer: TileSegmentation, scale: int, observed: tuple[str, ...] | None) -> None:
    drawn = set(classes_at(scale))
    found = {m.class_id for m in answer.masks}
    wrong = sorted(found - drawn)
    if wrong:
        raise InvalidSegmentation(
            f"the segmenter returned {wrong} at 1:{scale}, where they are not drawn; return "
            f"only classes of that scale ({', '.join(sorted(drawn))})."
        )
    unlisted = sorted(found - (drawn if observed is None else set(observed)))
    if unlisted:
        raise InvalidSegmentation(
            f"the segmenter returned {unlisted} at 1:{scale}, which are not among the classes "
            f"it lists ({', '.join(observed or ())}); list every class it can answer."
        )
