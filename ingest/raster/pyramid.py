"""The scale pyramid: one pixel grid per map scale an image serves, at that scale's analysis GSD.

A level does not hold pixels. It is the grid (transform, width, height) over the raster's extent
at the scale's analysis GSD (``Scale.analysis_gsd``), and reads windows of it on demand
(``ingest.raster.pixels``): a native level reads the file directly, a coarser one resamples
through a ``WarpedVRT``. The level's width and height are the raster's extent divided by the
analysis GSD, rounded, and its pixel size is then fitted so the grid covers the extent exactly
(no partial pixel at the right or bottom edge); the level's true GSD (``gsd_m``) therefore
differs from the scale's analysis GSD by less than one pixel over the whole image.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from affine import Affine
from rasterio.windows import Window

from ingest.errors import NoApplicableScale
from ingest.ontology import applicable_scales, get_scale
from ingest.raster.info import RasterInfo
from ingest.raster.pixels import RasterPixels, read_pixels


@dataclass(frozen=True, slots=True)
class ScaleLevel:
    """The pixel grid of one map scale over a raster.

    ``scale`` is the denominator; ``gsd_m`` the level's GSD in metres; ``factor`` the level's
    pixel size over the source's (1.0 for a native level, 2.0 when each level pixel averages
    2 x 2 source pixels); ``transform`` maps (col, row) of the level grid to ``raster.crs``.
    """

    scale: int
    gsd_m: float
    factor: float
    width: int
    height: int
    transform: Affine
    raster: RasterInfo

    @property
    def native(self) -> bool:
        """True when the level is the raster's own grid (read without resampling)."""
        return self.width == self.raster.width and self.height == self.raster.height

    def read(self, window: Window) -> RasterPixels:
        """8-bit RGB of ``window`` (offsets and sizes in this level's pixels)."""
        if self.native:
            return read_pixels(self.raster, window)
        return read_pixels(self.raster, window, grid=(self.transform, self.width, self.height))


def level_for(info: RasterInfo, scale: int) -> ScaleLevel:
    """The level of map scale ``scale`` (denominator) over ``info``.

    Raises ``NoApplicableScale`` when the raster is too coarse or too small for it.
    """
    applicable = applicable_scales(info.gsd_m, info.width, info.height)
    target = get_scale(scale).analysis_gsd(info.gsd_m)
    if target is None or scale not in applicable:
        raise NoApplicableScale(
            f"{info.path!r} ({info.width} x {info.height} px at {info.gsd_m:.3g} m) cannot "
            f"serve 1:{scale}; it serves {applicable or 'no scale'}: choose one of those."
        )
    factor = target / info.gsd_m
    width = max(1, round(info.width / factor))
    height = max(1, round(info.height / factor))
    scale_x, scale_y = info.width / width, info.height / height
    return ScaleLevel(
        scale=scale,
        gsd_m=info.gsd_m * math.sqrt(scale_x * scale_y),
        factor=math.sqrt(scale_x * scale_y),
        width=width,
        height=height,
        transform=info.transform @ Affine.scale(scale_x, scale_y),
        raster=info,
    )


def build_pyramid(info: RasterInfo, scales: Sequence[int] | None = None) -> list[ScaleLevel]:
    """The levels of ``scales`` (denominators), or of every scale ``info`` serves, fine first.

    Raises ``NoApplicableScale`` when the raster serves none of them.
    """
    chosen = (
        list(scales)
        if scales is not None
        else applicable_scales(info.gsd_m, info.width, info.height)
    )
    if not chosen:
        raise NoApplicableScale(
            f"{info.path!r} ({info.width} x {info.height} px at {info.gsd_m:.3g} m) serves no "
            "map scale: it is too coarse, or too small on its short side once resampled to a "
            "scale's GSD; use finer or larger imagery."
        )
    return [level_for(info, scale) for scale in sorted(chosen)]
