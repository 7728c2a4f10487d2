"""Model triplets, reported per tile between masks, turned into relations between merged objects.

A segmenter relates masks of one tile. After vectorising and merging, each mask's polygon (a
*piece*) belongs to one merged object, or to none when the object was dropped as too small.
The piece's owner is the stored object of the same class that overlaps it most, found in the
level's pixel coordinates (the stored WGS84 outline is moved back there), so this only relies on
what ``merge_to_objects`` returns. A triplet between two pieces becomes a triplet between their
owners, in the predicate's stored direction; the same triplet seen by several tiles (the
overlaps) is kept once with its highest score; one whose two pieces end in one object is dropped.

Against the rule engine's relations: a model triplet the rules also found is stored once with
``origin="both"`` and the rules' confidence (the smaller of the two objects') times the model's
probability: the model re-scores what the rules read off the predicted geometry. A triplet only
the model found is kept, as ``"model"``, from ``MODEL_ONLY_MIN_SCORE`` up. A rule relation the
model did not score keeps the rules' confidence: the model only sees pairs within one tile, so
its silence on a pair of merged objects is no evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from rasterio.crs import CRS
from shapely.affinity import affine_transform
from shapely.geometry.base import BaseGeometry

from ingest.ontology import canonical_triplet, get_predicate
from ingest.raster import ScaleLevel
from ingest.records import MapObject, Relation
from ingest.vectorise import TilePolygon

Triple = tuple[str, str, str]

MODEL_ONLY_MIN_SCORE = 0.5
"""The lowest probability at which a triplet the rules did not find is kept: below it the model
is scoring candidate pairs (to re-score the rules), not stating a relation of its own."""


@dataclass(frozen=True, slots=True)
class PieceTriplet:
    """A model triplet between two pieces of one level, by their index in the level's pieces."""

    subject: int
    predicate: str
    object: int
    score: float


@lru_cache(maxsize=32)
def _from_wgs84(wkt: str) -> Transformer:
    return Transformer.from_crs(ProjCRS.from_epsg(4326), ProjCRS.from_wkt(wkt), always_xy=True)


def _to_level_pixels(geometry: BaseGeometry, level: ScaleLevel, crs: CRS) -> BaseGeometry:
    """A WGS84 geometry in ``level``'s pixel coordinates (x = column, y = row)."""
    transformer = _from_wgs84(crs.to_wkt())
    inverse = ~level.transform

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack(
            [inverse.a * x + inverse.b * y + inverse.c, inverse.d * x + inverse.e * y + inverse.f]
        )

    moved: BaseGeometry = shapely.transform(geometry, move)
    return moved


def piece_owners(
    pieces: Sequence[TilePolygon], objects: Sequence[MapObject], level: ScaleLevel
) -> list[str | None]:
    """The key of the stored object each piece belongs to, None when it was dropped."""
    if not pieces or not objects:
        return [None] * len(pieces)
    crs = level.raster.crs
    inverse = ~level.transform
    stored = np.array(
        [shapely.make_valid(_to_level_pixels(o.geometry, level, crs)) for o in objects],
        dtype=object,
    )
    cut = np.array(
        [
            affine_transform(
                p.geometry,
                [inverse.a, inverse.b, inverse.d, inverse.e, inverse.c, inverse.f],
            )
            for p in pieces
        ],
        dtype=object,
    )
    left, right = shapely.STRtree(stored).query(cut, predicate="intersects")
    best: list[tuple[float, str] | None] = [None] * len(pieces)
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if objects[j].cls != pieces[i].class_id:
            continue
        area = float(shapely.area(shapely.intersection(cut[i], stored[j])))
        current = best[i]
        if area > 0 and (current is None or (area, objects[j].key) > current):
            best[i] = (area, objects[j].key)
    return [None if found is None else found[1] for found in best]


def model_relations(
    triplets: Sequence[PieceTriplet], owners: Sequence[str | None]
) -> dict[Triple, float]:
    """Stored-direction ``(subject_key, predicate, object_key)`` -> best score of the model.

    Symmetric predicates are keyed with the smaller key as subject, as the rule engine stores
    them.
    """
    found: dict[Triple, float] = {}
    for triplet in triplets:
        subject, obj = owners[triplet.subject], owners[triplet.object]
        if subject is None or obj is None or subject == obj:
            continue
        subject, predicate, obj = canonical_triplet(subject, triplet.predicate, obj)
        if get_predicate(predicate).symmetric and obj < subject:
            subject, obj = obj, subject
        key = (subject, predicate, obj)
        found[key] = max(found.get(key, 0.0), triplet.score)
    return found


def combine(rules: Sequence[Relation], model: dict[Triple, float]) -> list[Relation]:
    """The rule relations, with those the model also scored marked ``both`` and re-scored, then
    the model-only ones from ``MODEL_ONLY_MIN_SCORE`` up (sorted, so the output does not depend
    on tile order)."""
    out: list[Relation] = []
    for relation in rules:
        key = (relation.subject_key, relation.predicate, relation.object_key)
        score = model.get(key)
        if score is None or relation.cross_scale:
            out.append(relation)
            continue
        out.append(
            Relation(
                relation.subject_key,
                relation.predicate,
                relation.object_key,
                confidence=relation.confidence * score,
                origin="both",
                cross_scale=False,
            )
        )
    ruled = {(r.subject_key, r.predicate, r.object_key) for r in rules if not r.cross_scale}
    for (subject, predicate, obj), score in sorted(model.items()):
        if (subject, predicate, obj) not in ruled and score >= MODEL_ONLY_MIN_SCORE:
            out.append(Relation(subject, predicate, obj, confidence=score, origin="model"))
    return out
