"""The partial-label loss supervises exactly what a source labels."""

from __future__ import annotations

import numpy as np
import torch

from model.dense.labelsets import ALL, HEAD_CLASSES, UNKNOWN, bit, bits, from_class_map
from model.dense.losses import partial_label_loss

BUILDING = HEAD_CLASSES.index("building")


def _logits(values: list[float]) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float32).view(1, -1, 1, 1).requires_grad_(True)


def test_a_full_label_is_ordinary_cross_entropy() -> None:
    logits = _logits([2.0, 0.5, -1.0, 0.0, 1.0])
    allowed = torch.tensor([[[bit("road")]]], dtype=torch.uint8)
    expected = torch.nn.functional.cross_entropy(logits, torch.tensor([[[1]]]))
    assert torch.isclose(partial_label_loss(logits, allowed), expected)


def test_not_a_building_pushes_only_the_building_probability_down() -> None:
    logits = _logits([1.0, 0.0, 0.0, 0.0, 0.0])
    not_building = ALL & ~bit("building")
    loss = partial_label_loss(logits, torch.tensor([[[not_building]]], dtype=torch.uint8))
    p_building = torch.softmax(logits.detach().flatten(), 0)[BUILDING]
    assert torch.isclose(loss, -torch.log(1 - p_building))
    loss.backward()
    assert logits.grad is not None
    gradient = logits.grad.flatten()
    assert gradient[BUILDING] > 0  # descent lowers the building logit
    others = [g for i, g in enumerate(gradient.tolist()) if i != BUILDING]
    assert all(g < 0 for g in others) and np.allclose(others, others[0])  # no class preferred


def test_the_model_may_split_probability_inside_the_allowed_set() -> None:
    allowed = torch.tensor([[[bits(["road", "bare_ground"])]]], dtype=torch.uint8)
    road_only = partial_label_loss(_logits([0, 9.0, 0, 0, 0]), allowed)
    split = partial_label_loss(_logits([0, 8.3, 0, 0, 8.3]), allowed)
    assert road_only < 1e-3 and split < 1e-3


def test_unknown_and_everything_carry_no_loss() -> None:
    logits = torch.randn(2, 5, 3, 3, requires_grad=True)
    allowed = torch.tensor([UNKNOWN, ALL], dtype=torch.uint8).view(2, 1, 1).expand(2, 3, 3)
    loss = partial_label_loss(logits, allowed.contiguous())
    assert loss.item() == 0.0
    loss.backward()
    assert logits.grad is not None and not logits.grad.any()


def test_unknown_pixels_do_not_dilute_the_mean() -> None:
    logits = _logits([0.0, 0.0, 0.0, 0.0, 0.0]).detach().expand(1, 5, 1, 2).contiguous()
    allowed = torch.tensor([[[bit("water_body"), UNKNOWN]]], dtype=torch.uint8)
    assert torch.isclose(partial_label_loss(logits, allowed), torch.log(torch.tensor(5.0)))


def test_class_weights_apply_to_full_labels_only() -> None:
    logits = torch.zeros(1, 5, 1, 2)
    allowed = torch.tensor([[[bit("building"), ALL & ~bit("building")]]], dtype=torch.uint8)
    weights = torch.tensor([3.0, 1, 1, 1, 1])
    full, partial = np.log(5), -np.log(4 / 5)
    expected = (3 * full + 1 * partial) / 4
    assert np.isclose(partial_label_loss(logits, allowed, weights).item(), expected, atol=1e-6)


def test_label_sets_from_a_building_only_source() -> None:
    class_map = np.array([[BUILDING, -1]], dtype=np.int8)
    sets = from_class_map(class_map, ["building"])
    assert sets.tolist() == [[bit("building"), ALL & ~bit("building")]]


def test_label_sets_from_an_exhaustive_source_leave_gaps_unknown() -> None:
    class_map = np.array([[HEAD_CLASSES.index("road"), -1]], dtype=np.int8)
    assert from_class_map(class_map, HEAD_CLASSES).tolist() == [[bit("road"), UNKNOWN]]
