"""Settlement names from OSM place nodes.

OSM maps most settlements as a ``place=*`` node, not an area; the classifier keeps those as
``settlement`` points. They are labels, not objects: each names the settlement area it falls
in, or else the nearest one within ``reach_m`` (a village node often sits on its church, just
off the built-up area), and is then removed. The most important place wins (city, town,
village, hamlet); places of equal importance share the area, their names joined with " / "
in alphabetical order (Triesen / Vaduz grew together). An area that already has a name (an
OSM place area) keeps it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import shapely

from ingest.generalise.rules import PLACE_RANK
from ingest.records import MapObject


def is_name_hint(obj: MapObject) -> bool:
    """True for a settlement point: a place label rather than an object."""
    return obj.cls == "settlement" and shapely.get_dimensions(obj.geometry) == 0


def name_settlements(
    objects: Sequence[MapObject], hints: Sequence[MapObject], reach_m: float
) -> tuple[list[MapObject], int]:
    """``objects`` with unnamed settlement areas named from ``hints`` (metric geometries), and
    the number of named hints that reached no settlement area."""
    named = [h for h in hints if h.name]
    areas = [k for k, o in enumerate(objects) if o.cls == "settlement" and o.name is None]
    if not named or not areas:
        return list(objects), len(named)
    points = np.array([h.geometry for h in named], dtype=object)
    shapes = np.array([objects[k].geometry for k in areas], dtype=object)
    hint, area = shapely.STRtree(shapes).query_nearest(points, max_distance=reach_m)
    labels: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for h, a in zip(hint.tolist(), area.tolist(), strict=True):
        place = named[h].provenance.get("place", "")
        labels[a].append((PLACE_RANK.get(place, len(PLACE_RANK)), named[h].name or ""))
    out = list(objects)
    for a, found in labels.items():
        top = min(rank for rank, _ in found)
        name = " / ".join(sorted({n for rank, n in found if rank == top}))
        out[areas[a]] = replace(out[areas[a]], name=name)
    return out, len(named) - len(set(hint.tolist()))
