"""What a job submission carries: the input types and their checked, kind-specific options.

Option names and meanings are the workers' (``graphdb.jobs.JobSpec.options``, the same as
``orthograph jobs submit``): ``scales``, ``tile_size``, ``overlap``, ``bands`` for imagery;
``scales``, ``layer``, ``mapping`` for vector maps.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import strawberry
from strawberry.file_uploads import Upload

from api.errors import InvalidInput
from api.jobs.sources import checked_path
from graphdb.jobs import Option
from ingest.ontology import get_scale

PATH_HELP = "A file under the server's data root (relative to it, or absolute)."
UPLOAD_HELP = "The file itself (multipart request), instead of a path."
MAX_TILE_PX = 8_192


@strawberry.input(description="An imagery ingest: a GeoTIFF/COG by path or upload.")
class ImageryJobInput:
    state: str = strawberry.field(description="Name of the new map state.")
    area: str = strawberry.field(description="Area the state maps (created on first use).")
    as_of: date = strawberry.field(description="Acquisition date of the imagery.")
    path: str | None = strawberry.field(default=None, description=PATH_HELP)
    upload: Upload | None = strawberry.field(default=None, description=UPLOAD_HELP)
    scales: list[int] | None = strawberry.field(
        default=None, description="Scales to produce (denominators); default: all that apply."
    )
    tile_size: int | None = strawberry.field(default=None, description="Tile size, pixels.")
    overlap: int | None = strawberry.field(default=None, description="Tile overlap, pixels.")
    bands: list[int] | None = strawberry.field(
        default=None, description="Bands to read as R,G,B (or one band), 1-based."
    )


@strawberry.input(description="A vector ingest: OSM PBF/XML, GeoPackage, GeoJSON, shapefile.")
class VectorJobInput:
    state: str = strawberry.field(description="Name of the new map state.")
    area: str = strawberry.field(description="Area the state maps (created on first use).")
    as_of: date = strawberry.field(description="Date the map data is valid for.")
    path: str | None = strawberry.field(default=None, description=PATH_HELP)
    upload: Upload | None = strawberry.field(default=None, description=UPLOAD_HELP)
    scales: list[int] | None = strawberry.field(
        default=None, description="Scales to produce (denominators); default: the whole ladder."
    )
    layer: str | None = strawberry.field(default=None, description="Layer of a multi-layer file.")
    mapping: str | None = strawberry.field(
        default=None,
        description="Class-mapping YAML for non-OSM layers: a file under the data root.",
    )


def imagery_options(given: ImageryJobInput) -> dict[str, Option]:
    """The checked options of an imagery job."""
    if given.tile_size is not None and not 64 <= given.tile_size <= MAX_TILE_PX:
        raise InvalidInput(f"tileSize must be 64..{MAX_TILE_PX} pixels")
    if given.overlap is not None and not 0 <= given.overlap < (given.tile_size or MAX_TILE_PX):
        raise InvalidInput("overlap must be at least 0 and below the tile size")
    if given.bands is not None and (len(given.bands) not in (1, 3) or min(given.bands) < 1):
        raise InvalidInput("bands must be one band or three (R,G,B), numbered from 1")
    return {
        "scales": _scales(given.scales),
        "tile_size": given.tile_size,
        "overlap": given.overlap,
        "bands": given.bands,
    }


def vector_options(given: VectorJobInput, data_root: Path) -> dict[str, Option]:
    """The checked options of a vector job (a mapping file must lie under ``data_root``)."""
    mapping = str(checked_path(given.mapping, data_root)) if given.mapping is not None else None
    return {"scales": _scales(given.scales), "layer": given.layer, "mapping": mapping}


def _scales(scales: list[int] | None) -> list[int] | None:
    if scales is None:
        return None
    if not scales:
        raise InvalidInput("scales, when given, must name at least one scale")
    for scale in scales:
        try:
            get_scale(scale)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
    return sorted(set(scales))
