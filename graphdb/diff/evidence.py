"""Pixel evidence in the diff: which candidate changes stand, and the changes objects missed.

The object diff pairs two segmentations instance by instance; alone it reports every wobble of
the model. When the new state comes from an image, an :class:`EvidenceSource` (the model's,
``model.change.source``; ``graphdb`` never imports torch and receives numbers and outlines, not
tensors) compares the pixels of both states' images, or the new image against the old map, and:

- each object change of a class the evidence reads gets a **confidence**; one whose evidence
  stays below the tuned threshold (no confidence) is no change and is dropped;
- the evidence **proposes** changes the objects missed (a new house the model never cut out as
  an object still raises its building probability): each becomes an appeared or disappeared
  change with its outline and confidence, named by the object of its class it overlaps most on
  that side, if any. A proposal that overlaps a kept change of the same kind and class is
  that change, not a second one;
- a relation change stands only where an object change of the diff (not a proposal, which
  only names the object it overlaps) stands at one of its two objects, and not a change of
  land cover alone (a vegetation edge that moved shifts every "nearby" around it): two objects
  whose pixels did not change keep their geometry, and so the rules' relations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from graphdb.diff.changes import ChangeKind, ObjectChange, RelationChange
from graphdb.geometry import GeometryArray
from ingest.ontology import LAND_COVER_CLASSES

StoredImage = tuple[str, str]
"""``(sha256, uri)`` of an image in the raster store."""


class ChangeEvidence(Protocol):
    """Evidence between two readings of one place at one scale."""

    @property
    def classes(self) -> frozenset[str]: ...

    def confidence(
        self,
        kind: str,
        old_class: str | None,
        new_class: str | None,
        old_footprint: BaseGeometry | None,
        new_footprint: BaseGeometry | None,
    ) -> float | None:
        """The calibrated confidence that a candidate (WGS84 footprints) is a real change;
        None when the pixels do not support it."""
        ...

    def proposals(self, class_id: str, min_area_m2: float) -> list[tuple[str, BaseGeometry, float]]:
        """``(kind, WGS84 outline, confidence)`` of the changes of ``class_id`` it sees."""
        ...


class EvidenceSource(Protocol):
    """Makes the evidence between two states from their stored images."""

    def between(
        self,
        old_images: Sequence[StoredImage],
        new_images: Sequence[StoredImage],
        scale: int,
        old_objects: Mapping[str, Sequence[BaseGeometry]],
    ) -> ChangeEvidence | None: ...


def evidence_of(segmenter: object, raster_store: str) -> EvidenceSource | None:
    """The evidence source a segmenter offers (its ``evidence(raster_store)``), None when it has
    none (a ground-truth segmenter, a model without the maps evidence needs). ``raster_store``
    is the store root of the calling process's settings, where the evidence keeps the maps it
    derives from the stored images."""
    offer = getattr(segmenter, "evidence", None)
    return None if offer is None else offer(raster_store)


def judge(
    changes: Sequence[ObjectChange],
    evidence: ChangeEvidence,
    *,
    min_area_m2: float,
    new_classes: np.ndarray,
    new_ids: Sequence[str],
    new_footprints: GeometryArray,
    old_classes: np.ndarray,
    old_ids: Sequence[str],
    old_footprints: GeometryArray,
) -> list[ObjectChange]:
    """The object changes that stand, with their confidence, and the proposed ones (module
    docstring); ``*_footprints`` are the sides' WGS84 outlines."""
    kept = []
    for change in changes:
        classes = {c for c in (change.old_class, change.new_class) if c is not None}
        if not classes <= evidence.classes:
            kept.append(change)
            continue
        confidence = evidence.confidence(
            change.kind.value,
            change.old_class,
            change.new_class,
            change.old_footprint,
            change.new_footprint,
        )
        if confidence is not None:
            kept.append(replace(change, confidence=confidence))
    sides = {
        ChangeKind.APPEARED: (new_classes, new_ids, new_footprints),
        ChangeKind.DISAPPEARED: (old_classes, old_ids, old_footprints),
    }
    for class_id in sorted(evidence.classes):
        for kind_name, outline, confidence in evidence.proposals(class_id, min_area_m2):
            kind = ChangeKind(kind_name)
            kept = [c for c in kept if not _same_change(c, kind, class_id, outline)]
            object_id = _overlapping(class_id, outline, *sides[kind])
            kept.append(_proposed(kind, class_id, outline, confidence, object_id))
    return kept


def standing_relations(
    relations: Sequence[RelationChange], changes: Sequence[ObjectChange]
) -> list[RelationChange]:
    """The relation changes with an object change of the diff, not of land cover alone,
    standing at one of their objects."""
    ids = {
        i
        for c in changes
        if not c.proposed and not {c.old_class, c.new_class} - {None} <= LAND_COVER_CLASSES
        for i in (c.old_id, c.new_id)
        if i is not None
    }
    return [r for r in relations if any(i in ids for i in (*r.subject, *r.object))]


def _same_change(
    change: ObjectChange, kind: ChangeKind, class_id: str, outline: BaseGeometry
) -> bool:
    """Whether an object change of the diff is the proposed change (same kind and class, on
    its outline)."""
    if change.proposed or change.kind is not kind:
        return False
    drawn = change.new_footprint if kind is ChangeKind.APPEARED else change.old_footprint
    mine = change.new_class if kind is ChangeKind.APPEARED else change.old_class
    return mine == class_id and drawn is not None and bool(shapely.intersects(drawn, outline))


def _overlapping(
    class_id: str,
    outline: BaseGeometry,
    classes: np.ndarray,
    ids: Sequence[str],
    footprints: GeometryArray,
) -> str | None:
    """The id of the object of ``class_id`` that overlaps ``outline`` most, if any."""
    if len(footprints) == 0:
        return None
    hits = shapely.STRtree(footprints).query(outline, predicate="intersects")
    hits = [int(i) for i in hits if classes[i] == class_id]
    if not hits:
        return None
    shared = shapely.area(shapely.intersection(footprints[hits], outline))
    return ids[hits[int(np.argmax(shared))]]


def _proposed(
    kind: ChangeKind, class_id: str, outline: BaseGeometry, confidence: float, object_id: str | None
) -> ObjectChange:
    centre = shapely.point_on_surface(outline)
    appeared = kind is ChangeKind.APPEARED
    return ObjectChange(
        kind=kind,
        old_id=None if appeared else object_id,
        new_id=object_id if appeared else None,
        old_class=None if appeared else class_id,
        new_class=class_id if appeared else None,
        iou=None,
        lon=float(centre.x),
        lat=float(centre.y),
        confidence=confidence,
        old_footprint=None if appeared else outline,
        new_footprint=outline if appeared else None,
        proposed=True,
    )
