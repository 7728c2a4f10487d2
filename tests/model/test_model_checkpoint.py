"""Checkpoints: round trip, the ontology check, and which files are refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from ingest.ontology import CLASS_IDS, PREDICATE_IDS
from model.checkpoint import load_backbone, load_checkpoint, network_from_dino, save_checkpoint
from model.errors import CheckpointError, OntologyMismatch


def test_round_trip_rebuilds_the_same_network(
    tiny_network: Callable[..., Any], tmp_path: Path
) -> None:
    network = tiny_network(seed=3, k_max=5).eval()
    path = save_checkpoint(network, tmp_path / "msgg.pt")
    loaded = load_checkpoint(path).eval()
    assert loaded.segmenter.kwargs() == network.segmenter.kwargs()
    assert loaded.head_kwargs() == network.head_kwargs()
    image = torch.randn(1, 3, 32, 40)
    with torch.no_grad():
        a, b = network(image)[0], loaded(image)[0]
    assert torch.equal(a.object_logits, b.object_logits)
    assert torch.equal(a.predicate_logits, b.predicate_logits)


def test_another_ontology_is_refused(tiny_network: Callable[..., Any], tmp_path: Path) -> None:
    network = tiny_network()
    renamed = ("buildings", *CLASS_IDS[1:])
    save_checkpoint(network, tmp_path / "renamed.pt", classes=renamed)
    with pytest.raises(OntologyMismatch, match=r"missing \['building'\], unknown \['buildings'\]"):
        load_checkpoint(tmp_path / "renamed.pt")
    reordered = (PREDICATE_IDS[1], PREDICATE_IDS[0], *PREDICATE_IDS[2:])
    save_checkpoint(network, tmp_path / "reordered.pt", predicates=reordered)
    with pytest.raises(OntologyMismatch, match="predicate ids .* another order"):
        load_checkpoint(tmp_path / "reordered.pt")


def test_foreign_files_are_refused(tiny_network: Callable[..., Any], tmp_path: Path) -> None:
    torch.save({"cls_token": torch.zeros(1, 1, 8)}, tmp_path / "dino.pth")
    with pytest.raises(CheckpointError, match="network_from_dino"):
        load_checkpoint(tmp_path / "dino.pth")
    path = save_checkpoint(tiny_network(), tmp_path / "msgg.pt")
    raw = torch.load(path, weights_only=True)
    torch.save({**raw, "version": 99}, tmp_path / "future.pt")
    with pytest.raises(CheckpointError, match="version 99"):
        load_checkpoint(tmp_path / "future.pt")
    del raw["heads"]
    torch.save(raw, tmp_path / "broken.pt")
    with pytest.raises(CheckpointError, match="incomplete"):
        load_checkpoint(tmp_path / "broken.pt")


def test_backbones_come_from_either_kind_of_file(
    tiny_network: Callable[..., Any], tmp_path: Path
) -> None:
    network = tiny_network(seed=5)
    path = save_checkpoint(network, tmp_path / "msgg.pt")
    backbone = load_backbone(path)
    assert torch.equal(backbone.pos_embed, network.backbone.pos_embed)
    dino = tmp_path / "dino.pth"
    torch.save(network.backbone.state_dict(), dino)
    from_dino = network_from_dino(dino)
    assert torch.equal(load_backbone(dino).cls_token, network.backbone.cls_token)
    assert torch.equal(from_dino.backbone.cls_token, network.backbone.cls_token)
    assert from_dino.num_classes == len(CLASS_IDS)
