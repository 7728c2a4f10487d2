"""Normalised region and pair geometry."""

from __future__ import annotations

import numpy as np
import torch

from model.geometry import PAIR_FEATURES, REGION_FEATURES, pair_geometry, region_geometry


def test_region_boxes_and_areas_are_fractions_of_the_grid() -> None:
    regions = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 2, 1]])
    geometry = region_geometry(regions)
    assert geometry.shape == (3, REGION_FEATURES)
    assert torch.allclose(geometry[0], torch.tensor([0.0, 0.0, 0.5, 2 / 3, 4 / 12]))
    assert torch.allclose(geometry[1], torch.tensor([0.5, 0.0, 1.0, 1.0, 5 / 12]))
    assert torch.allclose(geometry[2], torch.tensor([0.0, 2 / 3, 0.75, 1.0, 3 / 12]))


def test_pair_features_are_boxes_offsets_and_log_size_ratios() -> None:
    boxes = torch.tensor([[0.0, 0.0, 0.2, 0.2], [0.4, 0.0, 0.8, 0.1]])
    features = pair_geometry(boxes, torch.tensor([[0], [1]]))
    assert features.shape == (1, PAIR_FEATURES)
    expected = torch.tensor(
        [
            0.0,
            0.0,
            0.2,
            0.2,
            0.4,
            0.0,
            0.8,
            0.1,
            (0.6 - 0.1) / 0.2,
            (0.05 - 0.1) / 0.2,
            float(np.log(2.0)),
            float(np.log(0.5)),
        ]
    )
    assert torch.allclose(features[0], expected, atol=1e-6)
