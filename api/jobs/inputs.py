"""What a job submission carries: the input types and their checked, kind-specific options.

Option names and meanings are the workers' (``graphdb.jobs.JobSpec.options``, the same as
``orthograph jobs submit``): ``scales``, ``tile_size``, ``overlap``, ``bands`` for imagery;
``scales``, ``layer``, ``mapping`` for vector maps; ``replace`` for both (dropped when false,
so a plain submission keeps its job id). Names, dates and options are checked by
``intake.checks``, the rules the CLI and the workers apply too (``InvalidParameter``, which
``api.errors`` maps to ``BAD_USER_INPUT``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import strawberry
from strawberry.file_uploads import Upload

from api.jobs.sources import checked_path
from graphdb.jobs import Option
from intake.checks import check_job_fields

PATH_HELP = "A file under the server's data root (relative to it, or absolute)."
UPLOAD_HELP = "The file itself (multipart request), instead of a path."
REPLACE_HELP = (
    "Write a new version of an existing state: the current one stays readable until the job "
    "commits, then is kept as history (see `stateVersions`)."
)


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
    replace: bool = strawberry.field(default=False, description=REPLACE_HELP)


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
    replace: bool = strawberry.field(default=False, description=REPLACE_HELP)


def imagery_options(given: ImageryJobInput) -> dict[str, Option]:
    """The checked options of an imagery job (its state, area and date are checked too)."""
    options: dict[str, Option] = {
        "scales": given.scales,
        "tile_size": given.tile_size,
        "overlap": given.overlap,
        "bands": given.bands,
    }
    return _checked(given, options)


def vector_options(given: VectorJobInput, data_root: Path) -> dict[str, Option]:
    """The checked options of a vector job (its state, area and date are checked too; a
    mapping file must lie under ``data_root``)."""
    mapping = str(checked_path(given.mapping, data_root)) if given.mapping is not None else None
    return _checked(given, {"scales": given.scales, "layer": given.layer, "mapping": mapping})


def _checked(
    given: ImageryJobInput | VectorJobInput, options: dict[str, Option]
) -> dict[str, Option]:
    """``options`` and ``replace`` (dropped when false) checked with the job's state, area and
    date."""
    return check_job_fields(
        state=given.state,
        area=given.area,
        as_of=given.as_of,
        options=options | {"replace": True if given.replace else None},
    )
