"""Vectorising segmenter output: tile masks -> polygons -> merged, generalised WGS84 objects.

The flow per scale level: a segmenter gives ``TileMask``s per ``TileWindow``;
``vectorise_tile`` turns them into pixel-exact ``TilePolygon``s in the raster CRS (one worker
task per tile); ``merge_to_objects`` fuses the pieces of objects cut by tile borders, simplifies
them for the scale, drops slivers and returns ``MapObject``s in WGS84 with stable keys.
"""

from ingest.vectorise.masks import TileMask
from ingest.vectorise.merge import MergedPolygon, merge_pieces
from ingest.vectorise.objects import merge_to_objects, object_key
from ingest.vectorise.polygons import TilePolygon, vectorise_tile

__all__ = [
    "MergedPolygon",
    "TileMask",
    "TilePolygon",
    "merge_pieces",
    "merge_to_objects",
    "object_key",
    "vectorise_tile",
]
