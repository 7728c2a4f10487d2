"""The shipped default model: ``load_segmenter()`` loads it and answers the imagery contract.

It runs on a crop of a real Dubai tile from the held-out test area (tile-4). The checks are
about form (one answer per tile, masks on the tile grid, classes drawn at the scale, triplets
inside the tile), not quality: the model card reports how good it is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from ingest.ontology import classes_at, get_predicate
from ingest.raster import RasterPixels
from model.backbone.dino import load_file
from model.backbone.pretrained import DINOV2_VITS14
from model.datasets.colours import read_rgb
from model.dense.segmenter import DenseSegmenter
from model.errors import CheckpointError
from model.inference import DEFAULT_CHECKPOINT, ImagerySegmenter, load_segmenter
from tests.support.sample_data import sample

TRAINED_CLASSES = {"building", "bare_ground", "road", "vegetation", "water_body"}
TILE = "training/dubai-6class/tile-4/images/image_part_005.jpg"


@pytest.fixture(scope="module")
def test_area_tile() -> RasterPixels:
    """A 192 x 256 crop of a held-out Dubai image, its lower-right corner marked nodata."""
    with rasterio.open(sample(TILE)) as source:
        rgb = source.read(window=((200, 392), (300, 556)))
    valid = np.ones(rgb.shape[1:], dtype=bool)
    valid[150:, 200:] = False
    return RasterPixels(rgb=np.where(valid, rgb, 0).astype(np.uint8), valid=valid,
                        transform=Affine.identity())  # fmt: skip


def test_the_shipped_checkpoint_carries_its_classes_recipe_and_backbone_names() -> None:
    raw = load_file(DEFAULT_CHECKPOINT)
    assert raw["format"] == "orthograph.dense"
    assert set(raw["classes"]) == TRAINED_CLASSES
    assert raw["training"]["config"]["kind"] == "dense"
    assert "val" in raw["training"]["config"]["sources"][0]["splits"]
    assert raw["backbones"][DINOV2_VITS14.name]["sha256"] == DINOV2_VITS14.sha256
    # the head and the backbones' names, never the 88 MB backbone itself
    assert DEFAULT_CHECKPOINT.stat().st_size < 5 * 2**20


def test_load_segmenter_uses_the_shipped_weights(test_area_tile: RasterPixels) -> None:
    segmenter = load_segmenter()
    assert isinstance(segmenter, ImagerySegmenter)
    assert segmenter.name == "msgg-ai" and segmenter.random_init is False
    assert isinstance(segmenter.segmenter, DenseSegmenter)

    (answer,) = segmenter.segment([test_area_tile], 2000)
    assert answer.masks, "the trained model labels some of a real tile"
    union = np.zeros(test_area_tile.valid.shape, dtype=int)
    for mask in answer.masks:
        assert mask.class_id in TRAINED_CLASSES
        assert mask.mask.shape == test_area_tile.valid.shape and mask.mask.dtype == bool
        assert 0.0 <= mask.score <= 1.0
        union += mask.mask
    assert union.max() == 1  # instances do not overlap
    assert not union[~test_area_tile.valid].any()  # nothing where the image has no data
    for triplet in answer.triplets:
        assert 0 <= triplet.subject < len(answer.masks)
        assert 0 <= triplet.object < len(answer.masks)
        assert get_predicate(triplet.predicate).stored


def test_only_classes_of_the_scale_come_back(test_area_tile: RasterPixels) -> None:
    segmenter = load_segmenter()
    fine, coarse = segmenter.segment([test_area_tile, test_area_tile], 50000)
    drawn = set(classes_at(50000))
    for answer in (fine, coarse):
        assert {m.class_id for m in answer.masks} <= drawn
        assert all(t.subject < len(answer.masks) for t in answer.triplets)
    assert [m.class_id for m in fine.masks] == [m.class_id for m in coarse.masks]


def test_a_missing_checkpoint_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="does not exist"):
        load_segmenter(tmp_path / "nothing.pt")


def test_the_shipped_model_finds_the_buildings_of_a_held_out_tile() -> None:
    """A regression guard on quality, not a measurement (MODEL_CARD.md has those): on a
    held-out Dubai image the default model's building pixels overlap the labelled ones well.
    A broken backbone conversion, normalisation or refinement drops this near zero."""
    with rasterio.open(sample(TILE)) as source:
        rgb = source.read(window=((0, 512), (0, 512)))
    mask_path = TILE.replace("/images/", "/masks/").replace(".jpg", ".png")
    colours = read_rgb(sample(mask_path))[:, :512, :512]
    truth = (colours[0] == 0x3C) & (colours[1] == 0x10) & (colours[2] == 0x98)
    tile = RasterPixels(rgb=rgb, valid=np.ones(truth.shape, dtype=bool),
                        transform=Affine.identity())  # fmt: skip
    (answer,) = load_segmenter(device="cpu").segment([tile], 2000)
    predicted = np.zeros(truth.shape, dtype=bool)
    for mask in answer.masks:
        if mask.class_id == "building":
            predicted |= mask.mask
    assert truth.sum() > 1000, "the crop holds buildings"
    iou = (predicted & truth).sum() / (predicted | truth).sum()
    assert iou > 0.4, f"building IoU {iou:.3f} on a held-out tile"
