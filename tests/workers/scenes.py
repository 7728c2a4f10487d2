"""Small synthetic orthophotos with a real CRS, built in code, and the segmenter that reads them.

A scene is a 512 x 512 px RGB GeoTIFF at 0.5 m in UTM 32N (EPSG:32632) just south of Vaduz:
buildings are light grey rectangles, the pond is blue, the rest is a dull green. At that size
and GSD the image serves 1:2000 (native) and 1:10000 (resampled to 1 m).
:class:`ColourSegmenter` finds the buildings and the pond by colour, so what a job should find is
known exactly, and two scenes that differ by a building give a known change.

To disturb a worker at a known point, the segmenter can *hold* one tile (``HELD_ORIGIN``): with
``ORTHOGRAPH_TEST_HOLD`` naming a folder that contains a file ``hold``, the process that gets
that tile writes ``held-<pid>`` into the folder and waits until ``hold`` is deleted, deaf to
the soft time limit. A test kills that pid (or its whole worker) mid-task, then releases the
hold for the redelivery; or leaves it held until the hard time limit kills it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from celery.exceptions import SoftTimeLimitExceeded
from scipy import ndimage

from ingest.imagery.segmenter import TileSegmentation, TileTriplet
from ingest.raster import RasterPixels
from ingest.vectorise import TileMask

SIZE = 512
GSD_M = 0.5
ORIGIN = (757_000.0, 5_223_000.0)
EPSG = 32632
BACKGROUND = (96, 128, 80)
BUILDING = (225, 225, 220)
WATER = (40, 70, 170)

Box = tuple[int, int, int, int]
"""(row, col, height, width) in pixels."""

BUILDINGS: dict[str, Box] = {
    "hall": (40, 40, 70, 90),
    "house-a": (60, 300, 30, 24),
    "house-b": (150, 300, 26, 30),
    "house-c": (240, 60, 24, 36),
    "house-d": (400, 420, 30, 30),
}
POND: Box = (300, 220, 110, 140)

HOLD_VARIABLE = "ORTHOGRAPH_TEST_HOLD"
HELD_SCALE = 2000
HELD_ORIGIN = (ORIGIN[0] + 56 * GSD_M, ORIGIN[1] - 56 * GSD_M)
"""Top left corner of the tile a hold stops at: tile (1, 1) at 1:2000 with 64 px tiles that
overlap by 8 px."""
HOLD_LIMIT_S = 600.0


def write_scene(
    path: Path, buildings: Sequence[str] = tuple(BUILDINGS), extra: Sequence[Box] = ()
) -> Path:
    """Write a scene with the named buildings (and ``extra`` boxes as buildings) to ``path``."""
    rgb = np.empty((3, SIZE, SIZE), dtype=np.uint8)
    rgb[:] = np.array(BACKGROUND, dtype=np.uint8)[:, None, None]
    _paint(rgb, POND, WATER)
    for box in [BUILDINGS[name] for name in buildings] + list(extra):
        _paint(rgb, box, BUILDING)
    profile = {
        "driver": "GTiff",
        "width": SIZE,
        "height": SIZE,
        "count": 3,
        "dtype": "uint8",
        "crs": f"EPSG:{EPSG}",
        "transform": Affine(GSD_M, 0, ORIGIN[0], 0, -GSD_M, ORIGIN[1]),
        "tiled": True,
        "blockxsize": 128,
        "blockysize": 128,
        "photometric": "RGB",
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(rgb)
    return path


def write_corrupt(path: Path, source: Path) -> Path:
    """``source`` cut in half: the header is intact, the last pixel blocks are gone."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _paint(rgb: np.ndarray, box: Box, colour: tuple[int, int, int]) -> None:
    row, col, height, width = box
    rgb[:, row : row + height, col : col + width] = np.array(colour, dtype=np.uint8)[:, None, None]


class ColourSegmenter:
    """Light grey -> building (1:2000) or residential_block (1:10000); blue -> water_body.

    Each 4-connected blob of a colour in a tile is one instance, as a real instance segmenter
    would report it; the colour tests allow for the blending of edges at 1:10000. Like a scene
    graph model it also relates what it sees: every pair of buildings in a tile is ``nearby``.
    ``hold`` is the hold folder (see the module docstring), if any.
    """

    name = "colour"
    random_init = False
    classes = ("building", "residential_block", "water_body")

    def __init__(self, hold: Path | None = None) -> None:
        self.hold = hold

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        return [self._segment_one(tile, scale) for tile in tiles]

    def _segment_one(self, pixels: RasterPixels, scale: int) -> TileSegmentation:
        if self.hold is not None and scale == HELD_SCALE and _origin(pixels) == HELD_ORIGIN:
            self._wait(self.hold)
        r, g, b = (pixels.rgb[i].astype(np.int16) for i in range(3))
        bright = (r > 170) & (g > 170) & (b > 170)
        blue = (b > 120) & (r < 90)
        built = "building" if scale == 2000 else "residential_block"
        masks: list[TileMask] = []
        for cls, mask in ((built, bright & pixels.valid), ("water_body", blue & pixels.valid)):
            labels, count = ndimage.label(mask)
            masks += [TileMask(cls, 0.9, labels == i) for i in range(1, count + 1)]
        houses = [i for i, m in enumerate(masks) if m.class_id == "building"]
        triplets = tuple(TileTriplet(a, "nearby", b, 0.6) for a in houses for b in houses if a < b)
        return TileSegmentation(masks=tuple(masks), triplets=triplets)

    @staticmethod
    def _wait(folder: Path) -> None:
        gate = folder / "hold"
        if not gate.exists():
            return
        (folder / f"held-{os.getpid()}").touch()
        deadline = time.monotonic() + HOLD_LIMIT_S
        while gate.exists() and time.monotonic() < deadline:
            try:
                time.sleep(0.1)
            except SoftTimeLimitExceeded:
                continue  # stuck like native code that the soft limit cannot interrupt


def _origin(pixels: RasterPixels) -> tuple[float, float]:
    """Map coordinates of the tile's top left corner, rounded to the centimetre."""
    return round(pixels.transform.c, 2), round(pixels.transform.f, 2)


def colour_segmenter(checkpoint: str | None = None) -> ColourSegmenter:
    """The factory workers load through ``ORTHOGRAPH_SEGMENTER`` (no checkpoint needed)."""
    hold = os.environ.get(HOLD_VARIABLE)
    return ColourSegmenter(Path(hold) if hold else None)
