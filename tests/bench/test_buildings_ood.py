"""The building benchmark's scoring: hand-made polygons of known IoU, and truth fed through the
real imagery pipeline (``GroundTruthSegmenter``) coming back with an IoU near 1."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from bench.buildings_ood import (
    CLIPS,
    IMAGERY,
    NO_OVERLAP,
    Clip,
    Grid,
    Overlap,
    burn,
    evaluate_clip,
    score,
)
from ingest.raster import open_raster
from ingest.rasterstore import RasterStore
from tests.support.groundtruth import GroundTruthSegmenter
from tests.support.sample_data import sample

X0, Y0 = 733_600.0, 3_725_110.0
"""North-west corner of a 10 x 10 px, 1 m test grid in UTM 16N."""


def grid(valid: np.ndarray | None = None) -> Grid:
    mask = np.ones((10, 10), dtype=bool) if valid is None else valid
    return Grid(from_origin(X0, Y0, 1.0, 1.0), CRS.from_epsg(32616), mask)


def square(col: int, row: int, side: int) -> BaseGeometry:
    """A ``side`` m square whose north-west corner is pixel (col, row) of :func:`grid`."""
    return box(X0 + col, Y0 - row - side, X0 + col + side, Y0 - row)


def polygons(predicted: list[BaseGeometry], truth: list[BaseGeometry], on: Grid) -> Overlap:
    return score(burn(predicted, on), burn(truth, on), on)


def test_two_squares_overlapping_by_half_have_iou_one_third() -> None:
    got = polygons([square(0, 0, 4)], [square(2, 0, 4)], grid())
    assert (got.intersection, got.predicted, got.truth, got.union) == (8, 16, 16, 24)
    assert got.iou == pytest.approx(1 / 3)
    assert (got.precision, got.recall) == (0.5, 0.5)


def test_pixels_burn_by_their_centre() -> None:
    # 2.4 x 2.4 m from a pixel corner covers the centres of 2 x 2 pixels only.
    half = box(X0, Y0 - 2.4, X0 + 2.4, Y0)
    assert np.count_nonzero(burn([half], grid())) == 4


def test_only_valid_pixels_count() -> None:
    valid = np.ones((10, 10), dtype=bool)
    valid[:, 3:] = False
    got = polygons([square(0, 0, 4)], [square(2, 0, 4)], grid(valid))
    assert (got.intersection, got.predicted, got.truth, got.pixels) == (4, 12, 4, 30)
    assert got.iou == pytest.approx(4 / 12)


def test_no_prediction_has_no_precision_and_nothing_at_all_no_iou() -> None:
    missed = polygons([], [square(0, 0, 4)], grid())
    assert (missed.iou, missed.precision, missed.recall) == (0.0, None, 0.0)
    assert polygons([], [], grid()).iou is None


def test_pooled_scores_sum_pixels_before_dividing() -> None:
    small = Overlap(intersection=1, predicted=1, truth=2, pixels=10)  # IoU 0.5
    large = Overlap(intersection=10, predicted=100, truth=10, pixels=1000)  # IoU 0.1
    pooled = sum((small, large), NO_OVERLAP)
    assert pooled == Overlap(11, 101, 12, 1010)
    assert pooled.iou == pytest.approx(11 / 102)


def shipped(clip: Clip) -> Clip:
    """``clip`` with its files found the way tests find sample data (vendored or shared)."""
    return replace(
        clip,
        image=sample(f"imagery/{clip.image.relative_to(IMAGERY)}"),
        labels=sample(f"imagery/{clip.labels.relative_to(IMAGERY)}"),
    )


def truth_segmenter(clip: Clip) -> GroundTruthSegmenter:
    crs = open_raster(str(clip.image)).crs
    return GroundTruthSegmenter.from_vector(
        clip.labels, column=None, classes={1: "building"}, crs=crs
    )


@pytest.mark.parametrize("name", ["vegas-wv03", "atlanta-solaris"])
def test_the_labels_through_the_pipeline_score_near_one(name: str, tmp_path: Path) -> None:
    """Perfect masks, tiled, vectorised, simplified (0.5 m at 1:2,000), merged, stored as
    export gives them and burnt again lose little: the chain adds no error of its own."""
    clip = shipped(next(c for c in CLIPS if c.name == name))
    result = evaluate_clip(clip, truth_segmenter(clip), RasterStore(tmp_path))
    assert result.model is not None and result.baseline is not None
    assert result.model.overlap.iou is not None and result.model.overlap.iou > 0.9
    assert result.model.buildings == result.truth_buildings
    share = result.model.overlap.truth / result.model.overlap.pixels
    assert result.baseline.overlap.iou == pytest.approx(share)
    assert result.as_json()["scale"] == 2000


def test_a_clip_too_coarse_for_buildings_is_skipped_with_the_reason(tmp_path: Path) -> None:
    clip = shipped(next(c for c in CLIPS if c.name == "spacenet-sn7"))
    result = evaluate_clip(clip, truth_segmenter(clip), RasterStore(tmp_path))
    assert result.model is None and result.truth_buildings == 42
    assert result.skipped is not None and "does not serve 1:2000" in result.skipped
    assert result.as_json()["skipped"] == result.skipped
