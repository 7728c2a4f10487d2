"""Straight segments as numpy arrays: cutting lines into segments and measuring between them.

Rules that work segment by segment (``along``) handle hundreds of thousands of segment pairs;
plain numpy on ``(n, 2, 2)`` coordinate arrays is much cheaper there than a GEOS call per pair.
Coordinates are metric (metres).
"""

from __future__ import annotations

import numpy as np
import shapely


def segments_of(geoms: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every straight segment of the lines ``geoms`` as an ``(n, 2, 2)`` array (start, end),
    with the owner index (taken from ``owners``) of each."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    coords, coord_of = shapely.get_coordinates(parts, return_index=True)
    starts = np.flatnonzero(coord_of[:-1] == coord_of[1:])
    segments = np.stack([coords[starts], coords[starts + 1]], axis=1)
    return segments, owners[part_of[coord_of[starts]]]


def point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from points ``p`` to segments ``a``-``b`` (all ``(n, 2)``)."""
    ab = b - a
    length2 = np.einsum("ij,ij->i", ab, ab)
    t = np.einsum("ij,ij->i", p - a, ab) / np.where(length2 > 0, length2, 1.0)
    nearest = a + np.clip(t, 0.0, 1.0)[:, None] * ab
    return np.hypot(*(p - nearest).T)


def _side(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    return (b[:, 0] - a[:, 0]) * (p[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (p[:, 0] - a[:, 0])


def segment_distance(s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Shortest distance between segments ``s[k]`` and ``t[k]`` (``(n, 2, 2)`` arrays).

    Zero where they cross; otherwise the smallest of the four end-to-segment distances (for two
    segments that do not cross, the closest points include an end of one of them).
    """
    p1, p2, q1, q2 = s[:, 0], s[:, 1], t[:, 0], t[:, 1]
    d = np.minimum.reduce(
        [
            point_segment_distance(p1, q1, q2),
            point_segment_distance(p2, q1, q2),
            point_segment_distance(q1, p1, p2),
            point_segment_distance(q2, p1, p2),
        ]
    )
    crossing = (_side(p1, p2, q1) * _side(p1, p2, q2) < 0) & (
        _side(q1, q2, p1) * _side(q1, q2, p2) < 0
    )
    return np.where(crossing, 0.0, d)
