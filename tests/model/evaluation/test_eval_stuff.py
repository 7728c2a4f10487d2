"""Stuff matching: triplets with amorphous classes matched within their place window.

Masks are bands and squares on a 64 x 64 image, so every pixel count is a product of two sides.
The road network of the main fixture is a horizontal band (rows 30-33, 256 px) and a vertical
band far from the building (columns 44-47, 256 px), 496 px in all; the building (rows 22-29,
columns 10-17, 64 px) touches the horizontal band. Its place window is its box (rows 22..30,
columns 10..18) grown by max(8, 8, 16) = 16 px: rows 6..46 and columns 0..34 (clipped from -6),
which holds 4 x 34 = 136 px of the road and none of the vertical band.
"""

import numpy as np
import pytest

from model.errors import InvalidEvaluationInput
from model.evaluation import (
    EvaluationSample,
    GroundTruth,
    GroundTruthObject,
    PredictedObject,
    PredictedTriplet,
    SGDetPrediction,
    Triplet,
    evaluate,
)
from model.evaluation.masks import areas, box_rows, clip_rows, mask_boxes, mask_rows, overlap_rows
from model.evaluation.stuff import place_windows

SHAPE = (64, 64)
STUFF = {"road", "bare_ground"}


def _box(rows: slice, columns: slice) -> np.ndarray:
    mask = np.zeros(SHAPE, dtype=bool)
    mask[rows, columns] = True
    return mask


BUILDING = _box(slice(22, 30), slice(10, 18))
ROAD = _box(slice(30, 34), slice(None)) | _box(slice(None), slice(44, 48))
MOVED_ROAD = _box(slice(30, 34), slice(None)) | _box(slice(None), slice(56, 60))
"""The same horizontal band, the vertical band 12 columns to the right: 496 px, 256 shared."""


def _truth(*objects: tuple[str, np.ndarray], predicate: str = "adjacent_to") -> GroundTruth:
    return GroundTruth(
        SHAPE,
        tuple(GroundTruthObject(f"o{n}", c, m) for n, (c, m) in enumerate(objects)),
        (Triplet(0, predicate, 1),),
    )


def _overall(truth: GroundTruth, *masks: np.ndarray, **rules) -> dict:
    """Report of one detection per ground-truth object (same classes) and the true triplet."""
    detection = SGDetPrediction(
        objects=tuple(
            PredictedObject(obj.class_id, 0.9, mask)
            for obj, mask in zip(truth.objects, masks, strict=True)
        ),
        triplets=tuple(
            PredictedTriplet(t.subject, t.predicate, t.object, 0.8) for t in truth.triplets
        ),
    )
    return evaluate([EvaluationSample("t", 2000, truth, sgdet=detection)], **rules)["overall"]


def _recalls(overall: dict) -> tuple[float, float]:
    return overall["sgdet"]["R@20"], overall["phrdet"]["R@20"]


def _places(truth: GroundTruth):
    rows = mask_rows([obj.mask for obj in truth.objects], truth.shape)
    return place_windows(truth, rows, STUFF)


def test_masks_restricted_to_boxes(draw):
    a = draw("###.", "###.", "....", "...#")  # 7 px, box rows 0..4, columns 0..4
    b = draw("....", ".##.", ".##.", "....")  # 4 px, shares (1, 1) and (1, 2) with a
    empty = draw("....", "....", "....", "....")
    rows = mask_rows([a, b, empty], (4, 4))
    np.testing.assert_array_equal(mask_boxes(rows, 4), [[0, 4, 0, 4], [1, 3, 1, 3], [0, 0, 0, 0]])
    boxes = np.array([[1, 3, 1, 4], [1, 3, 1, 4], [0, 4, 3, 4]])  # rows 1-2 x columns 1-3, ...
    clipped = clip_rows(rows, np.array([0, 1, 0]), boxes, 4)
    # a in rows 1-2, columns 1-3: (1, 1), (1, 2); b: all 4 px; a in column 3: only (3, 3).
    np.testing.assert_array_equal(areas(clipped), [2, 4, 1])
    np.testing.assert_array_equal(
        clipped.toarray()[2].reshape(4, 4), draw("....", "....", "....", "...#")
    )
    np.testing.assert_array_equal(areas(box_rows(boxes, (4, 4))), [6, 6, 4])
    # a ∩ b = 2 px; an empty mask overlaps nothing.
    np.testing.assert_array_equal(
        areas(overlap_rows(rows, np.array([0, 2]), np.array([1, 0]), 4)), [2, 0]
    )


def test_window_of_a_thing_is_its_box_grown_and_clipped():
    places = _places(_truth(("building", BUILDING), ("road", ROAD)))
    np.testing.assert_array_equal(places.boxes, [[6, 46, 0, 34]])
    np.testing.assert_array_equal(places.local, [[False, True]])  # only the road is stuff


def test_road_that_differs_far_from_the_building_matches_as_stuff():
    truth = _truth(("building", BUILDING), ("road", ROAD))
    # full masks: road ∩ = the horizontal band, 256 px -> IoU 256 / (496 + 496 - 256) = 0.35;
    # phrase ∩ = 64 + 256 = 320 of 560 each -> 320 / 800 = 0.4: plain rules miss both.
    assert _recalls(_overall(truth, BUILDING, MOVED_ROAD)) == (0.0, 0.0)
    # within the window both roads are the same 136 px -> IoU 1, phrase 200 / 200.
    assert _recalls(_overall(truth, BUILDING, MOVED_ROAD, stuff_classes=STUFF)) == (1.0, 1.0)


def test_road_that_is_wrong_near_the_building_does_not_match():
    shifted = _box(slice(40, 44), slice(None)) | _box(slice(None), slice(44, 48))
    truth = _truth(("building", BUILDING), ("road", ROAD))
    # in the window the predicted band is rows 40-43: 136 px, none on the true 136 -> IoU 0;
    # phrase: building 64 of 64 + 136 -> 64 / (200 + 200 - 64) = 0.19.
    assert _recalls(_overall(truth, BUILDING, shifted, stuff_classes=STUFF)) == (0.0, 0.0)


def test_phrase_detection_is_windowed_and_things_keep_full_iou():
    corner = _box(slice(26, 30), slice(14, 18))  # 16 of the building's 64 px
    truth = _truth(("building", BUILDING), ("road", ROAD))
    # SGDet: the building side keeps its full-mask IoU 16 / 64 = 0.25 -> missed even as stuff.
    # PhrDet in the window: 16 + 136 = 152 px, all inside the true 64 + 136 = 200 -> 0.76;
    # on full masks 16 + 256 = 272 / (512 + 560 - 272) = 0.34.
    assert _recalls(_overall(truth, corner, MOVED_ROAD)) == (0.0, 0.0)
    assert _recalls(_overall(truth, corner, MOVED_ROAD, stuff_classes=STUFF)) == (0.0, 1.0)


def test_stuff_stuff_window_grows_around_the_contact_zone():
    bare = _box(slice(20, 30), slice(40, 50))  # above the road band, touching it
    road = _box(slice(30, 34), slice(None)) | _box(slice(None), slice(0, 4))  # 496 px
    truth = _truth(("bare_ground", bare), ("road", road))
    # contact zone: bare rows 27-29 (within 3 px of row 30) and road rows 30-32, columns 37-52
    # (within 3 px of columns 40-49): box rows 27..33, columns 37..53, grown by max(6, 16, 16).
    places = _places(truth)
    np.testing.assert_array_equal(places.boxes, [[11, 49, 21, 64]])
    np.testing.assert_array_equal(places.local, [[True, True]])
    band = _box(slice(30, 34), slice(21, None))  # the 4 x 43 = 172 px of the road in the window
    # full IoU of the band: 172 / 496 = 0.35; in the window both are those 172 px.
    assert _recalls(_overall(truth, bare, band)) == (0.0, 0.0)
    assert _recalls(_overall(truth, bare, band, stuff_classes=STUFF)) == (1.0, 1.0)


def test_stuff_that_does_not_touch_falls_back_to_the_smaller_mask():
    bare = _box(slice(10, 18), slice(40, 48))  # 64 px, 13 rows above the road: no contact
    road = _box(slice(30, 34), slice(None)) | _box(slice(None), slice(0, 4))  # 496 px
    truth = _truth(("bare_ground", bare), ("road", road))
    # anchor: the bare ground's box (10..18, 40..48), smaller than the road's 496 px; grown by
    # 16 and clipped: rows 0..34, columns 24..64. The road has rows 30-33 there: 4 x 40 px.
    np.testing.assert_array_equal(_places(truth).boxes, [[0, 34, 24, 64]])
    half = _box(slice(30, 34), slice(44, None))  # 80 of those 160 px (and nothing else)
    # window IoU 80 / 160 = 0.5 -> match; full IoU 80 / 496 misses.
    assert _overall(truth, bare, half)["sgdet"]["R@20"] == 0.0
    assert _overall(truth, bare, half, stuff_classes=STUFF)["sgdet"]["R@20"] == 1.0


def test_window_is_clipped_at_the_image_edge():
    building = _box(slice(56, 64), slice(56, 64))  # bottom-right corner
    road = _box(slice(52, 56), slice(None))  # 256 px just above it
    truth = _truth(("building", building), ("road", road))
    # 56..64 grown by 16 -> 40..80, clipped to 40..64 on both axes; road in it: 4 x 24 = 96 px.
    np.testing.assert_array_equal(_places(truth).boxes, [[40, 64, 40, 64]])
    piece = _box(slice(52, 56), slice(52, None))  # 48 px: IoU 48 / 96 = 0.5 in the window
    assert _overall(truth, building, piece)["sgdet"]["R@20"] == 0.0  # 48 / 256 on full masks
    assert _overall(truth, building, piece, stuff_classes=STUFF)["sgdet"]["R@20"] == 1.0


def test_stuff_outside_the_window_keeps_the_full_mask_iou():
    far_road = _box(slice(60, 64), slice(None))  # 30 rows below a building at rows 0-7
    building = _box(slice(0, 8), slice(0, 8))
    truth = _truth(("building", building), ("road", far_road), predicate="distant")
    # window rows 0..24, columns 0..24: no road pixel, so the road side is not local.
    np.testing.assert_array_equal(_places(truth).local, [[False, False]])
    half = _box(slice(60, 64), slice(0, 32))  # full IoU 128 / 256 = 0.5
    quarter = _box(slice(60, 64), slice(0, 16))  # 64 / 256
    assert _overall(truth, building, half, stuff_classes=STUFF)["sgdet"]["R@20"] == 1.0
    assert _overall(truth, building, quarter, stuff_classes=STUFF)["sgdet"]["R@20"] == 0.0


def test_default_rules_and_absent_stuff_classes_give_the_plain_report(draw):
    # the bridge over a river of test_eval_detection: a 1 px bridge misses SGDet (IoU 1/4)
    # and hits PhrDet (5 / 8).
    bridge, river = draw("....", ".##.", ".##.", "...."), draw("....", "....", "....", "####")
    truth = GroundTruth(
        (4, 4),
        (GroundTruthObject("b", "bridge", bridge), GroundTruthObject("r", "river", river)),
        (Triplet(0, "passing_over", 1),),
    )
    detection = SGDetPrediction(
        objects=(
            PredictedObject("bridge", 0.9, draw("....", "....", ".#..", "....")),
            PredictedObject("river", 0.8, river),
        ),
        triplets=(PredictedTriplet(0, "passing_over", 1, 0.7),),
    )
    samples = [EvaluationSample("t", 2000, truth, sgdet=detection)]
    plain = evaluate(samples)
    assert (plain["overall"]["sgdet"]["R@20"], plain["overall"]["phrdet"]["R@20"]) == (0.0, 1.0)
    assert evaluate(samples, stuff_classes=(), symmetric_predicates=()) == plain
    assert evaluate(samples, stuff_classes={"road", "forest"}) == plain


def test_object_metrics_ignore_stuff_rules():
    truth = _truth(("building", BUILDING), ("road", ROAD))
    road = _overall(truth, BUILDING, MOVED_ROAD, stuff_classes=STUFF)["objects"]["road"]
    assert road["iou"] == pytest.approx(256 / 736)  # pixel IoU, the meaningful one for stuff
    assert road["recall"] == 0.0  # a blob never reaches IoU 0.5 as an object


@pytest.mark.parametrize(
    ("stuff_classes", "named"),
    [({"road", ""}, "''"), ({"road", 3}, "3"), ("road", "'road'"), (None, "None")],
)
def test_bad_stuff_classes_are_refused(stuff_classes, named):
    with pytest.raises(InvalidEvaluationInput, match=f"stuff_classes.*{named}"):
        evaluate([], stuff_classes=stuff_classes)
