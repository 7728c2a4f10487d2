"""GRU graph labelling: neighbours that disagree change a node's label (constructed weights)."""

from __future__ import annotations

from typing import cast

import torch

from model.heads import GraphLabelling, ObjectClassifier

A, B = 1, 2
"""Logit indices of two object classes (0 is background)."""


def consensus_labelling(iterations: int) -> GraphLabelling:
    """Weights under which one round replaces a node's state by tanh(5 * mean of neighbours).

    Node states are one-hot class evidence (channels: background, A, B); messages carry the
    neighbour's state only (uniform attention, no edge term); the GRU update gate is shut
    (z ~ 0), so the new state is the candidate tanh(W_in m); the readout is the identity.
    """
    model = GraphLabelling(
        node_channels=3,
        edge_channels=1,
        hidden_channels=3,
        num_classes=2,
        num_predicates=1,
        iterations=iterations,
    )
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.zero_()
        model.node_in.weight.copy_(torch.eye(3))
        model.object_out.weight.copy_(torch.eye(3))
        for value in model.conv.value:
            cast(torch.nn.Linear, value).weight[:, :3].copy_(torch.eye(3))
        gru = model.conv.node_gru
        gru.bias_ih[3:6].fill_(-20.0)
        gru.weight_ih[6:9].copy_(5 * torch.eye(3))
    return model


def test_disagreeing_neighbours_flip_a_label_and_agreeing_ones_keep_it() -> None:
    own = torch.tensor([A, B, B, B, A, A])
    x = torch.nn.functional.one_hot(own, 3).float()
    # Node 0 (A) relates to three B nodes, as subject and as object; 4 and 5 (A) to each other.
    pairs = torch.tensor([[0, 2, 0, 4], [1, 0, 3, 5]])
    z = torch.zeros(4, 1)

    before, _ = consensus_labelling(iterations=0)(x, z, pairs)
    after, predicates = consensus_labelling(iterations=1)(x, z, pairs)

    assert before.argmax(1).tolist() == own.tolist()
    labels = after.argmax(1).tolist()
    assert labels[0] == B  # outvoted by its three B neighbours
    assert labels[1:4] == [A, A, A]  # each sees only node 0
    assert labels[4:] == [A, A]  # agreement keeps the label
    assert predicates.shape == (4, 2)


def test_classifier_and_labelling_output_widths() -> None:
    torch.manual_seed(0)
    classifier = ObjectClassifier(in_channels=8, hidden_channels=16, num_classes=32)
    assert classifier(torch.randn(5, 8)).shape == (5, 33)
    labelling = GraphLabelling(
        node_channels=8,
        edge_channels=4,
        hidden_channels=6,
        num_classes=32,
        num_predicates=16,
        iterations=3,
    )
    objects, predicates = labelling(
        torch.randn(5, 8), torch.randn(7, 4), torch.randint(0, 5, (2, 7))
    )
    assert objects.shape == (5, 33) and predicates.shape == (7, 17)
