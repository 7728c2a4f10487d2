"""Merge the pieces of objects cut by tile borders into one polygon each, without seams.

Work happens on the level's **pixel grid**: every tile polygon is mapped back to level pixel
coordinates and snapped to integers (``rasterio.features.shapes`` only emits grid vertices, so
the snap moves nothing but floating-point noise). Unions of axis-parallel integer polygons are
exact in GEOS, so pieces of one object fuse without slivers or gaps, whatever the tiling.

Two pieces are the same object when they have the same class, come from different tiles and

- overlap by at least part of a pixel, where their tiles overlap: both tiles saw those pixels
  and both called them this class, so it is one object seen twice; or
- touch along an edge (not just a corner) on the seam between two tiles that do not overlap
  (``overlap=0`` tiling), where an object cut by the border has no shared pixels.

Pieces of one tile are never joined to each other: the segmenter already said they are
separate instances. Linked pieces are grouped transitively (union-find), so an object spanning
many tiles becomes one polygon, and an object wholly inside an overlap zone, seen by two to
four tiles, becomes one object, not duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from affine import Affine
from shapely.geometry.base import BaseGeometry

from ingest.errors import OffGridPolygon
from ingest.vectorise.polygons import PixelWindow, TilePolygon

GRID_TOLERANCE_PX = 1e-3
"""Largest distance (level pixels) of a tile polygon vertex from the grid that the snap accepts."""


@dataclass(frozen=True, slots=True)
class MergedPolygon:
    """One object after merging: its pieces' union in **level pixel coordinates**.

    ``geometry`` has integer vertices (x = column, y = row on the level grid); ``score`` is
    the area-weighted mean of the pieces' scores; ``pieces`` counts the tile polygons fused.
    """

    class_id: str
    score: float
    geometry: BaseGeometry
    pieces: int


def to_grid(geometry: BaseGeometry, transform: Affine) -> BaseGeometry:
    """``geometry`` (raster CRS) in level pixel coordinates of ``transform``, snapped to integers.

    Raises ``OffGridPolygon`` when a vertex is further than ``GRID_TOLERANCE_PX`` from the grid:
    the polygon was not vectorised on this level.
    """
    inverse = ~transform

    def to_pixels(coords: np.ndarray) -> np.ndarray:
        x, y = coords[:, 0], coords[:, 1]
        pixels = np.column_stack(
            [inverse.a * x + inverse.b * y + inverse.c, inverse.d * x + inverse.e * y + inverse.f]
        )
        snapped = np.rint(pixels)
        if np.abs(pixels - snapped).max(initial=0.0) > GRID_TOLERANCE_PX:
            raise OffGridPolygon(
                "a tile polygon has vertices off this level's pixel grid; merge the polygons "
                "of one scale level with that level (vectorise_tile output, unsimplified)."
            )
        return snapped

    snapped: BaseGeometry = shapely.transform(geometry, to_pixels)
    return snapped


def _windows_overlap(a: PixelWindow, b: PixelWindow) -> bool:
    """True when two tile windows share at least one pixel."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return width > 0 and height > 0


def _same_object(a: TilePolygon, b: TilePolygon, shared: BaseGeometry) -> bool:
    if a.class_id != b.class_id or a.window == b.window:
        return False
    if _windows_overlap(a.window, b.window):
        return bool(shared.area > 0)
    return bool(shared.length > 0)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def merge_pieces(
    polygons: Sequence[TilePolygon], transform: Affine, scale: int
) -> list[MergedPolygon]:
    """Merge the tile polygons of one level (``transform``, denominator ``scale``).

    Output order is deterministic: by the smallest input index of each object's pieces.
    Raises ``OffGridPolygon`` for a polygon of another scale or off this level's grid.
    """
    foreign = sorted({p.scale for p in polygons} - {scale})
    if foreign:
        raise OffGridPolygon(
            f"tile polygons of scale(s) {foreign} given to the merge of scale {scale}; merge "
            "each scale's polygons with its own level."
        )
    if not polygons:
        return []
    grid = [to_grid(p.geometry, transform) for p in polygons]
    parent = list(range(len(grid)))
    left, right = shapely.STRtree(grid).query(grid, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j and _same_object(polygons[i], polygons[j], grid[i].intersection(grid[j])):
            parent[_find(parent, j)] = _find(parent, i)
    groups: dict[int, list[int]] = {}
    for i in range(len(grid)):
        groups.setdefault(_find(parent, i), []).append(i)
    merged = []
    for members in sorted(groups.values(), key=min):
        areas = np.array([grid[i].area for i in members])
        scores = np.array([polygons[i].score for i in members])
        merged.append(
            MergedPolygon(
                class_id=polygons[members[0]].class_id,
                score=float((areas * scores).sum() / areas.sum()),
                geometry=shapely.union_all([grid[i] for i in members]),
                pieces=len(members),
            )
        )
    return merged
