"""Distance rules: objects near, far from, alongside or on the bank of others (metres).

Each rule takes a :class:`~ingest.relations.frame.ScaleFrame` and returns index pairs
``(subjects, objects)``; symmetric rules return each unordered pair once.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import STRtree

from ingest.ontology import ALONG_MAX_ANGLE_DEG, ALONG_MIN_SHARE, WATER_CLASSES
from ingest.relations.frame import ScaleFrame
from ingest.relations.segments import segment_distance, segments_of
from ingest.relations.topology import INTERIORS_MEET, Pairs


def _empty() -> Pairs:
    none = np.zeros(0, dtype=np.intp)
    return none, none


def nearby(frame: ScaleFrame) -> Pairs:
    """``nearby`` (symmetric): the shortest distance between the two geometries is more than
    ``simplify_tolerance_m`` and at most ``nearby_m``."""
    c = frame.candidates
    keep = (c.i < c.j) & (c.d > frame.scale.simplify_tolerance_m) & (c.d <= frame.scale.nearby_m)
    return c.i[keep], c.j[keep]


def distant(frame: ScaleFrame) -> Pairs:
    """``distant`` (symmetric): the shortest distance is more than ``nearby_m`` and at most
    ``distant_m``.

    Stated for notable pairs only, so the count stays linear in the number of objects: a pair
    is stated when one of the two is the other's nearest object of its class (for every class
    but the other's own) and lies in the distant band (a building's nearest river is 150 m
    away). Seen from an object, a class whose nearest member is nearby gets no distant pair.
    """
    pieces, owner, _ = frame.pieces
    names, codes = frame.class_codes
    c = frame.candidates
    # objects with a member of a class within nearby_m: that class is never distant from them
    has_near = np.zeros((len(frame), len(names)), dtype=bool)
    has_near[c.i, codes[c.j]] = True
    subjects: list[np.ndarray] = []
    objects: list[np.ndarray] = []
    for code in range(len(names)):
        members = np.flatnonzero(codes[owner] == code)
        asking = (codes[owner] != code) & ~has_near[owner, code]
        others = np.flatnonzero(asking)
        if len(others) == 0 or len(members) == 0:
            continue
        (src, dst), dist = STRtree(pieces[members]).query_nearest(
            pieces[others],
            max_distance=frame.scale.distant_m,
            return_distance=True,
            all_matches=False,
        )
        subject, target = owner[others[src]], owner[members[dst]]
        order = np.lexsort((dist, subject))
        subject, target, dist = subject[order], target[order], dist[order]
        first = np.ones(len(subject), dtype=bool)
        first[1:] = subject[1:] != subject[:-1]
        far = first & (dist > frame.scale.nearby_m)
        subjects.append(subject[far])
        objects.append(target[far])
    if not subjects:
        return _empty()
    return np.concatenate(subjects), np.concatenate(objects)


def on_bank_of(frame: ScaleFrame) -> Pairs:
    """``on_bank_of``: the subject lies by water: the object is a river, stream, water_body
    or reservoir and the subject is none of these, the shortest distance from the subject to
    the object's edge is at most ``nearby_m``, and the subject neither crosses the object's
    line nor enters its polygon's interior (their interiors do not meet)."""
    c = frame.candidates
    water = frame.in_classes(WATER_CLASSES)
    c = c.select(water[c.j] & ~water[c.i])
    meets = np.zeros(len(c.i), dtype=bool)
    touching = c.d == 0
    meets[touching] = shapely.relate_pattern(
        frame.geoms[c.i[touching]], frame.geoms[c.j[touching]], INTERIORS_MEET
    )
    return c.i[~meets], c.j[~meets]


def along(frame: ScaleFrame) -> Pairs:
    """``along``: a line that follows another line or a polygon's edge: the segments of the
    subject (cut to at most ``nearby_m`` long) that lie within ``nearby_m`` of the object (both
    ends) and at most 30 degrees off the direction of the object's nearest segment add up to at
    least 50 % of the subject's length."""
    near = frame.scale.nearby_m
    c = frame.candidates
    c = c.select((frame.dims[c.i] == 1) & (frame.dims[c.j] >= 1))
    if len(c.i) == 0:
        return _empty()
    n = len(frame)
    subj = np.unique(c.i)
    obj = np.unique(c.j)
    seg, seg_owner = segments_of(shapely.segmentize(frame.geoms[subj], near), subj)
    edge_geoms = frame.geoms[obj]
    polygons = frame.dims[obj] == 2
    edge_geoms[polygons] = shapely.boundary(edge_geoms[polygons])
    edge, edge_owner = segments_of(edge_geoms, obj)
    low, high = np.minimum(edge[:, 0], edge[:, 1]), np.maximum(edge[:, 0], edge[:, 1])
    tree = STRtree(shapely.box(low[:, 0], low[:, 1], high[:, 0], high[:, 1]))
    grown_low = np.minimum(seg[:, 0], seg[:, 1]) - near
    grown_high = np.maximum(seg[:, 0], seg[:, 1]) + near
    s, t = tree.query(
        shapely.box(grown_low[:, 0], grown_low[:, 1], grown_high[:, 0], grown_high[:, 1])
    )
    pair = seg_owner[s] * n + edge_owner[t]
    keep = np.isin(pair, c.i * n + c.j)
    s, t, pair = s[keep], t[keep], pair[keep]
    dist = segment_distance(seg[s], edge[t])
    keep = dist <= near
    s, t, pair, dist = s[keep], t[keep], pair[keep], dist[keep]
    # the nearest edge segment of each object to each subject segment
    order = np.lexsort((dist, pair, s))
    s, t, pair = s[order], t[order], pair[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (pair[1:] != pair[:-1])
    s, t, pair = s[first], t[first], pair[first]
    target = frame.geoms[pair % n]
    starts = shapely.points(seg[s, 0])
    ends = shapely.points(seg[s, 1])
    close = (shapely.distance(starts, target) <= near) & (shapely.distance(ends, target) <= near)
    a = seg[s, 1] - seg[s, 0]
    b = edge[t, 1] - edge[t, 0]
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    cosine = np.abs(np.einsum("ij,ij->i", a, b)) / np.where(norms > 0, norms, 1.0)
    parallel = (norms > 0) & (cosine >= np.cos(np.radians(ALONG_MAX_ANGLE_DEG)))
    ok = close & parallel
    lengths = np.linalg.norm(a[ok], axis=1)
    pairs, summed = np.unique(pair[ok], return_inverse=True)
    covered = np.bincount(summed, weights=lengths, minlength=len(pairs))
    i, j = pairs // n, pairs % n
    share = covered / np.maximum(frame.sizes[i], 1e-9)
    hit = share >= ALONG_MIN_SHARE
    return i[hit], j[hit]
