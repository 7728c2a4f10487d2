"""Per-tile vectorising: object masks -> pixel-exact polygons in the image CRS.

``rasterio.features.shapes`` traces the pixel edges of each mask (4-connectivity, holes kept),
so every vertex lies on the level's pixel grid. Nothing is simplified or dropped here: a piece
cut by the tile border may be a sliver of a large object, and only the merge across tiles
(``ingest.vectorise.merge``) can tell; simplification happens once, on the merged object.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from affine import Affine
from rasterio.features import shapes
from shapely.geometry import MultiPolygon, Polygon, shape

from ingest.errors import InvalidTileMask
from ingest.raster.tiles import TileWindow
from ingest.vectorise.masks import TileMask

PixelWindow = tuple[int, int, int, int]
"""(col_off, row_off, width, height) of a tile in its level's pixels."""


@dataclass(frozen=True, slots=True)
class TilePolygon:
    """One object instance of one tile as a polygon, ready to cross a process boundary.

    ``geometry`` is a Polygon or MultiPolygon in the raster's CRS with every vertex on the
    level's pixel grid; ``scale`` is the level's denominator and ``window`` the tile's place in
    the level's pixels, which the merge needs to know which tiles overlap.
    """

    class_id: str
    score: float
    scale: int
    geometry: Polygon | MultiPolygon
    window: PixelWindow


def vectorise_tile(tile: TileWindow, masks: Sequence[TileMask]) -> list[TilePolygon]:
    """Polygons (raster CRS) of the non-empty ``masks`` of ``tile``, one per mask.

    A mask whose pixels form several 4-connected blobs gives a MultiPolygon. Raises
    ``InvalidTileMask`` when a mask's shape is not the tile's (H, W).
    """
    window = tile.window
    pixel_window = (int(window.col_off), int(window.row_off), int(window.width), int(window.height))
    result = []
    for item in masks:
        if item.mask.shape != tile.shape:
            raise InvalidTileMask(
                f"a {item.class_id} mask of shape {item.mask.shape} for tile ({tile.row}, "
                f"{tile.col}) of shape {tile.shape}; masks must be on the tile's grid."
            )
        rows = np.flatnonzero(item.mask.any(axis=1))
        if rows.size == 0:
            continue
        cols = np.flatnonzero(item.mask.any(axis=0))
        # trace only the mask's bounding box: a tile holds hundreds of small masks
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        crop = item.mask[r0:r1, c0:c1]
        parts = [
            shape(geometry)
            for geometry, _ in shapes(
                crop.astype(np.uint8),
                mask=crop,
                connectivity=4,
                transform=tile.transform * Affine.translation(int(c0), int(r0)),
            )
        ]
        geometry = parts[0] if len(parts) == 1 else MultiPolygon(parts)
        result.append(
            TilePolygon(
                class_id=item.class_id,
                score=item.score,
                scale=tile.level.scale,
                geometry=geometry,
                window=pixel_window,
            )
        )
    return result
