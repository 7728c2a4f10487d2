"""Mask overlaps by sparse products, checked against pixel counts done by hand."""

import numpy as np

from model.evaluation.masks import areas, iou_matrix, mask_rows, union_rows


def test_iou_matrix_counts_pixels(draw):
    a = draw("##..", "##..", "....", "....")  # 4 px
    b = draw(".##.", ".##.", "....", "....")  # 4 px, shares column 1 with a: 2 px
    c = draw("....", "....", "....", "####")  # 4 px, disjoint from a and b
    rows = mask_rows([a, b, c], (4, 4))
    iou = iou_matrix(rows, rows)
    # IoU(a, b) = 2 / (4 + 4 - 2) = 1/3; disjoint masks give 0; a mask with itself gives 1.
    expected = np.array([[1.0, 1 / 3, 0.0], [1 / 3, 1.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(iou, expected)


def test_empty_masks_have_zero_iou(draw):
    empty = draw("..", "..")
    full = draw("##", "##")
    rows = mask_rows([empty, full], (2, 2))
    # empty vs empty: union 0 -> defined as 0; empty vs full: 0 / 4 = 0.
    np.testing.assert_array_equal(iou_matrix(rows, rows), [[0.0, 0.0], [0.0, 1.0]])


def test_union_rows_count_shared_pixels_once(draw):
    a = draw("##", "..")  # 2 px
    b = draw("#.", "#.")  # 2 px, shares the top-left pixel with a
    rows = mask_rows([a, b], (2, 2))
    union = union_rows(rows, np.array([0, 0]), np.array([1, 0]))
    # a ∪ b = 2 + 2 - 1 = 3 px; a ∪ a = 2 px.
    np.testing.assert_array_equal(areas(union), [3, 2])
    np.testing.assert_array_equal(union.toarray()[0].reshape(2, 2), [[1, 1], [1, 0]])


def test_no_masks_give_empty_matrices(draw):
    rows = mask_rows([], (3, 3))
    other = mask_rows([draw("#..", "...", "...")], (3, 3))
    assert rows.shape == (0, 9)
    assert iou_matrix(rows, other).shape == (0, 1)
