"""Evidence of change between two readings of one place, from the pixels rather than the objects.

Per pixel of the newer image's level and per class ``c`` (``P_b``, ``P_a``: the model's
probability of ``c`` before and after; ``d``: the cosine distance between the two images'
projected DINOv2 tokens, divided by its median over the pair, since its level moves with the
images' radiometry):

- appeared: ``d * max(P_a - P_b, 0)``; disappeared: ``d * max(P_b - P_a, 0)``,

each divided by its kind's tuned threshold (``model.change.calibration``): a **ratio** of 1 is
where a change begins to be reported.

Both are near zero where the images agree, whatever the segmentations make of them, so a
building split differently, an outline drawn a pixel wider or a patch of vegetation the model
labels once one way and once the other carries no evidence. When the older state is a vector
map (no image), ``P_b`` is its drawing of ``c`` (1 inside its objects of ``c``) and ``d`` is 1:
the evidence is then one-sided, the new image against the old map.

Against an old map the model's own bias is not cancelled by a second reading (a shadow it
takes for a roof is in the new image alone), so one-sided evidence only judges the changes the
objects show and proposes none, and only for a class the new image's reading agrees with the
map on: Dice of the model's mask (probability >= 0.5) and the map's drawing of the class over
the place at least ``MAP_AGREEMENT``. One image can contradict a map only where it otherwise
reads the map's objects as the map does; where it does not (a model that takes every bright
clearing of a panchromatic image for a roof), it says nothing about that class.

A candidate change of the object diff scores the mean over its footprint (appeared: the new
one; disappeared: the old one; reclassified: the larger of the new class appearing and the old
one disappearing; geometry changed: both kinds over the two outlines' symmetric difference).
Changes the objects missed are **proposed**: connected components of a thing class's map at or
above ratio 1, at least the scale's minimum mapping unit (stuff classes, whose
blobs move with the seasons, are judged but never proposed). Ratios become confidences through
the :class:`~model.change.calibration.Calibration` tuned on real change pairs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np
import shapely
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from rasterio.features import rasterize, shapes
from rasterio.warp import Resampling, reproject
from scipy import ndimage
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ingest.ontology import STUFF_CLASSES, get_class
from model.change.calibration import Calibration
from model.change.maps import LevelMaps
from model.datasets.rasterise import wgs84_to_pixels
from model.dense.extractors import PATCH

MAP_AGREEMENT = 0.5
"""Least Dice between a new image's reading of a class and the old map's drawing of it for the
image to judge that class's changes against the map (module docstring)."""

log = logging.getLogger(__name__)

APPEARED, DISAPPEARED = "appeared", "disappeared"
RECLASSIFIED, GEOMETRY_CHANGED = "reclassified", "geometry_changed"


class PairEvidence:
    """The evidence between an older reading (``before`` maps, or the old map's ``old_objects``
    by class, WGS84) and ``after``; satisfies ``graphdb.diff.evidence.ChangeEvidence``."""

    def __init__(
        self,
        after: LevelMaps,
        before: LevelMaps | None,
        old_objects: Mapping[str, Sequence[BaseGeometry]],
        calibration: Calibration,
    ) -> None:
        self._after = after
        self._before = None if before is None else _on_grid(before, after)
        self._old_objects = old_objects
        self._calibration = calibration
        self._maps: dict[tuple[str, str], np.ndarray] = {}
        self._agreement: dict[str, float] = {}

    @property
    def classes(self) -> frozenset[str]:
        """The classes whose changes this evidence judges: those the model reads."""
        return frozenset(self._after.classes)

    @property
    def bitemporal(self) -> bool:
        """True when both sides are images (else the old side is a vector map)."""
        return self._before is not None

    def confidence(
        self,
        kind: str,
        old_class: str | None,
        new_class: str | None,
        old_footprint: BaseGeometry | None,
        new_footprint: BaseGeometry | None,
    ) -> float | None:
        """The calibrated confidence that this candidate of the object diff is a real change;
        None when its evidence stays below the threshold (no change)."""
        classes = [c for c in (old_class, new_class) if c is not None]
        if not all(self.reads(c) for c in classes):
            return None
        ratio = self.score(kind, old_class, new_class, old_footprint, new_footprint)
        return self._calibration.confidence(ratio) if ratio >= 1.0 else None

    def reads(self, class_id: str) -> bool:
        """Whether the new image's reading of ``class_id`` can judge its changes: always
        against an older image; against an old map only when they agree (module docstring)."""
        if self.bitemporal:
            return True
        if class_id not in self._agreement:
            drawn = self._before_probability(class_id) > 0.5
            seen = (self._after.probability(class_id) >= 0.5) & self._valid
            both = int((drawn & seen).sum())
            total = int(drawn.sum() + seen.sum())
            self._agreement[class_id] = 2 * both / total if total else 0.0
            log.info("the new image reads %s as the old map draws it at Dice %.2f", class_id,
                     self._agreement[class_id])  # fmt: skip
        return self._agreement[class_id] >= MAP_AGREEMENT

    def score(
        self,
        kind: str,
        old_class: str | None,
        new_class: str | None,
        old_footprint: BaseGeometry | None,
        new_footprint: BaseGeometry | None,
    ) -> float:
        """The evidence ratio of a candidate (module docstring)."""
        if kind == APPEARED and new_class and new_footprint is not None:
            return self._mean(self.map(APPEARED, new_class), self._mask(new_footprint, new_class))
        if kind == DISAPPEARED and old_class and old_footprint is not None:
            return self._mean(
                self.map(DISAPPEARED, old_class), self._mask(old_footprint, old_class)
            )
        if kind == RECLASSIFIED and old_class and new_class:
            found = [
                self.score(APPEARED, None, new_class, None, new_footprint),
                self.score(DISAPPEARED, old_class, None, old_footprint, None),
            ]
            return max(found)
        if kind == GEOMETRY_CHANGED and new_class and old_footprint and new_footprint:
            moved = self._mask(old_footprint, new_class) ^ self._mask(new_footprint, new_class)
            both = self.map(APPEARED, new_class) + self.map(DISAPPEARED, new_class)
            return self._mean(both, moved)
        return 0.0

    def proposals(self, class_id: str, min_area_m2: float) -> list[tuple[str, BaseGeometry, float]]:
        """``(kind, WGS84 footprint, confidence)`` of each component of ``class_id``'s maps at
        or above ratio 1 and at least ``min_area_m2``; none for stuff classes, nor against an
        old map (module docstring)."""
        if not self.bitemporal or class_id in STUFF_CLASSES or class_id not in self._after.classes:
            return []
        found = []
        for kind in (APPEARED, DISAPPEARED):
            scores = self.map(kind, class_id)
            labels, count = ndimage.label(scores >= 1.0, structure=np.ones((3, 3)))
            if count == 0:
                continue
            sizes = ndimage.sum_labels(np.ones_like(scores), labels, range(1, count + 1))
            means = ndimage.mean(scores, labels, range(1, count + 1))
            big = {n + 1 for n in range(count) if sizes[n] * self._pixel_area_m2 >= min_area_m2}
            for label, outline in self._outlines(labels, big).items():
                confidence = self._calibration.confidence(float(means[label - 1]))
                found.append((kind, outline, confidence))
        return found

    def map(self, kind: str, class_id: str) -> np.ndarray:
        """(H, W) evidence ratio of ``kind`` for ``class_id`` on the after grid (0 where
        unread)."""
        key = (kind, class_id)
        if key not in self._maps:
            after = self._after.probability(class_id)
            before = self._before_probability(class_id)
            rise = after - before if kind == APPEARED else before - after
            scores = self._distance * np.clip(rise, 0.0, None) / self._calibration.threshold(kind)
            self._maps[key] = np.where(self._valid, scores, 0.0)
        return self._maps[key]

    @cached_property
    def _valid(self) -> np.ndarray:
        if self._before is None:
            return self._after.valid
        return self._after.valid & self._before.valid

    @cached_property
    def _distance(self) -> np.ndarray:
        """Per pixel, the tokens' cosine distance over its median (1 without a before image)."""
        if self._before is None:
            return np.ones(self._after.valid.shape, dtype=np.float32)
        a, b = self._after.features, self._before.features
        cosine = (a * b).sum(axis=0) / (
            np.linalg.norm(a, axis=0) * np.linalg.norm(b, axis=0) + 1e-6
        )
        patches = 1.0 - cosine
        height, width = self._after.valid.shape
        pixels = np.repeat(np.repeat(patches, PATCH, axis=0), PATCH, axis=1)[:height, :width]
        level = float(np.median(pixels[self._valid])) if self._valid.any() else 1.0
        return (pixels / max(level, 1e-6)).astype(np.float32)

    def _before_probability(self, class_id: str) -> np.ndarray:
        if self._before is not None:
            return self._before.probability(class_id)
        drawn = self._old_objects.get(class_id, ())
        if not drawn:
            return np.zeros(self._after.valid.shape, dtype=np.float32)
        return self._mask_all(drawn, class_id).astype(np.float32)

    def _mask(self, footprint: BaseGeometry, class_id: str) -> np.ndarray:
        return self._mask_all([footprint], class_id)

    def _mask_all(self, footprints: Sequence[BaseGeometry], class_id: str) -> np.ndarray:
        """Pixels of the after grid covered by WGS84 ``footprints`` (lines and points: every
        pixel they touch)."""
        pixels = wgs84_to_pixels(
            np.array(list(footprints), dtype=object), self._after.crs, self._after.transform
        )
        kept = [g for g in pixels if g is not None and not g.is_empty]
        if not kept:
            return np.zeros(self._after.valid.shape, dtype=bool)
        touched = get_class(class_id).geometry != "polygon"
        return rasterize(kept, out_shape=self._after.valid.shape, all_touched=touched).astype(bool)

    @staticmethod
    def _mean(scores: np.ndarray, mask: np.ndarray) -> float:
        return float(scores[mask].mean()) if mask.any() else 0.0

    @cached_property
    def _pixel_area_m2(self) -> float:
        t = self._after.transform
        area = abs(t.a * t.e - t.b * t.d)
        if not self._after.crs.is_geographic:
            return area
        lat = float(np.radians(t.f))
        return area * 111_320.0**2 * float(np.cos(lat))

    @cached_property
    def _to_wgs84(self) -> Transformer:
        return Transformer.from_crs(
            ProjCRS.from_wkt(self._after.crs.to_wkt()), ProjCRS.from_epsg(4326), always_xy=True
        )

    def _outlines(self, labels: np.ndarray, keep: set[int]) -> dict[int, BaseGeometry]:
        """The WGS84 outline of each component of ``labels`` in ``keep``."""
        if not keep:
            return {}
        parts: dict[int, list[BaseGeometry]] = {}
        mask = np.isin(labels, list(keep))
        for geometry, value in shapes(
            labels.astype(np.int32), mask=mask, transform=self._after.transform
        ):
            parts.setdefault(int(value), []).append(shape(geometry))
        move = self._to_wgs84

        def to_wgs84(coords: np.ndarray) -> np.ndarray:
            x, y = move.transform(coords[:, 0], coords[:, 1])
            return np.column_stack([x, y])

        return {
            label: shapely.transform(shapely.union_all(found), to_wgs84)
            for label, found in sorted(parts.items())
        }


def _on_grid(maps: LevelMaps, grid: LevelMaps) -> LevelMaps:
    """``maps`` resampled onto ``grid``'s pixel and patch grids (as is when they match)."""
    if (
        maps.transform == grid.transform
        and maps.crs == grid.crs
        and maps.valid.shape == grid.valid.shape
        and maps.features.shape[1:] == grid.features.shape[1:]
    ):
        return maps
    height, width = grid.valid.shape
    probabilities = np.zeros((len(maps.classes), height, width), dtype=np.float32)
    valid = np.zeros((height, width), dtype=np.float32)
    features = np.zeros(grid.features.shape, dtype=np.float32)
    patch_transform = grid.transform * grid.transform.scale(PATCH)
    source_patches = maps.transform * maps.transform.scale(PATCH)
    common = {"src_crs": maps.crs, "dst_crs": grid.crs, "resampling": Resampling.bilinear}
    reproject(
        maps.probabilities, probabilities, src_transform=maps.transform,
        dst_transform=grid.transform, **common,
    )  # fmt: skip
    reproject(
        maps.valid.astype(np.float32), valid, src_transform=maps.transform,
        dst_transform=grid.transform, **common,
    )  # fmt: skip
    reproject(
        maps.features, features, src_transform=source_patches, dst_transform=patch_transform,
        **common,
    )  # fmt: skip
    return LevelMaps(
        classes=maps.classes,
        probabilities=probabilities,
        valid=valid > 0.999,
        features=features,
        transform=grid.transform,
        crs=grid.crs,
    )
