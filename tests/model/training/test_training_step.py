"""One optimiser step on real Dubai crops lowers the loss; targets follow their definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from ingest.ontology import CLASS_IDS, PREDICATE_IDS
from model.training.augment import symmetries
from model.training.data import CropSampler, label_statistics, open_dataset, split_tiles
from model.training.losses import class_weights
from model.training.objective import TERMS, Objective
from model.training.targets import pair_targets, patch_labels, region_targets
from model.training.trainer import learning_rate, new_network
from tests.model.training.configs import msgg_config

BUILDING = 1 + CLASS_IDS.index("building")
ROAD = 1 + CLASS_IDS.index("road")
NEARBY = 1 + PREDICATE_IDS.index("nearby")


def _objective(root: Path, tiles: list[Any], ncut_images: int) -> Objective:
    stats = label_statistics(root, tiles)
    return Objective(
        object_weights=class_weights(stats.objects, 0.5),
        patch_weights=class_weights(stats.pixels, 0.5),
        predicate_weights=class_weights(stats.predicates, 0.5),
        affinity_weight=1.0,
        patches_weight=1.0,
        objects_weight=1.0,
        relatedness_weight=0.5,
        predicates_weight=0.5,
        margin=0.0,
        affinity_patches=256,
        ncut_images=ncut_images,
        negatives_per_positive=2.0,
    )


def test_one_step_reduces_the_loss_on_a_real_crop(tiny_config: dict[str, Any]) -> None:
    config = msgg_config(tiny_config)
    root = config.data.dataset
    tiles = split_tiles(root, open_dataset(root), "train")
    # Ground-truth regions only: normalized-cut regions move with the features, which would
    # make "the same batch" a different problem after the step.
    objective = _objective(root, tiles, ncut_images=0)
    sampler = CropSampler(
        root, tiles, seed=0, batch_size=2, crop_size=64, augment=config.augment,
        unlabelled_is_background=False,
    )  # fmt: skip
    crops = sampler.batch(0)
    assert any((crop.classes >= 0).any() for crop in crops)
    network = new_network(config)
    optimizer = torch.optim.AdamW(network.parameters(), lr=1e-3)

    before = objective(network, crops, torch.Generator().manual_seed(0))
    assert set(before) == {*TERMS, "total"}
    assert all(torch.isfinite(value) for value in before.values())
    before["total"].backward()
    optimizer.step()
    with torch.no_grad():
        after = objective(network, crops, torch.Generator().manual_seed(0))
    assert float(after["total"]) < float(before["total"].detach())


def test_crops_and_the_loss_are_deterministic(tiny_config: dict[str, Any]) -> None:
    config = msgg_config(tiny_config)
    root = config.data.dataset
    tiles = split_tiles(root, open_dataset(root), "train")
    sampler = CropSampler(
        root, tiles, seed=3, batch_size=2, crop_size=64, augment=config.augment,
        unlabelled_is_background=False,
    )  # fmt: skip
    first, again, other = sampler.batch(5), sampler.batch(5), sampler.batch(6)
    assert torch.equal(first[0].image, again[0].image)
    assert torch.equal(first[1].objects, again[1].objects)
    assert not torch.equal(first[0].image, other[0].image)
    objective = _objective(root, tiles, ncut_images=1)
    losses = [
        float(
            objective(new_network(config), first, torch.Generator().manual_seed(1))[
                "total"
            ].detach()
        )
        for _ in range(2)
    ]
    assert losses[0] == losses[1]


def test_patch_labels_take_the_majority_and_ignore_unlabelled_patches() -> None:
    classes = torch.full((4, 8), -1)
    classes[:, :4] = BUILDING
    classes[0, 4:6] = ROAD  # 2 of 16 pixels labelled: the patch is ignored
    objects = torch.zeros((4, 8), dtype=torch.long)
    objects[:, :4] = 7
    objects[:1, :1] = 9
    patch_class, patch_object = patch_labels(classes, objects, 4)
    assert patch_class.tolist() == [BUILDING, -1]
    assert patch_object.tolist() == [7, 0]


def test_region_targets_take_the_majority_and_owners_need_purity() -> None:
    regions = torch.tensor([[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 2, 2]])
    classes = torch.tensor([[BUILDING, BUILDING, BUILDING, ROAD], [BUILDING, ROAD, ROAD, BUILDING],
                            [-1, -1, -1, ROAD]])  # fmt: skip
    objects = torch.tensor([[1, 1, 1, 2], [1, 3, 3, 1], [0, 0, 0, 4]])
    targets = region_targets(regions, 3, classes, objects)
    # region 0: 3 of 4 pixels building, 3 of 4 object 1; region 1: building and road 2 each
    # (the tie goes to the lower index), object 1 holds 2 of 4, just enough to own it;
    # region 2: 1 of 4 pixels labelled, too few to label it.
    assert targets.classes.tolist() == [BUILDING, BUILDING, -1]
    assert targets.owners.tolist() == [1, 1, 0]
    objects[1, 3] = 5  # now no object holds half of region 1
    assert region_targets(regions, 3, classes, objects).owners.tolist() == [1, 0, 0]


def test_pair_targets_inherit_owner_relations() -> None:
    owners = torch.tensor([5, 6, 0, 5])
    found = pair_targets(owners, {(5, 6): (NEARBY,)}, len(PREDICATE_IDS))
    pairs = [tuple(p) for p in found.pairs.T.tolist()]
    assert set(pairs) == {(0, 1), (1, 0), (3, 1), (1, 3)}  # no self-owner pairs, no owner 0
    related = {pair for pair, r in zip(pairs, found.related.tolist(), strict=True) if r}
    assert related == {(0, 1), (3, 1)}
    row = found.predicates[pairs.index((0, 1))]
    assert row[NEARBY] == 1.0 and row.sum() == 1.0
    assert found.predicates[pairs.index((1, 0)), 0] == 1.0


def test_symmetries_move_labels_with_pixels() -> None:
    image = torch.arange(2 * 3 * 4, dtype=torch.float32).view(1, 2, 3, 4).expand(3, 2, 3, 4)[:, 0]
    labels = torch.arange(12).view(3, 4)
    for seed in range(8):
        out, (moved,) = symmetries(
            image, [labels], np.random.default_rng(seed), rot90=True, flip=True
        )
        assert torch.equal(out[0].long(), moved)


def test_learning_rate_warms_up_then_decays_to_the_floor() -> None:
    rates = [learning_rate(s, total=100, lr=1e-3, min_lr=1e-5, warmup=10) for s in range(100)]
    assert rates[0] == 1e-4 and rates[9] == 1e-3
    assert all(a >= b for a, b in zip(rates[9:], rates[10:], strict=False))
    assert abs(rates[-1] - 1e-5) < 1e-12
