"""The relation step of dataset building: a tile's objects -> stored-direction triplets.

Pluggable on purpose: a builder takes any :data:`Relater`. The default is the rule engine of
``ingest.relations`` (:func:`rule_relations`), run per tile on the objects clipped to the tile,
so a tile's triplets are what its own pixels show (a pair whose contact lies outside the tile is
not related there). :func:`no_relations` builds objects only, quickly.

The engine measures in metres and takes WGS84 records, so tile objects are handed to it as
``MapObject``s: pixel outlines through the tile's grid (``transform`` in ``crs``) to WGS84.
Images without georeference get a nominal grid (:func:`nominal_grid`): metric, north-up, at an
assumed GSD, so distances and thresholds mean something even where the place is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from affine import Affine
from rasterio.crs import CRS
from shapely.geometry.base import BaseGeometry

from ingest.raster.wgs84 import geometry_to_wgs84
from ingest.records import MapObject, Relation
from ingest.relations.engine import relate_scale
from ingest.vectorise.objects import pixels_to_crs

Relater = Callable[[Sequence[MapObject], int], list[Relation]]
"""Relations among one tile's objects (WGS84) at one map scale (denominator)."""

NOMINAL_CRS = CRS.from_epsg(32631)
"""UTM zone 31N: the metric CRS of the nominal grid of images without georeference."""

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
    items: Sequence[tuple[str, str, BaseGeometry]], scale: int, crs: CRS, transform: Affine
) -> list[MapObject]:
    """``(key, class, pixel outline)`` items as WGS84 records of map scale ``scale``.

    ``transform`` maps the outlines' pixel coordinates to ``crs``.
    """
    return [
        MapObject(
            key=key,
            cls=cls,
            scale=scale,
            geometry=geometry_to_wgs84(pixels_to_crs(outline, transform), crs),
        )
        for key, cls, outline in items
    ]
