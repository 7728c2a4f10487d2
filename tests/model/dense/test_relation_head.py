"""The relation head's inputs (pair geometry), targets, scoring and training, on drawn masks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model.datasets.relate import TileGrid
from model.dense.config import RelationsConfig
from model.dense.pairs import PAIR_FEATURES, tile_pairs
from model.dense.relation_head import (
    STORED_PREDICATES,
    RelationHead,
    input_width,
    pair_inputs,
    score_pairs,
    targets,
)
from model.dense.relation_training import PairExamples, fit_head

GRID = TileGrid.nominal(2000, 0.5)
"""1:2,000 at 0.5 m: tolerance 1 px, nearby 40 px, distant 400 px."""


def _box(rows: slice, cols: slice, shape: tuple[int, int] = (128, 128)) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    mask[rows, cols] = True
    return mask


def _row(found_pairs: np.ndarray, subject: int, obj: int) -> int:
    return int(np.flatnonzero((found_pairs[:, 0] == subject) & (found_pairs[:, 1] == obj))[0])


def test_pair_geometry_measures_contact_distance_and_enclosure() -> None:
    ring = _box(slice(10, 60), slice(10, 60))
    ring[20:50, 20:50] = False
    masks = [
        _box(slice(0, 10), slice(70, 80)),  # 0: touches 1 along a full side
        _box(slice(10, 20), slice(70, 80)),  # 1
        _box(slice(0, 10), slice(100, 110)),  # 2: 20 px (10 m) right of 0
        ring,  # 3: a ring around 4
        _box(slice(30, 40), slice(30, 40)),  # 4: in the ring's hole
    ]
    found = tile_pairs(masks, np.ones((2, 128, 128), np.float32) / 2, GRID)
    assert found.geometry.shape[1] == PAIR_FEATURES
    assert found.regions.shape == (5, 4)
    touching = found.geometry[_row(found.pairs, 0, 1)]
    assert touching[2] == 1.0 and touching[13] == 1.0  # in contact, at distance 0
    assert touching[3] == pytest.approx(0.25, abs=0.06)  # one side of four
    apart = found.geometry[_row(found.pairs, 0, 2)]
    assert apart[2] == 0.0
    assert apart[0] == pytest.approx((10 / 20) / 10, abs=0.02)  # 10 m over nearby_m 20 m
    enclosed = found.geometry[_row(found.pairs, 4, 3)]
    assert enclosed[5] == pytest.approx(1.0)  # all of 4 lies in 3's filled outline
    assert found.geometry[_row(found.pairs, 3, 4)][5] < 0.1


def test_pairs_reach_no_further_than_the_scale_distant_threshold() -> None:
    shape = (8, 900)
    near, far = _box(slice(0, 4), slice(0, 4), shape), _box(slice(0, 4), slice(850, 854), shape)
    found = tile_pairs([near, far], np.ones((2, *shape), np.float32), GRID)
    assert found.pairs.shape == (0, 2)  # 423 m apart: beyond distant_m (200 m)


def test_targets_mark_symmetric_predicates_both_ways() -> None:
    pairs = np.array([[0, 1], [1, 0], [0, 2], [2, 0]])
    marked = targets(pairs, [(0, "adjacent_to", 1), (2, "around", 0)])
    adjacent, around = STORED_PREDICATES.index("adjacent_to"), STORED_PREDICATES.index("around")
    assert marked[:, adjacent].tolist() == [1, 1, 0, 0]
    assert marked[:, around].tolist() == [0, 0, 0, 1]
    assert marked.sum() == 3


def _examples(count: int, seed: int) -> PairExamples:
    """Pairs whose only positive predicate is adjacent_to when the contact column is set."""
    rng = np.random.default_rng(seed)
    width = input_width(2, 3)
    inputs = rng.normal(size=(count, width)).astype(np.float32)
    touching = rng.random(count) < 0.3
    inputs[:, 2 * 5 + 2] = touching
    labels = np.zeros((count, len(STORED_PREDICATES)), np.float32)
    labels[touching, STORED_PREDICATES.index("adjacent_to")] = 1.0
    return PairExamples(inputs, labels)


def test_fit_head_learns_a_rule_from_examples() -> None:
    settings = RelationsConfig(epochs=15, batch_size=64, lr=5e-3)
    head, history = fit_head(_examples(1500, 0), _examples(400, 1), settings, 2, 0, lambda _: None)
    assert history[-1]["val_loss"] < history[0]["val_loss"]
    held = _examples(300, 2)
    with torch.inference_mode():
        probability = torch.sigmoid(head(torch.from_numpy(held.inputs))).numpy()
    column = STORED_PREDICATES.index("adjacent_to")
    predicted = probability[:, column] > 0.5
    assert (predicted == held.targets[:, column].astype(bool)).mean() > 0.95


def test_score_pairs_answers_symmetric_predicates_once_above_the_floor() -> None:
    masks = [_box(slice(0, 10), slice(0, 10)), _box(slice(0, 10), slice(10, 20))]
    found = tile_pairs(masks, np.ones((2, 128, 128), np.float32) / 2, GRID)
    head = RelationHead(num_classes=2, region_width=found.regions.shape[1])
    with torch.no_grad():
        for layer in head.layers:
            if isinstance(layer, torch.nn.Linear):
                layer.weight.zero_()
                layer.bias.zero_()
        last = head.layers[-1]
        assert isinstance(last, torch.nn.Linear)
        bias = last.bias
        bias.fill_(-10.0)
        bias[STORED_PREDICATES.index("adjacent_to")] = 3.0
        bias[STORED_PREDICATES.index("around")] = 0.0  # p = 0.5 on both orders
    classes = np.array([0, 1])
    rows = pair_inputs(found, classes, 2, given=True)
    assert rows.shape == (2, input_width(2, found.regions.shape[1])) and rows[:, -1].all()
    scored = score_pairs(head, found, classes, given=False, min_score=0.4, max_triplets=10)
    assert [(t.subject, t.predicate, t.object) for t in scored] == [
        (0, "adjacent_to", 1),  # symmetric: once, lower index first, ranked first
        (0, "around", 1),
        (1, "around", 0),
    ]
    assert scored[0].score == pytest.approx(1 / (1 + np.exp(-3.0)))
    assert len(score_pairs(head, found, classes, given=False, min_score=0.4, max_triplets=2)) == 2
    assert score_pairs(head, found, classes, given=False, min_score=0.96, max_triplets=10) == []
