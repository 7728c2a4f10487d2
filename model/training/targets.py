"""Training targets on the network's own units: patches, regions and region pairs.

**Patches.** A patch of side p gets the class that most of its pixels have, if at least half
of its pixels are labelled (``classes`` >= 0), else -1 (ignored); likewise the object id
that most of its pixels belong to (0 = none).

**Regions.** A region (a ground-truth object's patches, or a normalized-cut segment) with
labelled pixels L, of which the largest object holds O:

- fewer than half its pixels labelled: target -1 (no loss), no owner;
- otherwise its target is the class most of its labelled pixels have (background only where
  the label maps say so, ``data.unlabelled: background``). A mixed segment is not called
  background: inference would drop it and leave its pixels unmapped, while its majority
  class is right for most of them;
- O / L >= ``PURITY``: owner O (0: no owner). Pairs of regions inherit the relations of
  their owners.

**Pairs.** Ordered pairs (i, j) of regions with different, non-zero owners are candidates;
a candidate is related when the tile has a triplet (owner_i, p, owner_j). Regions of the same
owner (a fragmented object) are never paired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from model.training.data import Relations

PURITY = 0.5
"""Share of a region's labelled pixels one object must hold to own it."""


@dataclass(frozen=True, slots=True, eq=False)
class RegionTargets:
    """Per region: ``classes`` [S] logit index (-1: no loss) and ``owners`` [S] object id."""

    classes: Tensor
    owners: Tensor


@dataclass(frozen=True, slots=True, eq=False)
class PairTargets:
    """Candidate pairs [2, P] with ``related`` [P] bool, and per candidate its predicate
    distribution ``predicates`` [P, 1 + R] (row sums 1; no-relation at index 0)."""

    pairs: Tensor
    related: Tensor
    predicates: Tensor


def _majority(values: Tensor, groups: Tensor, count: int) -> tuple[Tensor, Tensor]:
    """Per group 0..count-1: the most frequent of the non-negative ``values`` and its count."""
    width = int(values.max()) + 1 if values.numel() else 1
    table = torch.zeros(count * width, dtype=torch.long, device=values.device)
    table.index_add_(0, groups * width + values, torch.ones_like(values))
    best, value = table.view(count, width).max(dim=1)
    return value, best


def patch_labels(classes: Tensor, objects: Tensor, patch: int) -> tuple[Tensor, Tensor]:
    """Patch class [h * w] (-1: ignored) and patch object [h * w] of [H, W] label maps."""
    rows, cols = classes.shape[0] // patch, classes.shape[1] // patch

    def cells(x: Tensor) -> Tensor:
        x = x[: rows * patch, : cols * patch].reshape(rows, patch, cols, patch)
        return x.permute(0, 2, 1, 3).reshape(rows * cols, patch * patch)

    cls, obj = cells(classes), cells(objects)
    labelled = cls >= 0
    index = torch.arange(rows * cols, device=cls.device)[:, None].expand_as(cls)
    patch_class, _ = _majority(cls[labelled], index[labelled], rows * cols)
    patch_class = torch.where(labelled.sum(dim=1) * 2 >= patch * patch, patch_class, -1)
    patch_object = torch.mode(obj, dim=1).values
    return patch_class, patch_object


def region_targets(regions: Tensor, count: int, classes: Tensor, objects: Tensor) -> RegionTargets:
    """Targets of ``count`` regions from a region map and label maps of one shape."""
    labelled = classes >= 0
    region, cls, obj = regions[labelled], classes[labelled], objects[labelled]
    total = torch.bincount(region, minlength=count)
    cls_value, _ = _majority(cls, region, count)
    obj_value, obj_count = _majority(obj, region, count)
    enough = total * 2 >= torch.bincount(regions.flatten(), minlength=count)
    target = torch.where(enough, cls_value, -1)
    owned = enough & (obj_count >= PURITY * total)
    return RegionTargets(classes=target, owners=torch.where(owned, obj_value, 0))


def pair_targets(owners: Tensor, relations: Relations, num_predicates: int) -> PairTargets:
    """Candidate pairs of regions with ``owners`` [S] and their targets (module docstring)."""
    owner = owners.cpu().numpy()
    subject, obj = np.nonzero(
        (owner[:, None] != owner[None, :]) & (owner[:, None] > 0) & (owner[None, :] > 0)
    )
    distribution = np.zeros((len(subject), 1 + num_predicates), dtype=np.float32)
    distribution[:, 0] = 1.0
    for n, (s, o) in enumerate(zip(owner[subject].tolist(), owner[obj].tolist(), strict=True)):
        found = relations.get((s, o))
        if found:
            distribution[n] = 0.0
            distribution[n, list(found)] = 1.0 / len(found)
    predicates = torch.from_numpy(distribution).to(owners.device)
    return PairTargets(
        pairs=torch.from_numpy(np.stack([subject, obj])).long().to(owners.device),
        related=predicates[:, 0] == 0,
        predicates=predicates,
    )


def object_regions(patch_class: Tensor, patch_object: Tensor) -> tuple[Tensor, int]:
    """Ground-truth regions on the patch grid: one per object id among patches with a class
    (``patch_class`` >= 0), numbered 0..S-1; other patches get region S (left out)."""
    kept = patch_class >= 0
    ids = torch.unique(patch_object[kept])
    regions = torch.full_like(patch_object, len(ids))
    regions[kept] = torch.searchsorted(ids, patch_object[kept])
    return regions, len(ids)
