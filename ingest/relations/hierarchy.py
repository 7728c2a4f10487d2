"""The cross-scale ``part_of`` rule: which coarse object each fine object belongs to.

Both frames must be in the same metric CRS. Whether the fine objects came from the vector
generaliser or from the model at two resolutions, the link is decided the same way, by
geometry, so imagery states get the same hierarchy as map states.
"""

from __future__ import annotations

import numpy as np
import shapely

from ingest.ontology import COMPOSITE_CLASSES, PART_OF_MIN_SHARE
from ingest.relations.frame import ScaleFrame
from ingest.relations.measure import share_inside
from ingest.relations.topology import Pairs

TRAFFIC_CLASSES = frozenset({"road", "motorway", "railway", "runway"})
"""Classes a bridge can be a piece of when it does not say what it carries (a footbridge, a
model bridge): a bridge carries a way over an obstacle, so it is never a piece of the river it
crosses. One that carries water (an aqueduct) says so in ``carries``."""


def parent_classes(cls: str, carries: str | None) -> frozenset[str]:
    """The classes a fine object of class ``cls`` can be a piece of at the next scale.

    The definition only asks for geometry; without a class check a building would become a
    "piece" of the forest it stands in. So a parent is the object's own class (the same river,
    generalised), a composite class (block, settlement, site, zone, farm, airport, port), or,
    for a bridge, the class it carries (``carries``), else a traffic line.
    """
    own = {cls} | set(COMPOSITE_CLASSES)
    if cls == "bridge":
        own |= {carries} if carries else set(TRAFFIC_CLASSES)
    return frozenset(own)


def part_of_across(fine: ScaleFrame, coarse: ScaleFrame) -> Pairs:
    """``part_of`` across scales: the object is at the next coarser scale of the ladder and
    holds at least 50 % of the subject (area, length or the point); each subject has at most
    one such parent, the one holding the largest share.

    "Holds" allows the coarse scale's contact distance: the share is measured inside the parent
    grown by its ``simplify_tolerance_m`` (simplification moves outlines by up to that much).
    Parents are limited to :func:`parent_classes`; ties in share go to the subject's own or
    carried class, then to the smaller key, so the choice is deterministic.
    """
    tol = coarse.scale.simplify_tolerance_m
    i, j = coarse.tree.query(fine.geoms, predicate="dwithin", distance=tol)
    carries = [obj.provenance.get("carries") for obj in fine.objects]
    allowed = np.array(
        [
            coarse.classes[b] in parent_classes(fine.classes[a], carries[a])
            for a, b in zip(i.tolist(), j.tolist(), strict=True)
        ],
        dtype=bool,
    )
    i, j = i[allowed], j[allowed]
    if len(i) == 0:
        return i, j
    parents, back = np.unique(j, return_inverse=True)
    grown = shapely.buffer(coarse.geoms[parents], tol, quad_segs=4)[back]
    share = share_inside(fine.geoms[i], grown, fine.dims[i])
    held = share >= PART_OF_MIN_SHARE
    i, j, share = i[held], j[held], share[held]
    own = np.array(
        [
            coarse.classes[b] in (fine.classes[a], carries[a])
            for a, b in zip(i.tolist(), j.tolist(), strict=True)
        ],
        dtype=bool,
    )
    order = np.lexsort((coarse.keys[j].astype(str), ~own, -np.round(share, 6), i))
    i, j = i[order], j[order]
    first = np.ones(len(i), dtype=bool)
    first[1:] = i[1:] != i[:-1]
    return i[first], j[first]


def check_ladder(fine: ScaleFrame, coarse: ScaleFrame) -> None:
    """Raise ValueError unless ``coarse`` is a coarser scale than ``fine`` in the same CRS."""
    if coarse.scale.denominator <= fine.scale.denominator or coarse.epsg != fine.epsg:
        raise ValueError(
            f"part_of across scales needs a coarser scale in the same CRS; got "
            f"1:{fine.scale.denominator} (EPSG:{fine.epsg}) -> "
            f"1:{coarse.scale.denominator} (EPSG:{coarse.epsg})"
        )
