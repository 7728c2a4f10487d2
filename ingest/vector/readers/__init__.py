"""Readers of vector map files: each yields bounded chunks of raw features in the source CRS.

``open_source`` picks the reader by the file's suffix: ``.osm.pbf`` (pyrosm), ``.osm`` XML
(GDAL's OSM driver through pyogrio), and anything GDAL reads as ordinary vector data through
pyogrio (GeoPackage, GeoJSON, Shapefile, FlatGeobuf).
"""

from ingest.vector.readers.chunk import RawChunk, SourceInfo, VectorFormat, detect_format
from ingest.vector.readers.open import open_source

__all__ = ["RawChunk", "SourceInfo", "VectorFormat", "detect_format", "open_source"]
