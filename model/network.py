"""The MSGG-AI network: image -> regions -> labelled scene graph, at one or several scales.

Per image (docs/method.md, P(G|I) = P(V|I) P(E|V,I) P(R,O|V,E,I)):

1. backbone: images [B, 3, H, W] -> patch tokens [B, N, D] on an (h, w) grid;
2. ``GraphCutSegmenter``: tokens [N, D] -> S regions on the grid (normalized cut, no labels);
   ``SegmentAttentionPool`` (GNN) -> region features [S, H]; with the region geometry [S, 5]
   (``model.geometry``) an encoder gives object features x [S, H]        -> P(V | I)
3. ``ObjectClassifier``: x -> initial logits [S, 1 + K];
4. ``RelationProposalNetwork`` on [x || softmax(initial logits)] -> top-M pairs [2, M] and
   their relatedness [M]                                                 -> P(E | V, I)
5. ``GraphLabelling`` on x and the pair features z = [x_s || x_o || pair geometry] [M, 2H + 12]
   -> object logits [S, 1 + K], predicate logits [M, 1 + R]             -> P(R, O | V, E, I)
6. ``forward_pyramid``: the same footprint at several scales, fine to coarse; after step 2 the
   object features of consecutive scales are exchanged along part_of links found by
   containment (``model.multiscale``, ``CrossScaleFusion``), then steps 3-5 run per scale.

Logit index 0 is background (objects) / no relation (predicates); 1 + i is the i-th id of the
ontology lists the network was built for (``model.checkpoint`` keeps them with the weights).
The segmentation is not differentiable; everything after it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from model.backbone.vit import VisionTransformer
from model.geometry import PAIR_FEATURES, REGION_FEATURES, pair_geometry, region_geometry
from model.heads.graph_labelling import GraphLabelling
from model.heads.object_classifier import ObjectClassifier
from model.heads.repn import RelationProposalNetwork
from model.multiscale import containment_shares, part_of_links
from model.nn.cross_scale_fusion import CrossScaleFusion
from model.nn.segment_pool import SegmentAttentionPool
from model.segmentation.graph_cut import GraphCutSegmenter, PatchSegmentation
from model.segmentation.regions import regions_to_pixels


@dataclass(frozen=True, slots=True)
class ObjectProposals:
    """The regions of one image and their features.

    ``segmentation`` holds the patch-grid regions [h, w]; ``pixel_regions`` [H, W] the region
    id of every pixel of the (unpadded) image; ``geometry`` [S, 5] normalised boxes and area
    shares; ``features`` [S, hidden] the object features.
    """

    segmentation: PatchSegmentation
    pixel_regions: np.ndarray
    geometry: Tensor
    features: Tensor


@dataclass(frozen=True, slots=True)
class SceneGraphOutput:
    """The scene graph of one image: proposals, their labels and the proposed relations.

    ``initial_object_logits`` and ``object_logits`` [S, 1 + K] (before and after graph
    labelling); ``pair_index`` [2, M] (subject, object) region indices; ``relatedness`` [M] RePN
    scores in (0, 1); ``predicate_logits`` [M, 1 + R].
    """

    proposals: ObjectProposals
    initial_object_logits: Tensor
    object_logits: Tensor
    pair_index: Tensor
    relatedness: Tensor
    predicate_logits: Tensor


@dataclass(frozen=True, slots=True)
class CrossScaleLinks:
    """part_of links between the objects of two consecutive scales of a pyramid.

    ``links`` [2, L] (fine object, coarse object) indices; ``shares`` [L] the share of the fine
    object's area inside the coarse one.
    """

    links: Tensor
    shares: Tensor


class MSGGNet(nn.Module):
    """Backbone, graph segmentation and scene-graph heads (see the module docstring).

    ``hidden_channels`` is the width of object, relation and GRU states; ``num_classes`` K and
    ``num_predicates`` R count ontology ids (background and no-relation come on top);
    ``max_pairs`` M caps RePN's proposals per image; ``iterations`` T the GRU rounds.
    """

    def __init__(
        self,
        *,
        backbone: VisionTransformer,
        segmenter: GraphCutSegmenter,
        hidden_channels: int,
        num_classes: int,
        num_predicates: int,
        max_pairs: int,
        iterations: int,
    ) -> None:
        super().__init__()
        self.backbone = backbone
        self.segmenter = segmenter
        self._head_kwargs: dict[str, Any] = {
            "hidden_channels": hidden_channels,
            "max_pairs": max_pairs,
            "iterations": iterations,
        }
        self.num_classes = num_classes
        self.num_predicates = num_predicates
        self.pool = SegmentAttentionPool(
            in_channels=backbone.embed_dim, out_channels=hidden_channels
        )
        self.encoder = nn.Linear(hidden_channels + REGION_FEATURES, hidden_channels)
        self.fusion = CrossScaleFusion(channels=hidden_channels)
        self.classifier = ObjectClassifier(
            in_channels=hidden_channels, hidden_channels=hidden_channels, num_classes=num_classes
        )
        self.repn = RelationProposalNetwork(
            in_channels=hidden_channels + 1 + num_classes,
            hidden_channels=hidden_channels,
            max_pairs=max_pairs,
        )
        self.labelling = GraphLabelling(
            node_channels=hidden_channels,
            edge_channels=2 * hidden_channels + PAIR_FEATURES,
            hidden_channels=hidden_channels,
            num_classes=num_classes,
            num_predicates=num_predicates,
            iterations=iterations,
        )

    def head_kwargs(self) -> dict[str, Any]:
        """``hidden_channels``, ``max_pairs`` and ``iterations``, for a checkpoint."""
        return dict(self._head_kwargs)

    @property
    def patch_size(self) -> int:
        return self.backbone.patch_size

    def propose(
        self, tokens: Tensor, grid: tuple[int, int], shape: tuple[int, int]
    ) -> ObjectProposals:
        """Object proposals of one image from its patch tokens [N, D] on ``grid``.

        ``shape`` (H, W) is the unpadded image size in pixels.
        """
        segmentation = self.segmenter(tokens, grid)
        region = torch.from_numpy(segmentation.regions.ravel()).to(tokens.device)
        pooled = self.pool(tokens, region, segmentation.num_regions)
        geometry = region_geometry(segmentation.regions).to(tokens.device)
        features = torch.relu(self.encoder(torch.cat([pooled, geometry], dim=1)))
        pixels = regions_to_pixels(segmentation.regions, patch_size=self.patch_size, shape=shape)
        return ObjectProposals(
            segmentation=segmentation, pixel_regions=pixels, geometry=geometry, features=features
        )

    def label(self, proposals: ObjectProposals) -> SceneGraphOutput:
        """Classify the proposals, propose relations and refine both."""
        x = proposals.features
        initial = self.classifier(x)
        pair_index, relatedness = self.repn(torch.cat([x, initial.softmax(dim=1)], dim=1))
        subjects, objects = pair_index
        z = torch.cat(
            [x[subjects], x[objects], pair_geometry(proposals.geometry[:, :4], pair_index)], dim=1
        )
        object_logits, predicate_logits = self.labelling(x, z, pair_index)
        return SceneGraphOutput(
            proposals=proposals,
            initial_object_logits=initial,
            object_logits=object_logits,
            pair_index=pair_index,
            relatedness=relatedness,
            predicate_logits=predicate_logits,
        )

    def _proposals(
        self, images: Tensor, shapes: Sequence[tuple[int, int]] | None
    ) -> list[ObjectProposals]:
        out = self.backbone(images)
        if shapes is None:
            shapes = [(int(images.shape[-2]), int(images.shape[-1]))] * images.shape[0]
        if len(shapes) != images.shape[0]:
            raise ValueError(f"{len(shapes)} shapes for {images.shape[0]} images")
        return [
            self.propose(tokens, out.grid, shape)
            for tokens, shape in zip(out.patch_tokens, shapes, strict=True)
        ]

    def forward(
        self, images: Tensor, shapes: Sequence[tuple[int, int]] | None = None
    ) -> list[SceneGraphOutput]:
        """Scene graphs of a batch ``images`` [B, 3, H, W] (sides multiples of the patch size).

        ``shapes`` are the images' (H, W) before padding; None when unpadded.
        """
        return [self.label(proposals) for proposals in self._proposals(images, shapes)]

    def forward_pyramid(
        self, levels: Sequence[Tensor], shapes: Sequence[tuple[int, int]] | None = None
    ) -> tuple[list[SceneGraphOutput], list[CrossScaleLinks]]:
        """Scene graphs of one footprint at several scales, fine to coarse, and their links.

        ``levels`` are [1, 3, H_l, W_l] images of the same area; ``shapes`` their unpadded
        sizes. Returns one output per level and one ``CrossScaleLinks`` per consecutive pair
        (level l fine, level l + 1 coarse).
        """
        if shapes is None:
            shapes = [(int(level.shape[-2]), int(level.shape[-1])) for level in levels]
        proposals = [
            self._proposals(level, [shape])[0] for level, shape in zip(levels, shapes, strict=True)
        ]
        features = [p.features for p in proposals]
        links = []
        for fine in range(len(proposals) - 1):
            shares = containment_shares(
                proposals[fine].pixel_regions, proposals[fine + 1].pixel_regions
            )
            index, share = part_of_links(shares)
            index, share = index.to(features[fine].device), share.to(features[fine].device)
            features[fine], features[fine + 1] = self.fusion(
                features[fine], features[fine + 1], index, share
            )
            links.append(CrossScaleLinks(links=index, shares=share))
        fused = [
            ObjectProposals(
                segmentation=p.segmentation,
                pixel_regions=p.pixel_regions,
                geometry=p.geometry,
                features=f,
            )
            for p, f in zip(proposals, features, strict=True)
        ]
        return [self.label(p) for p in fused], links
