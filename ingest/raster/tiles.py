"""Overlapping tile windows over one scale level, the unit of work of the model fan-out.

Tiles are ``tile_size`` pixels square (at the level's GSD) and neighbours share ``overlap``
pixels, so an object cut by one tile's border is seen whole, or at least in part twice, and
``ingest.vectorise`` can merge its pieces without seams. Along each axis the offsets are
``0, s, 2s, ...`` with stride ``s = tile_size - overlap``, and the last tile is pushed back to
end exactly at the level's edge: every tile is full size (the model sees one input shape) and
the last overlap may be larger than ``overlap``. A level smaller than a tile gets one tile of
the level's size. The layout is deterministic, so a worker can rebuild the same tiles from the
raster path, the scale and the two numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from affine import Affine
from rasterio.windows import Window

from ingest.errors import InvalidTiling
from ingest.raster.pixels import RasterPixels
from ingest.raster.pyramid import ScaleLevel

DEFAULT_TILE_SIZE = 512
DEFAULT_OVERLAP = 64


@dataclass(frozen=True, slots=True)
class TileWindow:
    """One tile of a level.

    ``row``/``col`` index the tile in the layout; ``window`` is its place in the level's pixels
    (integers); ``source_window`` the same area in the source raster's pixels (fractional when
    the level is resampled); ``transform`` maps (col, row) of the tile to ``level.raster.crs``.
    """

    level: ScaleLevel
    row: int
    col: int
    window: Window
    source_window: Window
    transform: Affine

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) of the tile in level pixels: the shape of its masks."""
        return int(self.window.height), int(self.window.width)

    def read(self) -> RasterPixels:
        """The tile's 8-bit RGB pixels (3, H, W) and validity (H, W), read windowed."""
        return self.level.read(self.window)


def axis_offsets(length: int, tile_size: int, overlap: int) -> list[int]:
    """Start offsets of tiles along an axis of ``length`` pixels (see the module docstring)."""
    if length <= tile_size:
        return [0]
    stride = tile_size - overlap
    return [*range(0, length - tile_size, stride), length - tile_size]


def tile_at(level: ScaleLevel, window: Window, row: int = 0, col: int = 0) -> TileWindow:
    """The tile of ``level`` at ``window`` (level pixels), e.g. rebuilt from a task argument.

    ``row``/``col`` are the tile's index in its layout, for logs and ordering only.
    """
    to_source_x = level.raster.width / level.width
    to_source_y = level.raster.height / level.height
    return TileWindow(
        level=level,
        row=row,
        col=col,
        window=window,
        source_window=Window(
            window.col_off * to_source_x,
            window.row_off * to_source_y,
            window.width * to_source_x,
            window.height * to_source_y,
        ),
        transform=level.transform @ Affine.translation(window.col_off, window.row_off),
    )


def tile_windows(
    level: ScaleLevel, tile_size: int = DEFAULT_TILE_SIZE, overlap: int = DEFAULT_OVERLAP
) -> list[TileWindow]:
    """The overlapping tiles covering ``level``, row by row from the top left.

    ``tile_size`` and ``overlap`` are in level pixels; ``0 <= overlap < tile_size``. An overlap
    of zero gives edge-to-edge tiles (merging then joins pieces that touch along the seam).
    """
    if tile_size < 1 or not 0 <= overlap < tile_size:
        raise InvalidTiling(
            f"tile size {tile_size} px with overlap {overlap} px: need a tile size of at least "
            "1 px and 0 <= overlap < tile size."
        )
    width, height = min(tile_size, level.width), min(tile_size, level.height)
    return [
        tile_at(level, Window(col_off, row_off, width, height), row=i, col=j)
        for i, row_off in enumerate(axis_offsets(level.height, tile_size, overlap))
        for j, col_off in enumerate(axis_offsets(level.width, tile_size, overlap))
    ]
