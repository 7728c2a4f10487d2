"""One training forward pass: a batch of crops through ``MSGGNet`` to the weighted loss.

The backbone runs once on the batch. Its patch tokens get the affinity loss, and each patch,
taken as a one-patch region through the pooling, encoder and classifier, the patch loss: a
dense class signal that a few hundred steps on a CPU can learn from, where region labels
alone are a few dozen per crop. Then the heads see two kinds of regions per crop:

- **ground-truth regions**: the patches of each labelled object (``targets.object_regions``):
  clean object features and every related pair, from the first step on;
- **normalized-cut regions** of the first ``ncut_images`` crops (``MSGGNet.propose``, exactly
  what inference sees): labelled by their majority class (``targets.region_targets``), so the
  classifier learns what a real, mixed segment looks like.

For each region set the classifier gives initial logits, RePN scores every candidate pair
(``targets.pair_targets``), and graph labelling runs on the related pairs plus
``negatives_per_positive`` sampled unrelated ones (at inference it runs on RePN's top pairs
instead). Gradients reach the backbone through the pooled region features too; only the
normalized cut itself is not differentiable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from model.geometry import pair_geometry, region_geometry
from model.network import MSGGNet
from model.training.data import Crop, Relations
from model.training.losses import (
    affinity_loss,
    object_loss,
    predicate_loss,
    relatedness_loss,
)
from model.training.targets import (
    RegionTargets,
    object_regions,
    pair_targets,
    patch_labels,
    region_targets,
)

TERMS = ("affinity", "patches", "objects", "relatedness", "predicates")
"""The loss terms, in reporting order; ``total`` is their weighted sum."""

PER_CROP = ("affinity", "patches")
"""Terms averaged over crops; the others are averaged over region sets."""


class Objective:
    """The weighted training loss of a batch (module docstring).

    ``object_weights`` [1 + K] (regions), ``patch_weights`` [1 + K] (patches: balanced by
    area, not by object count) and ``predicate_weights`` [1 + R] balance the classes; the
    ``*_weight`` floats weigh the terms; ``margin`` is the affinity loss's margin; the affinity
    and patch terms use ``affinity_patches`` random patches per crop.
    """

    def __init__(
        self,
        *,
        object_weights: Tensor,
        patch_weights: Tensor,
        predicate_weights: Tensor,
        affinity_weight: float,
        patches_weight: float,
        objects_weight: float,
        relatedness_weight: float,
        predicates_weight: float,
        margin: float,
        affinity_patches: int,
        ncut_images: int,
        negatives_per_positive: float,
    ) -> None:
        self.object_weights = object_weights
        self.patch_weights = patch_weights
        self.predicate_weights = predicate_weights
        self.term_weights = {
            "affinity": affinity_weight,
            "patches": patches_weight,
            "objects": objects_weight,
            "relatedness": relatedness_weight,
            "predicates": predicates_weight,
        }
        self.margin = margin
        self.affinity_patches = affinity_patches
        self.ncut_images = ncut_images
        self.negatives_per_positive = negatives_per_positive

    def __call__(
        self, network: MSGGNet, crops: Sequence[Crop], generator: torch.Generator
    ) -> dict[str, Tensor]:
        """The loss terms and their weighted ``total`` (scalar tensors)."""
        device = next(network.parameters()).device
        images = torch.stack([crop.image for crop in crops]).to(device)
        out = network.backbone(images)
        size = (int(images.shape[-2]), int(images.shape[-1]))
        sums = {term: images.new_zeros(()) for term in TERMS}
        region_sets = 0
        for n, (crop, tokens) in enumerate(zip(crops, out.patch_tokens, strict=True)):
            classes, objects = crop.classes.to(device), crop.objects.to(device)
            patches = patch_labels(classes, objects, network.patch_size)
            sample = torch.randperm(len(tokens), generator=generator)[: self.affinity_patches]
            sample = sample.to(device)
            sums["affinity"] = sums["affinity"] + affinity_loss(
                tokens, patches[0], self.margin, sample=sample
            )
            sums["patches"] = sums["patches"] + object_loss(
                self._patch_logits(network, tokens, out.grid, sample),
                patches[0][sample],
                self.patch_weights.to(device),
            )
            sets = [self._truth_regions(network, tokens, out.grid, (classes, objects), patches)]
            if n < self.ncut_images:
                proposals = network.propose(tokens, out.grid, size)
                regions = torch.from_numpy(proposals.pixel_regions).to(device)
                count = proposals.segmentation.num_regions
                targets = region_targets(regions, count, classes, objects)
                sets.append((proposals.features, proposals.geometry, targets))
            for features, geometry, targets in sets:
                for term, value in self._head_losses(
                    network, features, geometry, targets, crop.relations, generator
                ).items():
                    sums[term] = sums[term] + value
                region_sets += 1
        losses = {
            term: sums[term] / (len(crops) if term in PER_CROP else region_sets) for term in TERMS
        }
        losses["total"] = sum(
            (self.term_weights[term] * losses[term] for term in TERMS), images.new_zeros(())
        )
        return losses

    @staticmethod
    def _patch_logits(
        network: MSGGNet, tokens: Tensor, grid: tuple[int, int], sample: Tensor
    ) -> Tensor:
        """Object logits [n, 1 + K] of the patches ``sample``, each taken as a region alone."""
        rows, cols = grid
        count = len(sample)
        pooled = network.pool(tokens[sample], torch.arange(count, device=tokens.device), count)
        row, col = (sample // cols).float(), (sample % cols).float()
        geometry = torch.stack(
            [col / cols, row / rows, (col + 1) / cols, (row + 1) / rows,
             torch.full_like(row, 1.0 / (rows * cols))],
            dim=1,
        )  # fmt: skip
        features = torch.relu(network.encoder(torch.cat([pooled, geometry], dim=1)))
        return network.classifier(features)

    @staticmethod
    def _truth_regions(
        network: MSGGNet,
        tokens: Tensor,
        grid: tuple[int, int],
        crop: tuple[Tensor, Tensor],
        patches: tuple[Tensor, Tensor],
    ) -> tuple[Tensor, Tensor, RegionTargets]:
        """Features [S, H], geometry [S, 5] and targets of the ground-truth regions.

        Patches outside every region form one extra region S, pooled and then dropped.
        """
        regions, count = object_regions(*patches)
        grid_regions = regions.view(grid)
        pooled = network.pool(tokens, regions, count + 1)[:count]
        geometry = region_geometry(grid_regions.cpu().numpy())[:count].to(tokens.device)
        features = torch.relu(network.encoder(torch.cat([pooled, geometry], dim=1)))
        patch = network.patch_size
        pixels = grid_regions.repeat_interleave(patch, 0).repeat_interleave(patch, 1)
        targets = region_targets(pixels, count + 1, *crop)
        return (
            features,
            geometry,
            RegionTargets(classes=targets.classes[:count], owners=targets.owners[:count]),
        )

    def _labelled_pairs(self, related: Tensor, limit: int, generator: torch.Generator) -> Tensor:
        """Indices of the candidates graph labelling trains on: related ones and
        ``negatives_per_positive`` times as many unrelated ones, at most ``limit`` (RePN's
        M, what labelling sees at inference) in all, drawn at random."""
        positive = torch.nonzero(related).flatten()
        negative = torch.nonzero(~related).flatten()
        share = 1.0 / (1.0 + self.negatives_per_positive)
        positives = min(len(positive), max(1, math.floor(limit * share)))
        negatives = min(
            len(negative),
            limit - positives,
            math.ceil(self.negatives_per_positive * max(positives, 1)),
        )
        pick = [
            indices[torch.randperm(len(indices), generator=generator)[:count].to(indices.device)]
            for indices, count in ((positive, positives), (negative, negatives))
        ]
        return torch.cat(pick)

    def _head_losses(
        self,
        network: MSGGNet,
        features: Tensor,
        geometry: Tensor,
        targets: RegionTargets,
        relations: Relations,
        generator: torch.Generator,
    ) -> dict[str, Tensor]:
        initial = network.classifier(features)
        candidates = pair_targets(targets.owners, relations, network.num_predicates)
        scored = torch.cat([features, initial.softmax(dim=1)], dim=1)
        relatedness = relatedness_loss(
            network.repn.pair_logits(scored, candidates.pairs), candidates.related
        )
        chosen = self._labelled_pairs(candidates.related, network.repn.max_pairs, generator)
        pair_index = candidates.pairs[:, chosen]
        z = torch.cat(
            [
                features[pair_index[0]],
                features[pair_index[1]],
                pair_geometry(geometry[:, :4], pair_index),
            ],
            dim=1,
        )
        refined, predicate_logits = network.labelling(features, z, pair_index)
        weights = self.object_weights.to(features.device)
        return {
            "objects": (
                object_loss(initial, targets.classes, weights)
                + object_loss(refined, targets.classes, weights)
            )
            / 2,
            "relatedness": relatedness,
            "predicates": predicate_loss(
                predicate_logits,
                candidates.predicates[chosen],
                self.predicate_weights.to(features.device),
            ),
        }
