"""The ladder of map scales and which of them an image can serve.

A scale is identified everywhere by its integer denominator (2000, 10000, 50000). What a map
shows depends on its scale, so each scale carries the generalisation thresholds that decide what
survives at it. They follow topographic-map practice, where a feature is kept when it is still
legible on paper: with ``m = denominator / 1000`` metres of ground per millimetre of map,

- ``min_area_m2``: objects smaller than a few square millimetres of map drop out
  (2.5 mm² at 1:2,000 = 10 m², a garden shed; 5 mm² at 1:10,000 = 500 m², a small block;
  8 mm² at 1:50,000 = 2 ha, so a hamlet or a small wood survives but a farmyard does not);
- ``min_length_m``: lines shorter than 2.5 mm of map drop out (5 m, 25 m, 125 m);
- ``simplify_tolerance_m``: outlines are simplified by 0.25 mm of map (0.5 m, 2.5 m, 12.5 m),
  which is also at least one analysis pixel, so simplification never invents detail the
  imagery could show; distances up to this tolerance count as contact;
- ``nearby_m``: 10 mm of map (20 m, 100 m, 500 m), about what a reader takes in at a glance;
- ``distant_m``: 100 mm of map (200 m, 1 km, 5 km); pairs further apart get no relation at all,
  which keeps the number of relations linear in the number of objects.

An image can produce scene graphs at its own scale and every coarser one (downsampled), never at
a finer one, and only while the resampled image is still ``MIN_SHORT_SIDE_PX`` on its short side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ingest.errors import UnknownScale
from ingest.ontology.names import unknown_id_message

MIN_SHORT_SIDE_PX = 64
"""Smallest short side, in pixels after resampling to the analysis GSD, that a scale accepts."""

GSD_RTOL = 1e-3
"""Relative slack on ``gsd_max_m``: a 0.5004 m GeoTIFF (rounding in its geotransform) still
serves 1:2,000; a 0.51 m one does not."""


@dataclass(frozen=True)
class Scale:
    """One rung of the scale ladder, with its analysis GSD range and generalisation thresholds.

    All lengths are ground metres, areas square metres, GSDs metres per pixel.
    """

    denominator: int
    gsd_min_m: float
    gsd_max_m: float
    min_area_m2: float
    min_length_m: float
    simplify_tolerance_m: float
    nearby_m: float
    distant_m: float

    def analysis_gsd(self, image_gsd_m: float) -> float | None:
        """GSD (m/px) at which an image of ``image_gsd_m`` is analysed at this scale, or None.

        None when the image is coarser than the scale allows (it cannot serve a finer scale);
        otherwise the image's own GSD, or ``gsd_min_m`` when the image is finer (a 0.1 m image
        is resampled to 0.25 m for 1:2,000; a 0.3 m image is analysed at 0.3 m).
        """
        if not math.isfinite(image_gsd_m) or image_gsd_m <= 0:
            raise ValueError(f"an image GSD must be a positive number of metres, got {image_gsd_m}")
        if image_gsd_m > self.gsd_max_m * (1 + GSD_RTOL):
            return None
        return max(image_gsd_m, self.gsd_min_m)


SCALES: tuple[Scale, ...] = (
    Scale(
        denominator=2000,
        gsd_min_m=0.25,
        gsd_max_m=0.5,
        min_area_m2=10.0,
        min_length_m=5.0,
        simplify_tolerance_m=0.5,
        nearby_m=20.0,
        distant_m=200.0,
    ),
    Scale(
        denominator=10000,
        gsd_min_m=1.0,
        gsd_max_m=2.0,
        min_area_m2=500.0,
        min_length_m=25.0,
        simplify_tolerance_m=2.5,
        nearby_m=100.0,
        distant_m=1000.0,
    ),
    Scale(
        denominator=50000,
        gsd_min_m=5.0,
        gsd_max_m=10.0,
        min_area_m2=20000.0,
        min_length_m=125.0,
        simplify_tolerance_m=12.5,
        nearby_m=500.0,
        distant_m=5000.0,
    ),
)
"""The default ladder, fine to coarse."""

SCALE_DENOMINATORS: tuple[int, ...] = tuple(scale.denominator for scale in SCALES)
"""The denominators of ``SCALES``, fine to coarse: the valid values of every ``scale`` field."""

_BY_DENOMINATOR = {scale.denominator: scale for scale in SCALES}


def get_scale(denominator: int) -> Scale:
    """The scale with this denominator; raises UnknownScale (listing the ladder) otherwise."""
    try:
        return _BY_DENOMINATOR[denominator]
    except (KeyError, TypeError):
        raise UnknownScale(
            unknown_id_message("scale", denominator, SCALE_DENOMINATORS)
            + "; a scale is given by its integer denominator"
        ) from None


def applicable_scales(gsd_m: float, width_px: int, height_px: int) -> list[int]:
    """Denominators (fine to coarse) of the scales an image of this GSD and size can serve.

    A scale applies when it has an analysis GSD for the image and the image's short side,
    resampled to that GSD (``short_px * gsd_m / analysis_gsd``), is at least
    ``MIN_SHORT_SIDE_PX``. For example a 280 x 341 px image at 0.5 m serves 1:2,000 (280 px)
    and 1:10,000 (140 px at 1 m) but not 1:50,000 (28 px at 5 m). An empty list means the
    image serves no scale; the caller decides how to refuse it.
    """
    if width_px <= 0 or height_px <= 0:
        raise ValueError(f"an image size must be positive, got {width_px} x {height_px} px")
    short_side_m = min(width_px, height_px) * gsd_m
    result = []
    for scale in SCALES:
        target = scale.analysis_gsd(gsd_m)
        if target is not None and short_side_m / target >= MIN_SHORT_SIDE_PX - 1e-9:
            result.append(scale.denominator)
    return result
