"""Reading imagery: validation, GSD, the scale pyramid and overlapping tile windows.

``open_raster`` validates a GeoTIFF/COG and describes it (``RasterInfo``); ``build_pyramid``
gives one ``ScaleLevel`` per map scale the image serves; ``tile_windows`` cuts a level into
overlapping ``TileWindow``s whose ``read()`` returns 8-bit RGB pixels and a validity mask.
Every read is windowed: no step needs the whole raster in memory.
"""

from ingest.raster.gsd import ground_sample_distance
from ingest.raster.info import RasterInfo
from ingest.raster.pixels import RasterPixels, read_pixels
from ingest.raster.pyramid import ScaleLevel, build_pyramid, level_for
from ingest.raster.source import open_raster
from ingest.raster.stretch import Stretch
from ingest.raster.tiles import TileWindow, tile_at, tile_windows
from ingest.raster.wgs84 import footprint_wgs84

__all__ = [
    "RasterInfo",
    "RasterPixels",
    "ScaleLevel",
    "Stretch",
    "TileWindow",
    "build_pyramid",
    "footprint_wgs84",
    "ground_sample_distance",
    "level_for",
    "open_raster",
    "read_pixels",
    "tile_at",
    "tile_windows",
]
