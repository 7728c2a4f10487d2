"""Hand-built scenes for the relation rules: geometry drawn in metres in UTM zone 32N.

Shapes are drawn around a local origin (0, 0) and shifted to a point near Liechtenstein, then
handed to the engine as WGS84 ``MapObject``s, as any producer would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import pytest
from shapely import affinity
from shapely.geometry.base import BaseGeometry

from ingest.geo import WGS84, reproject_one
from ingest.records import MapObject
from ingest.relations.frame import ScaleFrame

EPSG = 32632
ORIGIN = (760_000.0, 5_230_000.0)

MakeObject = Callable[..., MapObject]


class BuildFrame(Protocol):
    """``frame(objects, scale=2000)`` -> ScaleFrame in UTM 32N."""

    def __call__(self, objects: Sequence[MapObject], scale: int = 2000) -> ScaleFrame: ...


def _make(
    key: str,
    cls: str,
    geom: BaseGeometry,
    scale: int = 2000,
    confidence: float = 1.0,
    **tags: str,
) -> MapObject:
    shifted = affinity.translate(geom, *ORIGIN)
    return MapObject(
        key=key,
        cls=cls,
        scale=scale,
        geometry=reproject_one(shifted, EPSG, WGS84),
        source_crs=EPSG,
        confidence=confidence,
        provenance=dict(tags),
    )


def _frame(objects: Sequence[MapObject], scale: int = 2000) -> ScaleFrame:
    return ScaleFrame.build(objects, scale, EPSG)


@pytest.fixture
def make() -> MakeObject:
    """``make(key, cls, local_metric_geometry, scale=2000, **osm_tags)`` -> WGS84 MapObject."""
    return _make


@pytest.fixture
def frame() -> BuildFrame:
    """``frame(objects, scale)`` -> ScaleFrame in UTM 32N."""
    return _frame


def key_pairs(built: ScaleFrame, pairs: tuple[np.ndarray, np.ndarray]) -> set[tuple[str, str]]:
    """The (subject key, object key) pairs of a rule's index pairs."""
    return {(built.keys[i], built.keys[j]) for i, j in zip(*pairs, strict=True)}


def unordered(pairs: set[tuple[str, str]]) -> set[frozenset[str]]:
    """Pairs without direction, for symmetric rules."""
    return {frozenset(pair) for pair in pairs}


@pytest.fixture
def pairs_of() -> Callable[[ScaleFrame, tuple[np.ndarray, np.ndarray]], set[tuple[str, str]]]:
    """``pairs_of(frame, rule(frame))`` -> set of (subject key, object key)."""
    return key_pairs


@pytest.fixture
def undirected() -> Callable[[set[tuple[str, str]]], set[frozenset[str]]]:
    """``undirected(pairs)`` -> set of frozenset pairs."""
    return unordered


@pytest.fixture
def epsg() -> int:
    """The metric CRS the scenes are drawn in."""
    return EPSG
