"""Containment of fine objects in coarse ones, and the part_of links it decides."""

from __future__ import annotations

import numpy as np
import torch

from model.multiscale import containment_shares, part_of_links


def test_shares_are_measured_on_the_fine_grid() -> None:
    # Fine 4 x 4 grid: object 0 is the top half, 1 the bottom-left quarter, 2 the bottom right.
    fine = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 2, 2], [1, 1, 2, -1]])
    # Coarse 2 x 2 grid of the same extent: object 0 the left column, 1 the right column.
    coarse = np.array([[0, 1], [0, 1]])
    shares = containment_shares(fine, coarse)
    assert shares.shape == (3, 2)
    assert torch.allclose(shares, torch.tensor([[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]]))


def test_each_fine_object_links_to_its_best_parent_above_the_threshold() -> None:
    shares = torch.tensor([[0.5, 0.5], [0.9, 0.1], [0.3, 0.4], [0.0, 1.0]])
    links, kept = part_of_links(shares, min_share=0.5)
    assert links.tolist() == [[0, 1, 3], [0, 0, 1]]
    assert torch.allclose(kept, torch.tensor([0.5, 0.9, 1.0]))
    assert part_of_links(torch.zeros(0, 2))[0].shape == (2, 0)
