"""RePN keeps exactly the ordered pairs it scores highest, chunk by chunk."""

from __future__ import annotations

import itertools

import torch

from model.heads import RelationProposalNetwork


def test_kept_pairs_are_the_top_scored_ones() -> None:
    torch.manual_seed(0)
    repn = RelationProposalNetwork(in_channels=6, hidden_channels=5, max_pairs=20, chunk_size=4)
    x = torch.randn(13, 6)
    pairs, relatedness = repn(x)

    every = torch.tensor([p for p in itertools.permutations(range(13), 2)]).T
    logits = repn.pair_logits(x, every)
    top = logits.topk(20).indices
    assert pairs.shape == (2, 20)
    assert {tuple(p) for p in pairs.T.tolist()} == {tuple(p) for p in every[:, top].T.tolist()}
    assert torch.allclose(relatedness, torch.sigmoid(logits[top]), atol=1e-6)
    assert torch.all(relatedness[:-1] >= relatedness[1:])
    assert torch.all(pairs[0] != pairs[1])


def test_few_objects_give_every_ordered_pair_once() -> None:
    repn = RelationProposalNetwork(in_channels=3, hidden_channels=4, max_pairs=100, chunk_size=2)
    pairs, relatedness = repn(torch.randn(3, 3))
    assert sorted(map(tuple, pairs.T.tolist())) == list(itertools.permutations(range(3), 2))
    assert torch.all((relatedness > 0) & (relatedness < 1))


def test_one_object_has_no_pairs() -> None:
    repn = RelationProposalNetwork(in_channels=3, hidden_channels=4, max_pairs=10)
    pairs, relatedness = repn(torch.randn(1, 3))
    assert pairs.shape == (2, 0) and relatedness.shape == (0,)
