"""Reading and rendering tiles of one stored COG with rio-tiler.

A raster is drawn from its first three bands as RGB (one band as grey). Data other than 8-bit
are stretched linearly between the 2nd and 98th percentile of each band, measured once per
raster on a decimated read (at most ``STATS_MAX_SIZE`` pixels a side) and kept by
:class:`TileCatalog`; the COG's mask or nodata becomes the PNG's alpha. The API's ``/tiles``
serve these tiles, and the static picture (``cartography.picture``) draws a state's imagery
with the same bands and stretch (:func:`describe`).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from rio_tiler.errors import TileOutsideBounds
from rio_tiler.io import Reader

from ingest.records import RasterRecord

STATS_MAX_SIZE = 512
"""Longest side, pixels, of the decimated read that measures a raster's stretch."""

CATALOG_SIZE = 256
"""Rasters whose tile settings one process keeps."""

Range = tuple[float, float]


@dataclass(frozen=True, slots=True)
class TileSource:
    """How to draw one raster: its COG, bands, stretch and zoom range.

    ``bounds`` is the WGS84 bbox (west, south, east, north) of its footprint; ``in_range`` the
    stretch per band, None for 8-bit data drawn as it is.
    """

    sha256: str
    uri: str
    name: str
    bounds: tuple[float, float, float, float]
    gsd_m: float
    indexes: tuple[int, ...]
    in_range: tuple[Range, ...] | None
    minzoom: int
    maxzoom: int


def describe(record: RasterRecord) -> TileSource:
    """Open the COG once: zoom range and, for non-8-bit data, the band stretch."""
    indexes = (1, 2, 3) if record.count >= 3 else (1,)
    with Reader(record.uri) as src:
        in_range: tuple[Range, ...] | None = None
        if record.dtype != "uint8":
            stats = src.statistics(indexes=indexes, percentiles=[2, 98], max_size=STATS_MAX_SIZE)
            in_range = tuple(_stretch(b.percentile_2, b.percentile_98) for b in stats.values())
        minzoom, maxzoom = src.minzoom, src.maxzoom
    west, south, east, north = record.footprint.bounds
    return TileSource(
        sha256=record.sha256,
        uri=record.uri,
        name=record.source_name,
        bounds=(west, south, east, north),
        gsd_m=record.gsd_m,
        indexes=indexes,
        in_range=in_range,
        minzoom=minzoom,
        maxzoom=maxzoom,
    )


def _stretch(low: float, high: float) -> Range:
    return (float(low), float(high) if high > low else float(low) + 1.0)


def render_tile(source: TileSource, z: int, x: int, y: int) -> bytes | None:
    """The PNG of tile ``z/x/y`` (Web Mercator), or None when it does not meet the raster."""
    with Reader(source.uri) as src:
        if not src.tile_exists(x, y, z):
            return None
        try:
            image = src.tile(x, y, z, indexes=source.indexes)
        except TileOutsideBounds:
            return None
    if source.in_range is not None:
        image = image.rescale(in_range=source.in_range)
    return image.render(img_format="PNG")


class TileCatalog:
    """Tile settings of recently drawn rasters, by source hash (stored rasters never change)."""

    def __init__(self, size: int = CATALOG_SIZE) -> None:
        self._size = size
        self._sources: OrderedDict[str, TileSource] = OrderedDict()
        self._lock = Lock()

    def get(self, sha256: str) -> TileSource | None:
        with self._lock:
            found = self._sources.get(sha256)
            if found is not None:
                self._sources.move_to_end(sha256)
            return found

    def put(self, source: TileSource) -> None:
        with self._lock:
            self._sources[source.sha256] = source
            self._sources.move_to_end(source.sha256)
            while len(self._sources) > self._size:
                self._sources.popitem(last=False)
