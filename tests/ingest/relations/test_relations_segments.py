"""Numpy segment geometry against GEOS on random segments."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString

from ingest.relations.segments import segment_distance, segments_of


def test_segment_distance_matches_geos():
    rng = np.random.default_rng(7)
    s = rng.uniform(0, 100, (2000, 2, 2))
    t = rng.uniform(0, 100, (2000, 2, 2))
    t[:50] = s[:50][:, ::-1]  # identical segments, reversed
    t[50:100, 0] = s[50:100, 1]  # sharing an end
    expected = shapely.distance(shapely.linestrings(s), shapely.linestrings(t))
    assert np.allclose(segment_distance(s, t), expected, atol=1e-9)


def test_segments_of_keeps_parts_apart():
    lines = np.array(
        [
            LineString([(0, 0), (1, 0), (1, 1)]),
            MultiLineString([[(5, 5), (6, 5)], [(7, 7), (8, 7)]]),
        ],
        dtype=object,
    )
    segments, owners = segments_of(lines, np.array([10, 20]))
    assert segments.tolist() == [
        [[0, 0], [1, 0]],
        [[1, 0], [1, 1]],
        [[5, 5], [6, 5]],
        [[7, 7], [8, 7]],
    ]
    assert owners.tolist() == [10, 10, 20, 20]
