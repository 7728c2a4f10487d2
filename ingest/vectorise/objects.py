"""From tile polygons of one scale level to stored ``MapObject`` records.

The last step of vectorising a level (the ``finish_state`` side of the pipeline): merge the
pieces across tile borders, generalise each object for the scale, reproject to WGS84 and give it
a deterministic key.

The key is a hash of the class, the scale, the level's pixel grid (CRS and geotransform) and the
generalised geometry **in level pixel coordinates**. Those coordinates are integers, so the
"rounding to a sensible precision" is exact (one analysis pixel) and has no boundary where
floating-point noise could flip a rounded digit; and because merging is tiling-independent, a
rerun, or a run with another tile size or overlap, yields identical keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import shapely
from affine import Affine
from shapely.affinity import affine_transform
from shapely.geometry.base import BaseGeometry

from ingest.ontology import get_scale
from ingest.raster.pyramid import ScaleLevel
from ingest.raster.wgs84 import geometry_to_wgs84
from ingest.records import MapObject
from ingest.vectorise.merge import merge_pieces
from ingest.vectorise.polygons import TilePolygon
from ingest.vectorise.simplify import generalise


def object_key(class_id: str, level: ScaleLevel, geometry_px: BaseGeometry) -> str:
    """Deterministic key of an object with integer-vertex ``geometry_px`` on ``level``'s grid."""
    crs = level.raster.crs
    grid = f"{level.raster.epsg or crs.to_wkt()}|" + ",".join(
        f"{value:.6f}" for value in tuple(level.transform)[:6]
    )
    wkt = shapely.to_wkt(shapely.normalize(geometry_px), rounding_precision=0, trim=True)
    digest = hashlib.sha256(f"{class_id}|{level.scale}|{grid}|{wkt}".encode()).hexdigest()
    return f"raster/{digest[:24]}"


def pixels_to_crs(geometry_px: BaseGeometry, transform: Affine) -> BaseGeometry:
    """``geometry_px`` (level pixel coordinates) in the raster CRS through ``transform``."""
    return affine_transform(
        geometry_px,
        [transform.a, transform.b, transform.d, transform.e, transform.c, transform.f],
    )


def merge_to_objects(
    polygons: Sequence[TilePolygon], level: ScaleLevel, *, source: str = "model"
) -> list[MapObject]:
    """Merged, generalised WGS84 objects of the tile ``polygons`` of ``level``.

    Objects below the scale's minimum area are dropped; ``confidence`` is the area-weighted
    mean score of an object's pieces; ``source_crs`` is the raster's EPSG code (None for a CRS
    without one). Objects are sorted by key, so the output is the same for any tiling.
    """
    scale = get_scale(level.scale)
    tolerance_px = scale.simplify_tolerance_m / level.gsd_m
    min_area_px = scale.min_area_m2 / level.gsd_m**2
    objects = []
    for merged in merge_pieces(polygons, level.transform, level.scale):
        geometry_px = generalise(merged.geometry, tolerance_px, min_area_px)
        if geometry_px is None:
            continue
        objects.append(
            MapObject(
                key=object_key(merged.class_id, level, geometry_px),
                cls=merged.class_id,
                scale=level.scale,
                geometry=geometry_to_wgs84(
                    pixels_to_crs(geometry_px, level.transform), level.raster.crs
                ),
                source_crs=level.raster.epsg,
                confidence=merged.score,
                source=source,
                provenance={"tile_pieces": str(merged.pieces)},
            )
        )
    return sorted(objects, key=lambda obj: obj.key)
