"""Colour-coded class masks (PNG) -> ontology class codes, and their connected objects.

A colour table maps exact RGB colours to ontology class ids, or to None for colours that mean
"unlabelled" (ignored: no object, no class). A colour in no table entry is an error above a
small share of a mask's pixels, because a wrong table would otherwise drop whole classes
without a word. Masks may be RGB or palette PNGs; palettes are expanded through their colour
map, so both read the same.

Objects are the 4-connected components of each class (``scipy.ndimage.label`` with its default
cross-shaped structure), which is what ``ingest.vectorise`` traces too.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.enums import ColorInterp
from rasterio.errors import NotGeoreferencedWarning
from scipy import ndimage

from ingest.ontology import get_class
from model.errors import DatasetSourceError

Colour = tuple[int, int, int]

MAX_UNKNOWN_SHARE = 0.005
"""Largest share of a mask's pixels whose colour the table does not list (anti-aliasing dust)."""


@dataclass(frozen=True, slots=True)
class ColourTable:
    """Exact RGB colours -> ontology class id (None: unlabelled, ignored).

    ``classes`` fixes the class codes: code ``k + 1`` is ``classes[k]``, 0 is no class.
    ``val_areas`` and ``test_areas`` are the source's default held-out areas.
    """

    name: str
    colours: Mapping[Colour, str | None]
    citation: str = ""
    val_areas: tuple[str, ...] = ()
    test_areas: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for cls in self.colours.values():
            if cls is not None:
                get_class(cls)

    @property
    def classes(self) -> tuple[str, ...]:
        """The distinct class ids, in table order."""
        return tuple(dict.fromkeys(c for c in self.colours.values() if c is not None))

    def as_json(self) -> dict[str, str | None]:
        """``{"#RRGGBB": class or None}`` for provenance."""
        return {"#{:02X}{:02X}{:02X}".format(*rgb): cls for rgb, cls in self.colours.items()}


def _hex(text: str) -> Colour:
    value = int(text.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


DUBAI_6CLASS = ColourTable(
    name="dubai-6class",
    colours={
        _hex("#3C1098"): "building",
        _hex("#8429F6"): "bare_ground",
        _hex("#6EC1E4"): "road",
        _hex("#FEDD3A"): "vegetation",
        _hex("#E2A929"): "water_body",
        _hex("#9B9B9B"): None,
        _hex("#000000"): None,
    },
    citation="Semantic segmentation of aerial imagery (Humans in the Loop), MBRSC imagery "
    "of Dubai; colours as found in the files (data README), not the bundled class list.",
    val_areas=("tile-1",),
    test_areas=("tile-4",),
)
"""Dubai: ``tile-4`` (9 % of the pixels, building-rich, no unlabelled pixels) is held back for
testing and ``tile-1`` (5 %) for validation; the two largest areas (tile-7, tile-8) train."""

COLOUR_TABLES: Mapping[str, ColourTable] = {DUBAI_6CLASS.name: DUBAI_6CLASS}
"""Known mask sources by name (``orthograph dataset import-masks --source``)."""


def read_rgb(path: Path) -> np.ndarray:
    """A PNG/JPEG as (3, H, W) uint8 RGB; palette images expanded, extra bands (alpha) dropped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(path) as src:
            data = src.read()
            if src.count == 1 and src.colorinterp[0] == ColorInterp.palette:
                palette = np.zeros((256, 3), dtype=np.uint8)
                for index, rgba in src.colormap(1).items():
                    palette[index] = rgba[:3]
                rgb: np.ndarray = palette[data[0]].transpose(2, 0, 1)
                return rgb
    if data.shape[0] < 3 or data.dtype != np.uint8:
        raise DatasetSourceError(
            f"{path}: expected 8-bit RGB (or a palette image), got {data.shape[0]} band(s) of "
            f"{data.dtype}."
        )
    return data[:3]


def class_codes(rgb: np.ndarray, table: ColourTable, where: str) -> np.ndarray:
    """(H, W) uint8 class codes of a colour mask (0 = unlabelled; see :class:`ColourTable`)."""
    packed = (rgb[0].astype(np.uint32) << 16) | (rgb[1].astype(np.uint32) << 8) | rgb[2]
    codes = np.zeros(packed.shape, dtype=np.uint8)
    known = np.zeros(packed.shape, dtype=bool)
    classes = table.classes
    for (r, g, b), cls in table.colours.items():
        hit = packed == ((r << 16) | (g << 8) | b)
        known |= hit
        if cls is not None:
            codes[hit] = classes.index(cls) + 1
    unknown = ~known
    if unknown.mean() > MAX_UNKNOWN_SHARE:
        values, counts = np.unique(packed[unknown], return_counts=True)
        top = ", ".join(
            f"#{int(v):06X} ({int(n)} px)"
            for v, n in sorted(zip(values, counts, strict=True), key=lambda p: -p[1])[:5]
        )
        raise DatasetSourceError(
            f"{where}: {unknown.mean():.1%} of the pixels have colours the {table.name!r} table "
            f"does not list ({top}); check that the mask belongs to this source."
        )
    return codes


def components(
    codes: np.ndarray, table: ColourTable, min_pixels: int
) -> list[tuple[str, np.ndarray]]:
    """``(class id, mask)`` of every 4-connected component of each class with at least
    ``min_pixels`` pixels, by class in table order, then by first pixel in raster order."""
    found: list[tuple[str, np.ndarray]] = []
    for code, cls in enumerate(table.classes, start=1):
        labelled, count = ndimage.label(codes == code)
        if count == 0:
            continue
        sizes = np.bincount(labelled.ravel(), minlength=count + 1)
        for label in range(1, count + 1):
            if sizes[label] >= min_pixels:
                found.append((cls, labelled == label))
    return found
