"""One round of GRU message passing over objects and relations."""

from __future__ import annotations

import torch

from model.nn import SceneGraphGRUConv


def test_states_keep_their_shapes() -> None:
    torch.manual_seed(0)
    conv = SceneGraphGRUConv(channels=8)
    h, e = conv(torch.randn(5, 8), torch.randn(3, 8), torch.tensor([[0, 1, 4], [1, 2, 0]]))
    assert h.shape == (5, 8) and e.shape == (3, 8)


def test_a_node_in_no_pair_gets_an_empty_message() -> None:
    torch.manual_seed(0)
    conv = SceneGraphGRUConv(channels=4)
    h0 = torch.randn(3, 4)
    h, _ = conv(h0, torch.randn(1, 4), torch.tensor([[0], [1]]))
    assert torch.allclose(h[2], conv.node_gru(torch.zeros(1, 4), h0[2:])[0])


def test_subject_and_object_roles_differ() -> None:
    torch.manual_seed(0)
    conv = SceneGraphGRUConv(channels=4)
    h0, e0 = torch.randn(2, 4), torch.randn(1, 4)
    forward, _ = conv(h0, e0, torch.tensor([[0], [1]]))
    backward, _ = conv(h0, e0, torch.tensor([[1], [0]]))
    assert not torch.allclose(forward, backward)


def test_no_pairs_at_all() -> None:
    conv = SceneGraphGRUConv(channels=4)
    h, e = conv(torch.randn(3, 4), torch.zeros(0, 4), torch.zeros(2, 0, dtype=torch.long))
    assert h.shape == (3, 4) and e.shape == (0, 4)
