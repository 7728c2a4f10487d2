"""Shares of one geometry inside another, the measure behind ``inside``, ``around`` and
``part_of``: area for a polygon, length for a line, the point itself for a point (1 or 0).

All inputs are metric (metres); arrays are paired element by element.
"""

from __future__ import annotations

import numpy as np
import shapely


def measure(geoms: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """Area (m²) of polygons, length (m) of lines, 0 for points."""
    out = np.zeros(len(geoms))
    polys, lines = dims == 2, dims == 1
    out[polys] = shapely.area(geoms[polys])
    out[lines] = shapely.length(geoms[lines])
    return out


def share_inside(subjects: np.ndarray, containers: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """Share (0..1) of each subject's measure that lies in the paired container.

    ``dims`` are the subjects' dimensions; a point scores 1 when it is within the container
    (not on its boundary), a degenerate line or polygon (zero measure) scores 0.
    """
    out = np.zeros(len(subjects))
    points = dims == 0
    out[points] = shapely.within(subjects[points], containers[points]).astype(float)
    rest = ~points
    if rest.any():
        sizes = measure(subjects[rest], dims[rest])
        common = shapely.intersection(subjects[rest], containers[rest])
        inside = measure(common, dims[rest])
        out[rest] = np.divide(inside, sizes, out=np.zeros_like(inside), where=sizes > 0)
    return out
