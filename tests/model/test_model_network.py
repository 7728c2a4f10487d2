"""Shapes through every stage of the MSGG-AI network (tiny, untrained: no claim of meaning)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ingest.ontology import CLASS_IDS, PREDICATE_IDS

K, R = len(CLASS_IDS), len(PREDICATE_IDS)


def test_every_stage_has_the_documented_shapes(tiny_network: Callable[..., Any]) -> None:
    network = tiny_network().eval()
    torch.manual_seed(0)
    with torch.no_grad():
        outputs = network(torch.randn(2, 3, 40, 56), [(40, 56), (35, 50)])
    assert len(outputs) == 2
    for output, shape in zip(outputs, [(40, 56), (35, 50)], strict=True):
        proposals = output.proposals
        s = proposals.segmentation.num_regions
        assert proposals.segmentation.regions.shape == (5, 7)
        assert proposals.pixel_regions.shape == shape
        assert set(np.unique(proposals.pixel_regions)) <= set(range(s))
        assert proposals.geometry.shape == (s, 5)
        assert torch.all((proposals.geometry >= 0) & (proposals.geometry <= 1))
        assert proposals.features.shape == (s, 16)
        assert output.initial_object_logits.shape == output.object_logits.shape == (s, 1 + K)
        m = min(24, s * (s - 1))
        assert output.pair_index.shape == (2, m)
        assert output.relatedness.shape == (m,)
        assert output.predicate_logits.shape == (m, 1 + R)


def test_pyramid_links_join_consecutive_levels(tiny_network: Callable[..., Any]) -> None:
    network = tiny_network().eval()
    torch.manual_seed(1)
    fine = torch.randn(1, 3, 64, 64)
    coarse = torch.nn.functional.avg_pool2d(fine, 2)
    with torch.no_grad():
        outputs, links = network.forward_pyramid([fine, coarse])
    assert len(outputs) == 2 and len(links) == 1
    n_fine = outputs[0].proposals.segmentation.num_regions
    n_coarse = outputs[1].proposals.segmentation.num_regions
    index, shares = links[0].links, links[0].shares
    assert index.shape[0] == 2 and index.shape[1] == shares.shape[0] <= n_fine
    assert torch.all(index[0] < n_fine) and torch.all(index[1] < n_coarse)
    assert torch.all(shares >= 0.5) and torch.all(shares <= 1)
    assert len(set(index[0].tolist())) == index.shape[1]  # at most one parent each


def test_heads_are_differentiable_past_the_segmentation(
    tiny_network: Callable[..., Any],
) -> None:
    network = tiny_network()
    output = network(torch.randn(1, 3, 32, 32))[0]
    loss = output.object_logits.sum() + output.predicate_logits.sum()
    loss.backward()
    assert network.backbone.patch_embed.proj.weight.grad is not None
    assert network.pool.gate.weight.grad is not None
