"""Feature exchange between fine and coarse objects along part_of links."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


BUILD_AND_RUN = """
import torch
from model.nn import CrossScaleFusion
fusion = CrossScaleFusion(channels=2)
out = fusion(torch.ones(2, 2), torch.ones(1, 2), torch.tensor([[0, 1], [0, 0]]), torch.ones(2))
assert out[1].shape == (1, 2)
"""


def test_building_the_layer_leaves_no_generated_code_in_the_temporary_folder(
    tmp_path: Path,
) -> None:
    # A fresh process: torch_geometric generates the layer's code once per process.
    env = os.environ | {"TMPDIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", BUILD_AND_RUN], env=env, check=True, timeout=300)
    assert list(tmp_path.iterdir()) == []
