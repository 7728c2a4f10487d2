"""Splits by area, never by tile: neighbouring tiles share content, so they share a split.

An area is a set of sources that must stay together. For georeferenced imagery it is found
from the footprints: images whose footprints overlap or touch (within one pixel) are one area,
named after the first image in sorted order, so two clips of one orthophoto that overlap by a
few metres cannot land in train and val. For image/mask collections the area is given by the
layout (Dubai's ``tile-N`` folders). The user names the areas that go to ``val`` and ``test``;
all others are ``train``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import shapely
from shapely.geometry import Polygon

from ingest.geo import WGS84, metric_epsg, reproject
from model.datasets.manifest import SPLITS
from model.errors import DatasetSourceError


def group_by_footprint(
    footprints: Mapping[str, Polygon], gsd_m: Mapping[str, float]
) -> dict[str, str]:
    """Area name of each source: connected groups of WGS84 ``footprints`` that overlap or lie
    within one pixel (``gsd_m``, metres) of each other, named after their first source id."""
    ids = sorted(footprints)
    if not ids:
        return {}
    outlines = np.array([footprints[i] for i in ids], dtype=object)
    metric = reproject(outlines, WGS84, metric_epsg(list(outlines)))
    grown = shapely.buffer(metric, np.array([gsd_m[i] for i in ids]))
    parent = list(range(len(ids)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    left, right = shapely.STRtree(grown).query(grown, predicate="intersects")
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {source: ids[root(n)] for n, source in enumerate(ids)}


def assign_splits(
    areas: Sequence[str], val: Sequence[str] = (), test: Sequence[str] = ()
) -> dict[str, tuple[str, ...]]:
    """Areas per split: ``val`` and ``test`` as named, every other area in ``train``.

    Raises :class:`DatasetSourceError` for an area named that does not exist (listing the
    areas there are) or named for both ``val`` and ``test``.
    """
    known = sorted(set(areas))
    for name, chosen in (("val", val), ("test", test)):
        unknown = sorted(set(chosen) - set(known))
        if unknown:
            raise DatasetSourceError(
                f"--{name}-areas names {', '.join(unknown)}, which is not an area of these "
                f"inputs; the areas are: {', '.join(known)}."
            )
    both = sorted(set(val) & set(test))
    if both:
        raise DatasetSourceError(
            f"area(s) {', '.join(both)} named for both val and test; an area is in one split."
        )
    held = set(val) | set(test)
    chosen_by_split = {"train": [a for a in known if a not in held], "val": val, "test": test}
    return {name: tuple(sorted(set(chosen_by_split[name]))) for name in SPLITS}
