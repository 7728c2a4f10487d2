"""Feature exchange between fine and coarse objects along part_of links."""

from __future__ import annotations

import torch

from model.nn import CrossScaleFusion


def test_parts_feed_their_whole_and_the_whole_feeds_its_parts() -> None:
    fusion = CrossScaleFusion(channels=2)
    with torch.no_grad():
        for layer in (fusion.up, fusion.down):
            layer.weight.copy_(torch.eye(2))
            layer.bias.zero_()
    fine = torch.tensor([[1.0, 0.0], [3.0, 0.0], [0.0, 5.0]])
    coarse = torch.tensor([[0.0, 2.0], [7.0, 7.0]])
    links = torch.tensor([[0, 1], [0, 0]])
    shares = torch.tensor([1.0, 0.5])
    new_fine, new_coarse = fusion(fine, coarse, links, shares)
    # Coarse 0 gains the share-weighted mean of its parts: (1 * 1 + 0.5 * 3) / 1.5.
    assert torch.allclose(new_coarse[0], torch.tensor([5 / 3, 2.0]))
    # Parts gain their parent's features.
    assert torch.allclose(new_fine[:2], fine[:2] + torch.tensor([0.0, 2.0]))
    # Objects without links are unchanged.
    assert torch.equal(new_fine[2], fine[2]) and torch.equal(new_coarse[1], coarse[1])
