"""Objects from a class map: components per class; touching buildings split by the normalized
cut of their patch tokens, stuff never split."""

from __future__ import annotations

import numpy as np
import torch

from model.dense.instances import SplitRule, instances_from_classes, split_component
from model.dense.labelsets import HEAD_CLASSES
from model.dense.refine import guided_filter, pixel_probabilities

PATCH = 14
BUILDING, ROAD = HEAD_CLASSES.index("building"), HEAD_CLASSES.index("road")


def _probabilities(labels: np.ndarray) -> np.ndarray:
    """One-hot probabilities [K, H, W] of a label map."""
    return np.stack([(labels == k).astype(np.float32) for k in range(len(HEAD_CLASSES))])


def _two_blocks() -> tuple[np.ndarray, torch.Tensor]:
    """A 6 x 8 patch block of one class whose left and right halves differ in their tokens."""
    grid = (8, 10)
    labels = np.full((grid[0] * PATCH, grid[1] * PATCH), HEAD_CLASSES.index("bare_ground"))
    labels[PATCH : 7 * PATCH, PATCH : 9 * PATCH] = BUILDING
    generator = torch.Generator().manual_seed(0)
    left, right = torch.randn(384, generator=generator), torch.randn(384, generator=generator)
    tokens = torch.empty(384, *grid)
    tokens[:, :, :5] = left[:, None, None]
    tokens[:, :, 5:] = right[:, None, None]
    tokens += 0.05 * torch.randn(tokens.shape, generator=generator)
    return labels, tokens


def test_touching_buildings_with_distinct_tokens_are_split_in_two() -> None:
    labels, tokens = _two_blocks()
    found = instances_from_classes(
        _probabilities(labels),
        None,
        classes=HEAD_CLASSES,
        tokens=tokens,
        min_pixels=32,
        rule=SplitRule(),
    )
    buildings = [i.mask for i in found if i.class_index == BUILDING]
    assert len(buildings) == 2
    assert sum(m.sum() for m in buildings) == (labels == BUILDING).sum()  # nothing lost
    columns = [np.nonzero(m.any(axis=0))[0] for m in buildings]
    assert sorted((c.min(), c.max()) for c in columns) == [
        (PATCH, 5 * PATCH - 1),
        (5 * PATCH, 9 * PATCH - 1),
    ]


def test_a_building_with_uniform_tokens_stays_whole() -> None:
    labels, tokens = _two_blocks()
    tokens[:] = torch.randn(384)[:, None, None] + 0.05 * torch.randn(tokens.shape)
    parts = split_component(labels == BUILDING, tokens, SplitRule())
    assert len(parts) == 1


def test_stuff_is_never_split() -> None:
    labels, tokens = _two_blocks()
    labels[labels == BUILDING] = ROAD
    found = instances_from_classes(
        _probabilities(labels),
        None,
        classes=HEAD_CLASSES,
        tokens=tokens,
        min_pixels=32,
        rule=SplitRule(),
    )
    assert len([i for i in found if i.class_index == ROAD]) == 1


def test_small_components_are_dropped_and_invalid_pixels_excluded() -> None:
    labels = np.full((56, 56), HEAD_CLASSES.index("vegetation"))
    labels[2:6, 2:6] = BUILDING  # 16 px: under min_pixels
    labels[20:40, 20:40] = BUILDING
    valid = np.ones(labels.shape, dtype=bool)
    valid[:, 30:] = False
    found = instances_from_classes(
        _probabilities(labels),
        valid,
        classes=HEAD_CLASSES,
        tokens=None,
        min_pixels=32,
        rule=SplitRule(),
    )
    buildings = [i for i in found if i.class_index == BUILDING]
    assert len(buildings) == 1 and buildings[0].mask.sum() == 20 * 10
    assert all(not (i.mask & ~valid).any() for i in found)
    assert buildings[0].score == 1.0


def test_guided_filter_keeps_a_constant_and_follows_an_edge() -> None:
    guide = torch.zeros(1, 1, 40, 40)
    guide[..., 20:] = 1.0
    constant = torch.full((1, 1, 40, 40), 0.3)
    assert torch.allclose(guided_filter(guide, constant, radius=4, eps=1e-3), constant, atol=1e-5)
    blurred = torch.zeros(1, 1, 40, 40)
    blurred[..., 16:] = torch.linspace(0, 1, 24)  # a soft ramp around the image edge
    sharp = guided_filter(guide, blurred, radius=6, eps=1e-4)
    step_before = (blurred[..., 20] - blurred[..., 19]).mean()
    step_after = (sharp[..., 20] - sharp[..., 19]).mean()
    assert step_after > 3 * step_before


def test_pixel_probabilities_sum_to_one_at_the_image_size() -> None:
    logits = torch.randn(2, 5, 3, 4)
    images = torch.rand(2, 3, 42, 56)
    for radius in (0, 4):
        probabilities = pixel_probabilities(logits, images, radius=radius, eps=1e-2)
        assert probabilities.shape == (2, 5, 42, 56)
        assert torch.allclose(probabilities.sum(1), torch.ones(2, 42, 56), atol=1e-5)
        assert (probabilities >= 0).all()


def test_every_extractor_lands_on_the_14_px_patch_grid() -> None:
    from model.dense.extractors import PatchFeatures

    features = PatchFeatures(["dino", "colour", "aerial"])
    assert features.widths == (384, 14, 512) and features.channels == 910
    with torch.inference_mode():
        out = features(torch.rand(1, 3, 3 * PATCH, 5 * PATCH))
    assert out.shape == (1, 910, 3, 5) and torch.isfinite(out).all()
