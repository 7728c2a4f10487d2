"""Build a dataset from image/mask pairs without georeference (the Dubai 6-class layout).

Layout read: ``SOURCE/<area>/images/<name>.jpg|png`` with ``SOURCE/<area>/masks/<name>.png``
beside it; each sub-directory holding both folders is one area (Dubai's ``tile-N``), which is
the unit of the split. Per image: cut into tiles (the same layout as ``ingest.raster``: full-size
tiles, the last one pushed back to the edge), colour mask -> class codes
(``model.datasets.colours``), each 4-connected component of a class with at least
``min_pixels`` pixels in the tile is one object, components are traced to outlines and related
by the relation step on a nominal metric grid of ``gsd_m`` metres per pixel
(``model.datasets.relate``).

All tiles are at one map scale, ``scale``: without georeference the GSD is assumed, so coarser
scales would be invented rather than derived. Every class of the table must be drawn at it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from affine import Affine

from ingest.ontology import get_class, get_scale
from ingest.raster.tiles import axis_offsets
from model.datasets.colours import ColourTable, class_codes, components, read_rgb
from model.datasets.labels import LabelledMask, TileLabels, pack_labels
from model.datasets.manifest import Manifest, SourceEntry, TileEntry
from model.datasets.relate import (
    NOMINAL_CRS,
    NOMINAL_GSD_M,
    Relater,
    TileGrid,
    nominal_grid,
    relate_masks,
    rule_relations,
)
from model.datasets.splits import assign_splits
from model.datasets.tilefiles import tile_paths
from model.datasets.writer import (
    DatasetWriter,
    TileOptions,
    file_sha256,
    require_new_output,
    safe_id,
)
from model.errors import DatasetSourceError

Progress = Callable[[str], None]

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif")


@dataclass(frozen=True, slots=True)
class MaskPair:
    """One image and its colour mask, in area ``area``."""

    area: str
    image: Path
    mask: Path

    @property
    def id(self) -> str:
        """Source id: area and image name (``tile-1-image_part_001``)."""
        return safe_id(f"{self.area}-{self.image.stem}")


def find_pairs(source: Path) -> list[MaskPair]:
    """Every image/mask pair under ``source`` (see the module docstring), sorted.

    Raises :class:`DatasetSourceError` when there is no area, or an image has no mask.
    """
    if not source.is_dir():
        raise DatasetSourceError(f"{source}: not a directory of <area>/images and <area>/masks.")
    pairs = []
    for area in sorted(p for p in source.iterdir() if (p / "images").is_dir()):
        masks = area / "masks"
        for image in sorted(
            p for p in (area / "images").iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
        ):
            mask = masks / f"{image.stem}.png"
            if not mask.is_file():
                raise DatasetSourceError(
                    f"{image} has no mask {mask}; every image needs a PNG mask of the same name."
                )
            pairs.append(MaskPair(area.name, image, mask))
    if not pairs:
        raise DatasetSourceError(
            f"{source} holds no <area>/images/<name>.jpg with <area>/masks/<name>.png; point "
            "--source-dir at the directory that contains the area folders."
        )
    return pairs


def _check_scale(table: ColourTable, scale: int) -> None:
    get_scale(scale)
    missing = [c for c in table.classes if scale not in get_class(c).scales]
    if missing:
        raise DatasetSourceError(
            f"classes {', '.join(missing)} of {table.name!r} are not drawn at 1:{scale}; choose a "
            "scale where every class of the masks is drawn (1:2000 for dubai-6class)."
        )


@dataclass(frozen=True, slots=True)
class _Import:
    """The settings of one import and the steps applied to each pair with them."""

    table: ColourTable
    scale: int
    gsd_m: float
    options: TileOptions
    relater: Relater

    def provenance(self, pair: MaskPair, shape: tuple[int, int]) -> dict[str, object]:
        """Where a pair's pixels and classes came from."""
        return {
            "dataset": self.table.name,
            "citation": self.table.citation,
            "image": str(pair.image.resolve()),
            "image_sha256": file_sha256(pair.image),
            "mask": str(pair.mask.resolve()),
            "mask_sha256": file_sha256(pair.mask),
            "colours": self.table.as_json(),
            "nominal_gsd_m": self.gsd_m,
            "size": [shape[1], shape[0]],
        }

    def labels(
        self, entry: TileEntry, found: Sequence[tuple[str, np.ndarray]], transform: Affine
    ) -> TileLabels:
        """Objects and triplets of one tile from its components; ``transform`` maps tile
        pixels to the nominal CRS."""
        keys = [f"{entry.id}/{cls}/{n}" for n, (cls, _) in enumerate(found)]
        masks = [LabelledMask(k, cls, mask) for k, (cls, mask) in zip(keys, found, strict=True)]
        related = relate_masks(
            keys,
            [cls for cls, _ in found],
            [mask for _, mask in found],
            TileGrid(self.scale, NOMINAL_CRS, transform),
            relater=self.relater,
        )
        return pack_labels(entry.shape, masks, related)

    def write_pair(self, writer: DatasetWriter, pair: MaskPair) -> None:
        """Read one pair, record it as a source and write its tiles."""
        image = read_rgb(pair.image)
        codes = class_codes(read_rgb(pair.mask), self.table, str(pair.mask))
        if codes.shape != image.shape[1:]:
            raise DatasetSourceError(
                f"{pair.image} is {image.shape[1:]} px but its mask {pair.mask} is "
                f"{codes.shape}; a mask must cover its image pixel for pixel."
            )
        writer.add_source(
            SourceEntry(pair.id, pair.area, "colour-masks", self.provenance(pair, codes.shape))
        )
        rows, cols = codes.shape
        size, overlap = self.options.tile_size, self.options.overlap
        height, width = min(size, rows), min(size, cols)
        _, grid = nominal_grid(self.gsd_m)
        for i, row in enumerate(axis_offsets(rows, size, overlap)):
            for j, col in enumerate(axis_offsets(cols, size, overlap)):
                tile_id = f"{pair.id}-{self.scale}-r{i:03d}c{j:03d}"
                entry = TileEntry(
                    id=tile_id, source=pair.id, area=pair.area, scale=self.scale, gsd_m=None,
                    shape=(height, width), window=(col, row, width, height), crs=None,
                    transform=None, **tile_paths(tile_id, georeferenced=False),
                )  # fmt: skip
                window = (slice(row, row + height), slice(col, col + width))
                found = components(codes[window], self.table, self.options.min_pixels)
                labels = self.labels(entry, found, grid @ Affine.translation(col, row))
                writer.add_tile(entry, image[(slice(None), *window)], labels)


def import_masks(
    source: Path,
    table: ColourTable,
    out: Path,
    *,
    scale: int = 2000,
    gsd_m: float = NOMINAL_GSD_M,
    options: TileOptions | None = None,
    val_areas: Sequence[str] = (),
    test_areas: Sequence[str] = (),
    relater: Relater = rule_relations,
    progress: Progress | None = None,
) -> Manifest:
    """Build a dataset at ``out`` from the image/mask pairs under ``source``.

    ``gsd_m`` is the assumed ground sample distance (metres) of the nominal grid the relation
    rules measure on; ``val_areas``/``test_areas`` name area folders held out of training.
    """
    say = progress or (lambda _message: None)
    require_new_output(out)
    options = options or TileOptions()
    _check_scale(table, scale)
    pairs = find_pairs(source)
    splits = assign_splits([p.area for p in pairs], val_areas, test_areas)
    run = _Import(table, scale, gsd_m, options, relater)
    writer = DatasetWriter(
        out,
        {
            "mode": "colour-masks",
            "relations": relater.__name__,
            "scales": [scale],
            "nominal_gsd_m": gsd_m,
            "colour_table": table.name,
            **options.as_json(),
        },
    )
    for n, pair in enumerate(pairs, start=1):
        run.write_pair(writer, pair)
        say(f"{pair.id} ({n}/{len(pairs)})")
    return writer.finish(splits)
