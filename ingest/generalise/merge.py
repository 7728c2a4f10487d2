"""Line merging: pieces of one named line become one longer line at a coarser scale.

OSM splits a road or a river into many ways (at every junction, every change of tag). At a
coarser scale the pieces of one class and one name that touch, within the scale's contact
tolerance, are one feature: their union, merged into as few lines as the shape allows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components
from shapely import STRtree
from shapely.geometry.base import BaseGeometry


def touching_groups(geoms: np.ndarray, tolerance_m: float) -> list[np.ndarray]:
    """Connected components of ``geoms`` (metric) where two touch within ``tolerance_m``."""
    i, j = STRtree(geoms).query(geoms, predicate="dwithin", distance=tolerance_m)
    graph = coo_array((np.ones(len(i)), (i, j)), shape=(len(geoms), len(geoms)))
    count, labels = connected_components(graph, directed=False)
    return [np.flatnonzero(labels == label) for label in range(count)]


def merge_groups(
    geoms: np.ndarray, classes: Sequence[str], names: Sequence[str | None], tolerance_m: float
) -> list[np.ndarray]:
    """Index groups of lines that merge: same class, same (non-empty) name, touching.

    Unnamed lines stay alone. Groups are ordered by their first index.
    """
    by_label: dict[tuple[str, str], list[int]] = defaultdict(list)
    groups: list[np.ndarray] = []
    for index, (cls, name) in enumerate(zip(classes, names, strict=True)):
        if name:
            by_label[(cls, name)].append(index)
        else:
            groups.append(np.array([index]))
    for members in by_label.values():
        indices = np.array(members)
        groups.extend(indices[part] for part in touching_groups(geoms[indices], tolerance_m))
    groups.sort(key=lambda group: int(group.min()))
    return [np.sort(group) for group in groups]


def merged_line(geoms: np.ndarray) -> BaseGeometry:
    """The union of ``geoms`` merged into as few LineStrings as the shape allows."""
    union = shapely.union_all(geoms)
    return shapely.line_merge(union) if union.geom_type == "MultiLineString" else union
