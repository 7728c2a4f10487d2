"""Repair invalid geometries so the relation rules can trust them.

GEOS predicates and overlays are undefined on invalid input (a self-intersecting "bow-tie"
polygon has no well-defined area or interior), so every invalid geometry is replaced by
``shapely.make_valid`` with the ``structure`` method: a polygon stays polygonal (its rings are
re-noded and the parts combined), and collapsed parts (a zero-area sliver) are dropped rather
than turned into stray lines. The number repaired is reported, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass(frozen=True, slots=True)
class Repaired:
    """Geometries after repair; ``repaired`` counts the invalid inputs that were rebuilt and
    ``emptied`` those of them that had nothing valid left (now empty)."""

    geometries: np.ndarray
    repaired: int
    emptied: int


def repair(geometries: np.ndarray) -> Repaired:
    """Make every geometry valid (see the module docstring); ``None`` stays ``None``.

    Works in any CRS; validity is checked in the coordinates given.
    """
    geoms = np.asarray(geometries, dtype=object)
    present = ~shapely.is_missing(geoms)
    invalid = present & ~shapely.is_valid(geoms)
    if not invalid.any():
        return Repaired(geoms, 0, 0)
    fixed = geoms.copy()
    fixed[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    emptied = int(shapely.is_empty(fixed[invalid]).sum())
    return Repaired(fixed, int(invalid.sum()), emptied)
