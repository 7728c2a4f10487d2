"""The raster store: every ingested image kept as a Cloud Optimized GeoTIFF, by content.

``RasterStore.put`` copies an image (validated by ``ingest.raster.open_raster``) into the store
as a lossless COG named by the SHA-256 of the source file and describes it (``RasterRecord``:
URI, WGS84 footprint, CRS, GSD) for the registry in the graph, so tiles can be served from it
and a job can be re-processed on any host that reaches the store.
"""

from ingest.rasterstore.cog import validate_cog, write_cog
from ingest.rasterstore.store import RasterStore
from intake.digest import sha256_file

__all__ = [
    "RasterStore",
    "sha256_file",
    "validate_cog",
    "write_cog",
]
