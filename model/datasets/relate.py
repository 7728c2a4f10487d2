"""The relation step of dataset building: a tile's objects -> stored-direction triplets.

Pluggable on purpose: a builder takes any :data:`Relater`. The default is the rule engine of
``ingest.relations`` (:func:`rule_relations`), run per tile on the objects clipped to the tile,
so a tile's triplets are what its own pixels show (a pair whose contact lies outside the tile is
not related there). :func:`no_relations` builds objects only, quickly.

The engine measures in metres and takes WGS84 records, so tile objects are handed to it as
``MapObject``s: pixel outlines through the tile's grid (``transform`` in ``crs``) to WGS84.
Images without georeference get a nominal grid (:func:`nominal_grid`): metric, north-up, at an
assumed GSD, so distances and thresholds mean something even where the place is unknown.

:func:`relate_masks` is the whole step for non-overlapping masks on a tile grid: trace, simplify
by the scale's tolerance, move to WGS84, run the relater. Dataset building (the ground truth)
and the model's relation step at inference (on predicted or given regions) call the same
function, so the rules see the same geometry on both sides of an evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.features import shapes
from shapely.geometry import MultiPolygon, shape
from shapely.geometry.base import BaseGeometry

from ingest.ontology import get_scale
from ingest.raster.wgs84 import geometry_to_wgs84
from ingest.records import MapObject, Relation
from ingest.relations.engine import relate_scale
from ingest.vectorise.objects import pixels_to_crs
from model.datasets.manifest import TileEntry

Relater = Callable[[Sequence[MapObject], int], list[Relation]]
"""Relations among one tile's objects (WGS84) at one map scale (denominator)."""

NOMINAL_CRS = CRS.from_epsg(32631)
"""UTM zone 31N: the metric CRS of the nominal grid of images without georeference."""

NOMINAL_GSD_M = 0.5
"""The GSD images without georeference are related at unless their dataset says otherwise
(``nominal_gsd_m`` of the manifest's builder; the importer's default)."""

NOMINAL_ORIGIN = (500_000.0, 1_000_000.0)
"""Top-left corner (easting, northing, metres) of a nominal grid: on the zone's central
meridian, where UTM distortion is smallest."""


def rule_relations(objects: Sequence[MapObject], scale: int) -> list[Relation]:
    """Every within-scale relation the ``ingest.relations`` rules find among ``objects``."""
    if len(objects) < 2:
        return []
    return relate_scale(objects, scale)


def no_relations(objects: Sequence[MapObject], scale: int) -> list[Relation]:
    """No relations: for building objects and masks alone."""
    return []


def nominal_grid(gsd_m: float) -> tuple[CRS, Affine]:
    """The nominal CRS and pixel-to-CRS transform of an image without georeference."""
    east, north = NOMINAL_ORIGIN
    return NOMINAL_CRS, Affine(gsd_m, 0.0, east, 0.0, -gsd_m, north)


def tile_objects(
    items: Sequence[tuple[str, str, BaseGeometry]],
    scale: int,
    crs: CRS,
    transform: Affine,
    confidences: Sequence[float] | None = None,
) -> list[MapObject]:
    """``(key, class, pixel outline)`` items as WGS84 records of map scale ``scale``.

    ``transform`` maps the outlines' pixel coordinates to ``crs``; ``confidences`` (default 1)
    become the records' confidences, and so the rule relations' (the smaller of the two).
    """
    scores = [1.0] * len(items) if confidences is None else list(confidences)
    return [
        MapObject(
            key=key,
            cls=cls,
            scale=scale,
            geometry=geometry_to_wgs84(pixels_to_crs(outline, transform), crs),
            confidence=float(score),
        )
        for (key, cls, outline), score in zip(items, scores, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class TileGrid:
    """Where a tile's pixels lie: its map scale, CRS and pixel-to-CRS transform."""

    scale: int
    crs: CRS
    transform: Affine

    @classmethod
    def nominal(cls, scale: int, gsd_m: float) -> TileGrid:
        """The nominal grid (:func:`nominal_grid`) of an image without georeference."""
        crs, transform = nominal_grid(gsd_m)
        return cls(scale, crs, transform)

    @classmethod
    def of_entry(cls, entry: TileEntry, nominal_gsd_m: float) -> TileGrid:
        """The grid a dataset tile's labels were related on: its own georeference, else the
        nominal grid at ``nominal_gsd_m`` moved to the tile's window (as the importer did)."""
        if entry.crs is not None and entry.transform is not None:
            return cls(entry.scale, CRS.from_user_input(entry.crs), Affine(*entry.transform[:6]))
        crs, transform = nominal_grid(nominal_gsd_m)
        col, row = entry.window[0], entry.window[1]
        return cls(entry.scale, crs, transform @ Affine.translation(col, row))

    @property
    def gsd_m(self) -> float:
        """Metres per pixel along a row (the grids here are north-up)."""
        return float(abs(self.transform.a))


def mask_outlines(masks: Sequence[np.ndarray], tolerance_px: float) -> list[BaseGeometry]:
    """Outlines (tile pixel coordinates) of non-empty masks, simplified by ``tolerance_px``
    (the scale's tolerance: pixel staircases are not map detail, and they multiply the relation
    rules' cost). Non-overlapping masks (a class map's instances) are traced in one pass;
    overlapping ones (a building on an industrial site) one by one."""
    ids = np.zeros(masks[0].shape, dtype=np.int32)
    for number, mask in enumerate(masks, start=1):
        ids[mask] = number
    parts: dict[int, list[BaseGeometry]] = {}
    if int(np.count_nonzero(ids)) == sum(int(np.count_nonzero(m)) for m in masks):
        for geometry, value in shapes(ids, mask=ids > 0, connectivity=4):
            parts.setdefault(int(value), []).append(shape(geometry))
    else:
        for number, mask in enumerate(masks, start=1):
            found = shapes(mask.astype(np.uint8), mask=mask, connectivity=4)
            parts[number] = [shape(geometry) for geometry, _ in found]
    traced = [
        parts[n][0] if len(parts[n]) == 1 else MultiPolygon(parts[n])
        for n in range(1, len(masks) + 1)
    ]
    return list(
        shapely.simplify(np.array(traced, dtype=object), tolerance_px, preserve_topology=True)
    )


def relate_masks(
    keys: Sequence[str],
    classes: Sequence[str],
    masks: Sequence[np.ndarray],
    grid: TileGrid,
    *,
    confidences: Sequence[float] | None = None,
    relater: Relater = rule_relations,
) -> list[Relation]:
    """The relations ``relater`` finds among non-overlapping, non-empty tile masks.

    Objects are keyed by ``keys`` (the relations name them so); symmetric predicates follow the
    rule engine's convention (the smaller key is the subject).
    """
    if not masks:
        return []
    tolerance = get_scale(grid.scale).simplify_tolerance_m / grid.gsd_m
    outlines = mask_outlines(masks, tolerance)
    items = list(zip(keys, classes, outlines, strict=True))
    return relater(
        tile_objects(items, grid.scale, grid.crs, grid.transform, confidences), grid.scale
    )
