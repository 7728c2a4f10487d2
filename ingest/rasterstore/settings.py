"""Where the raster store lives: ``ORTHOGRAPH_RASTER_STORE``, else ``ORTHOGRAPH_HOME/rasters``.

A production deployment points every host at one shared store (``s3://bucket/rasters``, any
fsspec URL that GDAL can also read); a laptop keeps it in the local state folder.
"""

from __future__ import annotations

from config.connections import Connections


class RasterStoreSettings(Connections):
    """The shared settings plus ``raster_store`` (env ``ORTHOGRAPH_RASTER_STORE``)."""

    raster_store: str | None = None


def default_store_uri(settings: RasterStoreSettings | None = None) -> str:
    """The configured store URI, or the ``rasters`` folder of the home folder."""
    chosen = settings or RasterStoreSettings()
    return chosen.raster_store or str(chosen.home / "rasters")
