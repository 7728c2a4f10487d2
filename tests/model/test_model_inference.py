"""Tile inference end to end on a real aerial tile: well-formed masks and triplets.

The network is tiny and untrained, so classes and scores mean nothing; the tests check the
contract with ``ingest.vectorise`` (TileMask on the tile grid) and the triplet conventions.
To exercise the mask path, the checkpoint's background logit biases are set low by hand, so
regions are labelled as objects rather than dropped as background.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from rasterio.windows import Window

from ingest.ontology import CLASS_IDS, get_predicate
from ingest.raster import level_for, open_raster, tile_windows
from ingest.vectorise import TileMask
from model.checkpoint import save_checkpoint
from model.errors import InvalidImage
from model.inference import (
    INFERENCE_MAX_PAIRS,
    INFERENCE_MAX_TRIPLETS,
    Segmenter,
    TilePrediction,
    resolve_device,
)


@pytest.fixture
def checkpoint(tiny_network: Callable[..., Any], tmp_path: Path) -> Path:
    network = tiny_network(seed=0)
    with torch.no_grad():
        network.classifier.mlp[-1].bias[0] = -10.0
        network.labelling.object_out.bias[0] = -10.0
    return save_checkpoint(network, tmp_path / "tiny.pt")


def assert_well_formed(
    prediction: TilePrediction, shape: tuple[int, int], valid: np.ndarray | None = None
) -> None:
    assert prediction.masks
    union = np.zeros(shape, dtype=int)
    for mask in prediction.masks:
        assert isinstance(mask, TileMask)
        assert mask.class_id in CLASS_IDS
        assert 0.0 <= mask.score <= 1.0
        assert mask.mask.shape == shape and mask.mask.dtype == bool and mask.mask.any()
        union += mask.mask
    assert union.max() == 1  # instances do not overlap
    if valid is not None:
        assert not union[~valid].any()
    scores = [t.score for t in prediction.triplets]
    assert scores == sorted(scores, reverse=True)
    for triplet in prediction.triplets:
        assert 0 <= triplet.subject < len(prediction.masks)
        assert 0 <= triplet.object < len(prediction.masks)
        assert triplet.subject != triplet.object
        assert get_predicate(triplet.predicate).stored
        assert 0.0 <= triplet.score <= 1.0


def test_real_tiles_give_tile_masks_and_triplets(
    checkpoint: Path, new_brunswick: tuple[np.ndarray, np.ndarray]
) -> None:
    rgb, _ = new_brunswick
    tile = np.ascontiguousarray(rgb[:, 150:250, 180:300])  # 100 x 120: padded to 104 x 120
    small = np.ascontiguousarray(rgb[:, :64, :64])
    valid = np.ones(tile.shape[1:], dtype=bool)
    valid[:, :10] = False
    segmenter = Segmenter.from_checkpoint(checkpoint, device="cpu", batch_size=2)
    predictions = segmenter.predict([tile, small, tile], [valid, None, None])
    assert len(predictions) == 3
    assert_well_formed(predictions[0], (100, 120), valid)
    assert_well_formed(predictions[1], (64, 64))
    assert_well_formed(predictions[2], (100, 120))
    assert predictions[1].triplets  # untrained, but every pair gets some best predicate

    alone = segmenter.predict([tile])[0]  # batching does not change a tile's result
    assert len(alone.masks) == len(predictions[2].masks)
    assert all(
        np.array_equal(a.mask, b.mask)
        for a, b in zip(alone.masks, predictions[2].masks, strict=True)
    )


def test_raster_tile_windows_are_read_and_predicted(
    checkpoint: Path, new_brunswick_small: Path
) -> None:
    level = level_for(open_raster(str(new_brunswick_small)), 2000)
    windows = tile_windows(level, tile_size=96, overlap=16)[:3]
    predictions = Segmenter.from_checkpoint(checkpoint, device="cpu").predict_windows(windows)
    assert len(predictions) == 3
    for window, prediction in zip(windows, predictions, strict=True):
        assert_well_formed(prediction, window.shape)


def test_pyramid_of_a_real_raster_links_fine_objects_to_coarse_ones(
    checkpoint: Path, new_brunswick_small: Path
) -> None:
    """The 280 x 341 px clip at 1:2,000 (0.5 m) and at 1:10,000 (1 m, 140 x 170 px)."""
    info = open_raster(str(new_brunswick_small))
    levels = [level_for(info, scale) for scale in (2000, 10000)]
    pixels = [level.read(Window(0, 0, level.width, level.height)) for level in levels]
    result = Segmenter.from_checkpoint(checkpoint, device="cpu").predict_pyramid(
        [p.rgb for p in pixels], [p.valid for p in pixels]
    )
    assert len(result.levels) == 2
    assert_well_formed(result.levels[0], (341, 280))
    assert_well_formed(result.levels[1], (170, 140))
    assert result.part_of
    for link in result.part_of:
        assert link.level == 0
        assert 0 <= link.fine < len(result.levels[0].masks)
        assert 0 <= link.coarse < len(result.levels[1].masks)
        assert 0.5 <= link.share <= 1.0
    assert len({link.fine for link in result.part_of}) == len(result.part_of)


def test_default_network_loads_without_a_checkpoint_on_the_cpu() -> None:
    torch.set_num_threads(1)
    segmenter = Segmenter.from_checkpoint(None)
    assert segmenter.device == resolve_device("auto")
    assert segmenter.network.patch_size == 16
    prediction = segmenter.predict([np.zeros((3, 48, 48), dtype=np.uint8)])[0]
    assert isinstance(prediction, TilePrediction)


def test_inference_caps_do_not_bind_recall_at_k_100(checkpoint: Path) -> None:
    """The RePN pair cap of training (128 in configs/train-msgg.yaml) and the per-tile triplet
    cap are lifted at inference, both settable."""
    segmenter = Segmenter.from_checkpoint(checkpoint, device="cpu")
    assert segmenter.network.repn.max_pairs == INFERENCE_MAX_PAIRS >= 1000
    assert segmenter.max_triplets == INFERENCE_MAX_TRIPLETS >= 1000
    assert (
        Segmenter.from_checkpoint(checkpoint, device="cpu", max_pairs=64).network.repn.max_pairs
        == 64
    )


def test_bad_tiles_are_refused(checkpoint: Path) -> None:
    segmenter = Segmenter.from_checkpoint(checkpoint, device="cpu")
    with pytest.raises(InvalidImage, match="uint8"):
        segmenter.predict([np.zeros((3, 16, 16), dtype=np.float32)])
    with pytest.raises(InvalidImage, match=r"\(3, H, W\)"):
        segmenter.predict([np.zeros((16, 16, 3), dtype=np.uint8)])
    with pytest.raises(InvalidImage, match="validity masks"):
        segmenter.predict([np.zeros((3, 16, 16), dtype=np.uint8)], [])
    with pytest.raises(InvalidImage, match=r"must be bool \(16, 16\)"):
        segmenter.predict([np.zeros((3, 16, 16), dtype=np.uint8)], [np.ones((16, 8), bool)])


@pytest.mark.gpu
def test_cuda_runs_the_network_like_the_cpu(
    checkpoint: Path, new_brunswick: tuple[np.ndarray, np.ndarray]
) -> None:
    tile = np.ascontiguousarray(new_brunswick[0][:, :128, :128])
    on_cpu = Segmenter.from_checkpoint(checkpoint, device="cpu")
    on_gpu = Segmenter.from_checkpoint(checkpoint, device="auto")
    assert on_gpu.device.type == "cuda"
    assert_well_formed(on_gpu.predict([tile])[0], (128, 128))
    with torch.inference_mode():
        tokens_cpu = on_cpu.network.backbone(on_cpu.prepare(tile)[None]).patch_tokens
        tokens_gpu = on_gpu.network.backbone(on_gpu.prepare(tile)[None]).patch_tokens
    assert torch.allclose(tokens_gpu.cpu(), tokens_cpu, atol=1e-3)


def test_the_imagery_segmenter_lists_the_classes_of_the_model_it_wraps(checkpoint: Path) -> None:
    from ingest.imagery.segmenter import segmenter_classes
    from model.inference import ImagerySegmenter

    model = Segmenter.from_checkpoint(checkpoint, device="cpu")
    wrapped = ImagerySegmenter(model, random_init=False)
    assert segmenter_classes(wrapped) == model.classes == tuple(CLASS_IDS)
