"""Network and service rules: lines that join, and what gives access to what (metres).

Each rule takes a :class:`~ingest.relations.frame.ScaleFrame` and returns index pairs
``(subjects, objects)``; symmetric rules return each unordered pair once.
"""

from __future__ import annotations

import numpy as np
import shapely

from ingest.ontology import SERVES_PAIRS
from ingest.relations.frame import ScaleFrame
from ingest.relations.topology import Pairs

ACCESS_CLASSES = frozenset({"road", "railway"})
"""Subjects of ``serves`` judged by where their ends are (the others by distance)."""


def connected_to(frame: ScaleFrame) -> Pairs:
    """``connected_to`` (symmetric): two lines that join: an endpoint of one lies within
    ``simplify_tolerance_m`` of an endpoint of the other, on any layers (a bridge meets its
    approach roads), or of the other's interior when both are on the same layer (a
    T-junction, a stream's mouth)."""
    tol = frame.scale.simplify_tolerance_m
    c = frame.candidates
    c = c.select((c.i < c.j) & (frame.dims[c.i] == 1) & (frame.dims[c.j] == 1) & (c.d <= tol))
    ends = frame.ends
    end_to_end = shapely.distance(ends[c.i], ends[c.j]) <= tol
    same_layer = (frame.layers[c.i] == frame.layers[c.j]) & ~end_to_end
    end_to_line = np.zeros(len(c.i), dtype=bool)
    i, j = c.i[same_layer], c.j[same_layer]
    end_to_line[same_layer] = (shapely.distance(ends[i], frame.geoms[j]) <= tol) | (
        shapely.distance(ends[j], frame.geoms[i]) <= tol
    )
    ok = end_to_end | end_to_line
    return c.i[ok], c.j[ok]


def serves(frame: ScaleFrame) -> Pairs:
    """``serves``: the subject gives access or service to the object, for the class pairs of
    ``SERVES_PAIRS`` only: a railway_station within ``nearby_m`` of the railway; a dam within
    ``nearby_m`` of the reservoir it holds; a road or railway with an endpoint inside, or
    within ``simplify_tolerance_m`` of, a site it leads to.

    A road or railway without endpoints (a model polygon) serves nothing: its ends are unknown.
    """
    c = frame.candidates
    c = c.select(frame.class_pair_mask(c.i, c.j, SERVES_PAIRS))
    access = np.isin(frame.classes[c.i], list(ACCESS_CLASSES))
    ok = ~access  # stations and dams: within nearby_m, which every candidate is
    lines = access & (frame.dims[c.i] == 1)
    ok[lines] = (
        shapely.distance(frame.ends[c.i[lines]], frame.geoms[c.j[lines]])
        <= frame.scale.simplify_tolerance_m
    )
    return c.i[ok], c.j[ok]
