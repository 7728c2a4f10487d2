"""The segmenter contract and the ground-truth segmenter on real label rasters and vectors."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from imagery_files import NB_CLASSES, nb_clip, nb_labels, quebec
from rasterio.crs import CRS
from rasterio.windows import Window
from scipy import ndimage

from ingest.errors import InvalidLabels, InvalidSegmentation, UnknownClass, UnknownPredicate
from ingest.imagery.segmenter import TileSegmentation, TileTriplet
from ingest.raster import level_for, open_raster, tile_windows
from ingest.vectorise import TileMask
from tests.support.groundtruth import GroundTruthSegmenter


def masks(count: int) -> tuple[TileMask, ...]:
    return tuple(TileMask("building", 1.0, np.eye(4, dtype=bool)) for _ in range(count))


def test_triplet_indices_must_point_into_the_masks() -> None:
    with pytest.raises(InvalidSegmentation, match="outside the tile's 2 masks"):
        TileSegmentation(masks(2), (TileTriplet(0, "adjacent_to", 2, 0.5),))


@pytest.mark.parametrize(
    ("triplet", "error"),
    [
        ((0, "adjacent_to", 1, 1.5), InvalidSegmentation),
        ((0, "adjacent_to", 0, 0.5), InvalidSegmentation),
        ((0, "next_to", 1, 0.5), UnknownPredicate),
    ],
)
def test_a_bad_triplet_is_refused(
    triplet: tuple[int, str, int, float], error: type[Exception]
) -> None:
    with pytest.raises(error):
        TileTriplet(*triplet)


def test_inverse_predicate_names_are_accepted_from_a_model() -> None:
    segmentation = TileSegmentation(masks(2), (TileTriplet(1, "contains", 0, 0.7),))
    assert segmentation.triplets[0].predicate == "contains"


def test_ground_truth_from_a_label_raster_gives_its_components_at_native_resolution() -> None:
    image, labels = quebec("tiled_image_1.tif"), quebec("tiled_label_1.tif")
    info = open_raster(str(image))
    level = level_for(info, 2000)
    assert level.native
    segmenter = GroundTruthSegmenter.from_raster(labels, classes={1: "building"}, crs=info.crs)
    tiles = tile_windows(level, tile_size=200, overlap=20)
    answers = segmenter.segment([tile.read() for tile in tiles], 2000)
    with rasterio.open(labels) as dataset:
        truth = dataset.read(1)
    for tile, answer in zip(tiles, answers, strict=True):
        row, col = int(tile.window.row_off), int(tile.window.col_off)
        height, width = tile.shape
        crop = truth[row : row + height, col : col + width] == 1
        _, expected = ndimage.label(crop)
        assert len(answer.masks) == expected
        union = np.zeros(tile.shape, dtype=bool)
        for mask in answer.masks:
            assert mask.class_id == "building" and mask.score == 1.0
            assert not (union & mask.mask).any()
            union |= mask.mask
        assert np.array_equal(union, crop)
        assert answer.triplets == ()


def test_ground_truth_from_a_finer_label_raster_keeps_the_labelled_area() -> None:
    image, labels = quebec("tiled_image_2.tif"), quebec("tiled_label_2.tif")
    info = open_raster(str(image))
    level = level_for(info, 2000)
    assert not level.native
    segmenter = GroundTruthSegmenter.from_raster(labels, classes={1: "building"}, crs=info.crs)
    tile = tile_windows(level, tile_size=max(level.width, level.height), overlap=0)[0]
    (answer,) = segmenter.segment([tile.read()], 2000)
    found_m2 = sum(int(m.mask.sum()) for m in answer.masks) * level.gsd_m**2
    with rasterio.open(labels) as dataset:
        labelled_m2 = int((dataset.read(1) == 1).sum()) * abs(dataset.transform.determinant)
    assert found_m2 == pytest.approx(labelled_m2, rel=0.05)


def test_ground_truth_from_vector_labels_leaves_out_classes_not_drawn_at_the_scale() -> None:
    info = open_raster(str(nb_clip()))
    segmenter = GroundTruthSegmenter.from_vector(
        nb_labels(), column="Quatreclasses", classes=NB_CLASSES, crs=info.crs
    )
    fine = segmenter.segment([level_for(info, 2000).read(Window(0, 0, 326, 482))], 2000)
    coarse = segmenter.segment([level_for(info, 10000).read(Window(0, 0, 163, 241))], 10000)
    assert {m.class_id for m in fine[0].masks} == set(NB_CLASSES.values())
    assert {m.class_id for m in coarse[0].masks} == {"forest", "water_body", "road"}


def test_ground_truth_refuses_unusable_labels() -> None:
    crs = CRS.from_epsg(2953)
    labels = nb_labels()
    with pytest.raises(InvalidLabels, match="no column 'Classes'"):
        GroundTruthSegmenter.from_vector(labels, column="Classes", classes={1: "forest"}, crs=crs)
    with pytest.raises(InvalidLabels, match="exactly one class"):
        GroundTruthSegmenter.from_vector(labels, column=None, classes=NB_CLASSES, crs=crs)
    with pytest.raises(UnknownClass):
        GroundTruthSegmenter.from_vector(
            labels, column="Quatreclasses", classes={1: "woods"}, crs=crs
        )
