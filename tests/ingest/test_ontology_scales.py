"""The scale ladder: GSD ranges, generalisation thresholds and which scales an image serves."""

import dataclasses
import math

import pytest

from ingest.errors import UnknownScale
from ingest.ontology import (
    MIN_SHORT_SIDE_PX,
    SCALE_DENOMINATORS,
    SCALES,
    applicable_scales,
    get_scale,
)


def test_ladder_is_method_table_fine_to_coarse() -> None:
    assert SCALE_DENOMINATORS == (2000, 10000, 50000)
    assert [(s.gsd_min_m, s.gsd_max_m) for s in SCALES] == [(0.25, 0.5), (1.0, 2.0), (5.0, 10.0)]
    assert MIN_SHORT_SIDE_PX == 64


@pytest.mark.parametrize("scale", SCALES, ids=lambda s: str(s.denominator))
def test_thresholds_follow_map_millimetres(scale) -> None:
    """Lengths are fixed millimetres of map: 2.5 mm lines, 0.25 mm tolerance, 10/100 mm."""
    metres_per_map_mm = scale.denominator / 1000
    assert scale.min_length_m == pytest.approx(2.5 * metres_per_map_mm)
    assert scale.simplify_tolerance_m == pytest.approx(0.25 * metres_per_map_mm)
    assert scale.nearby_m == pytest.approx(10 * metres_per_map_mm)
    assert scale.distant_m == pytest.approx(100 * metres_per_map_mm)
    # Simplifying by less than an analysis pixel would keep detail the imagery cannot show.
    assert scale.simplify_tolerance_m >= scale.gsd_max_m


def test_minimum_areas_match_topographic_practice() -> None:
    by_denominator = {s.denominator: s.min_area_m2 for s in SCALES}
    assert by_denominator == {2000: 10.0, 10000: 500.0, 50000: 20000.0}
    # 1:50,000 drops a 1 ha farmyard; 1:2,000 keeps a 3 m x 4 m shed.
    assert get_scale(50000).min_area_m2 > 10_000
    assert get_scale(2000).min_area_m2 <= 12


def test_thresholds_grow_from_fine_to_coarse() -> None:
    for field in ("min_area_m2", "min_length_m", "simplify_tolerance_m", "nearby_m", "distant_m"):
        values = [getattr(s, field) for s in SCALES]
        assert values == sorted(values) and len(set(values)) == len(values), field
    assert all(s.nearby_m < s.distant_m for s in SCALES)


@pytest.mark.parametrize(
    ("denominator", "image_gsd", "expected"),
    [
        (2000, 0.1, 0.25),  # finer than the range: resampled to its finest GSD
        (2000, 0.3, 0.3),  # inside the range: analysed as it is
        (2000, 0.5, 0.5),
        (2000, 0.5004, 0.5004),  # geotransform rounding is tolerated
        (2000, 0.51, None),  # coarser than 1:2,000 allows
        (2000, 1.0, None),
        (10000, 0.3, 1.0),  # a fine image serves a coarser scale, downsampled
        (10000, 2.0, 2.0),
        (10000, 4.8, None),
        (50000, 0.5, 5.0),
        (50000, 4.8, 5.0),
        (50000, 10.0, 10.0),
        (50000, 30.0, None),
    ],
)
def test_analysis_gsd(denominator: int, image_gsd: float, expected: float | None) -> None:
    assert get_scale(denominator).analysis_gsd(image_gsd) == expected


@pytest.mark.parametrize("bad", [0.0, -0.5, math.nan, math.inf])
def test_analysis_gsd_rejects_impossible_gsd(bad: float) -> None:
    with pytest.raises(ValueError, match="positive number of metres"):
        get_scale(2000).analysis_gsd(bad)


@pytest.mark.parametrize(
    ("gsd", "width", "height", "expected"),
    [
        # The real sample images (tests/data, ../shared/data; sizes and GSDs from their READMEs).
        (0.5, 280, 341, [2000, 10000]),  # new-brunswick: 140 px at 1 m, 28 px at 5 m
        (1.0, 92, 169, [10000]),  # massachusetts: too coarse for 1:2,000
        (4.8, 120, 96, [50000]),  # spacenet-sn7: 96 * 4.8 / 5 = 92 px
        (0.27, 413, 426, [2000, 10000]),  # vegas-wv03: 111 px at 1 m, 22 px at 5 m
        (0.15, 512, 512, [2000, 10000]),  # quebec 0.15 m: 307 px at 0.25 m, 77 px at 1 m
        (0.5, 117, 94, [2000]),  # spacenet-atlanta-sn4: 47 px at 1 m
        (0.5, 900, 900, [2000, 10000, 50000]),  # atlanta-solaris: still 90 px at 5 m
        # The 64 px boundary, exactly and one pixel short.
        (0.5, 64, 1000, [2000]),
        (0.5, 63, 1000, []),
        (0.3, 64, 64, [2000]),
        (0.5, 640, 640, [2000, 10000, 50000]),
        (0.5, 639, 640, [2000, 10000]),
        (20.0, 5000, 5000, []),  # coarser than every scale
    ],
)
def test_applicable_scales(gsd: float, width: int, height: int, expected: list[int]) -> None:
    assert applicable_scales(gsd, width, height) == expected


def test_applicable_scales_rejects_empty_image() -> None:
    with pytest.raises(ValueError, match="0 x 10 px"):
        applicable_scales(0.5, 0, 10)


def test_get_scale() -> None:
    assert get_scale(10000).denominator == 10000
    assert get_scale(10000).nearby_m == 100.0


@pytest.mark.parametrize("bad", [5000, 25000, "2000", None])
def test_unknown_scale_names_it_and_lists_the_ladder(bad: object) -> None:
    with pytest.raises(UnknownScale, match="2000, 10000, 50000") as caught:
        get_scale(bad)  # type: ignore[arg-type]
    assert repr(bad) in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_scale_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SCALES[0].nearby_m = 1.0  # type: ignore[misc]
