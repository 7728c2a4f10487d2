"""Attention pooling of patches into regions."""

from __future__ import annotations

import torch

from model.nn import SegmentAttentionPool


def identity_pool(channels: int) -> SegmentAttentionPool:
    pool = SegmentAttentionPool(in_channels=channels, out_channels=channels)
    with torch.no_grad():
        pool.value.weight.copy_(torch.eye(channels))
        pool.value.bias.zero_()
        pool.gate.weight.zero_()
        pool.gate.bias.zero_()
    return pool


def test_a_constant_gate_is_mean_pooling() -> None:
    torch.manual_seed(0)
    x = torch.randn(10, 3)
    region = torch.tensor([0, 1, 1, 2, 0, 2, 2, 1, 0, 0])
    pooled = identity_pool(3)(x, region, 3)
    expected = torch.stack([x[region == r].mean(0) for r in range(3)])
    assert pooled.shape == (3, 3)
    assert torch.allclose(pooled, expected, atol=1e-6)


def test_the_gate_weights_patches_within_each_region() -> None:
    pool = identity_pool(2)
    with torch.no_grad():
        pool.gate.weight.copy_(torch.tensor([[1.0, 0.0]]))
    x = torch.tensor([[10.0, 0.0], [0.0, 1.0], [0.0, 2.0], [0.0, 4.0]])
    pooled = pool(x, torch.tensor([0, 0, 1, 1]), 2)
    # Region 0: softmax(10, 0) puts nearly all weight on the first patch.
    assert torch.allclose(pooled[0], torch.tensor([10.0, 0.0]), atol=1e-3)
    # Region 1: equal gate scores, so the weights are equal (they always sum to one).
    assert torch.allclose(pooled[1], torch.tensor([0.0, 3.0]))


def test_output_width_follows_out_channels() -> None:
    pool = SegmentAttentionPool(in_channels=6, out_channels=4)
    assert pool(torch.randn(7, 6), torch.tensor([0, 0, 1, 1, 1, 2, 2]), 3).shape == (3, 4)
