"""``orthograph dataset``: build, import and validate scene-graph datasets (docs/datasets.md).

- ``build``: georeferenced imagery + a vector map (any CRS, any reader of ``ingest.vector``);
- ``import-masks``: image/colour-mask pairs without georeference (``--source dubai-6class``);
- ``validate``: check a dataset directory and print its size per split.

Heavy packages (rasterio, geopandas, scipy) are imported inside the commands, so ``orthograph
--help`` stays fast. Domain errors become one line on stderr and an exit code from
``cli.errors``; no traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import cli_errors

domain_errors = cli_errors
"""The name ``cli/train.py`` imports ``cli.errors.cli_errors`` by."""

app = typer.Typer(help="Build, import and validate scene-graph datasets.", no_args_is_help=True)

TileSize = Annotated[int, typer.Option(help="Tile side in pixels at each scale's GSD.")]
Overlap = Annotated[int, typer.Option(help="Pixels shared by neighbouring tiles.")]
MinPixels = Annotated[
    int, typer.Option(help="Drop objects covering fewer pixels of a tile than this.")
]
Areas = Annotated[
    list[str] | None, typer.Option(help="Areas for this split (repeat or comma-separate).")
]
Relations = Annotated[
    bool, typer.Option("--relations/--no-relations", help="Derive triplets with the rule engine.")
]


def area_list(values: Sequence[str] | None) -> tuple[str, ...]:
    """Area names from repeated and/or comma-separated options, blanks dropped."""
    return tuple(a.strip() for v in values or () for a in v.split(",") if a.strip())


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _print_summary(data: Path) -> None:
    from model.datasets.validate import validate_dataset

    summary = validate_dataset(data)
    typer.echo(f"{data}: valid, {len(summary.manifest.tiles)} tiles")
    for split in ("train", "val", "test"):
        areas = ", ".join(summary.manifest.splits.get(split, ())) or "-"
        typer.echo(
            f"  {split:5} {summary.tiles.get(split, 0):5} tiles "
            f"{summary.objects.get(split, 0):7} objects {summary.triplets.get(split, 0):8} "
            f"triplets  areas: {areas}"
        )


def _imagery_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.tif")) if path.is_dir() else [path])
    return files


@app.command()
def build(
    imagery: Annotated[
        list[Path], typer.Option(help="GeoTIFF (or folder of .tif); repeat for several.")
    ],
    labels: Annotated[Path, typer.Option(help="Vector labels: GeoPackage, GeoJSON, OSM, ...")],
    out: Annotated[Path, typer.Option(help="New (or empty) dataset directory.")],
    mapping: Annotated[
        Path | None, typer.Option(help="YAML class mapping for a non-OSM layer.")
    ] = None,
    layer: Annotated[str | None, typer.Option(help="Layer of a multi-layer file.")] = None,
    scale: Annotated[
        list[int] | None, typer.Option(help="Only these scales (repeat); default all served.")
    ] = None,
    tile_size: TileSize = 512,
    overlap: Overlap = 0,
    min_pixels: MinPixels = 32,
    val_areas: Areas = None,
    test_areas: Areas = None,
    relations: Relations = True,
) -> None:
    """Cut georeferenced imagery into labelled tiles from a vector map, per map scale."""
    with cli_errors("dataset build"):
        from model.datasets.georeferenced import build_georeferenced
        from model.datasets.relate import no_relations, rule_relations
        from model.datasets.writer import TileOptions

        relater = rule_relations if relations else no_relations
        build_georeferenced(
            _imagery_files(imagery),
            labels,
            out,
            mapping=mapping,
            layer=layer,
            scales=scale or None,
            options=TileOptions(tile_size, overlap, min_pixels),
            val_areas=area_list(val_areas),
            test_areas=area_list(test_areas),
            relater=relater,
            progress=_say,
        )
        _print_summary(out)


@app.command("import-masks")
def import_masks(
    source_dir: Annotated[Path, typer.Argument(help="Folder of <area>/images + <area>/masks.")],
    out: Annotated[Path, typer.Option(help="New (or empty) dataset directory.")],
    source: Annotated[str, typer.Option(help="Colour table of the masks.")] = "dubai-6class",
    scale: Annotated[int, typer.Option(help="Map scale of every tile (denominator).")] = 2000,
    gsd: Annotated[float, typer.Option(help="Assumed GSD, metres per pixel.")] = 0.5,
    tile_size: TileSize = 512,
    overlap: Overlap = 0,
    min_pixels: MinPixels = 32,
    val_areas: Areas = None,
    test_areas: Areas = None,
    relations: Relations = True,
) -> None:
    """Import image/colour-mask pairs (no georeference), one object per class component."""
    with cli_errors("dataset import-masks"):
        from model.datasets.colours import COLOUR_TABLES
        from model.datasets.masks_import import import_masks as run_import
        from model.datasets.relate import no_relations, rule_relations
        from model.datasets.writer import TileOptions
        from model.errors import DatasetSourceError

        table = COLOUR_TABLES.get(source)
        if table is None:
            raise DatasetSourceError(
                f"unknown mask source {source!r}; known: {', '.join(sorted(COLOUR_TABLES))}."
            )
        relater = rule_relations if relations else no_relations
        run_import(
            source_dir,
            table,
            out,
            scale=scale,
            gsd_m=gsd,
            options=TileOptions(tile_size, overlap, min_pixels),
            val_areas=area_list(val_areas) if val_areas is not None else table.val_areas,
            test_areas=area_list(test_areas) if test_areas is not None else table.test_areas,
            relater=relater,
            progress=_say,
        )
        _print_summary(out)


@app.command()
def validate(
    data: Annotated[Path, typer.Argument(help="Dataset directory (holds manifest.json).")],
) -> None:
    """Check a dataset directory against its format; list every problem found."""
    with cli_errors("dataset validate"):
        _print_summary(data)
