"""Tunnel portals, derived from the ends of road and railway tunnels.

The ontology's ``tunnel_portal`` has no OSM tag of its own: a portal is where a tunnel way
meets daylight. A tunnel is often split into several ways (at a change of lanes or speed);
where two tunnel ways share an end the point is inside the mountain, so only ends that belong
to a single tunnel way are portals. ``tunnel=culvert`` (water under a road) and
``tunnel=building_passage`` (a way under a building) have no portals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import shapely
from shapely.geometry import Point

from ingest.ontology import get_class
from ingest.ontology.tags import tag_is_set, tag_value
from ingest.records import MapObject

TUNNEL_CARRIERS = frozenset({"road", "motorway", "railway"})
"""Classes whose tunnels have portals."""

NOT_PORTAL_TUNNELS = frozenset({"culvert", "building_passage"})
"""``tunnel`` values that are no tunnel with portals."""


def _is_tunnel(obj: MapObject) -> bool:
    value = tag_value(obj.provenance, "tunnel")
    return (
        obj.cls in TUNNEL_CARRIERS
        and tag_is_set(obj.provenance, "tunnel")
        and value not in NOT_PORTAL_TUNNELS
        and shapely.get_dimensions(obj.geometry) == 1
    )


def _ends(obj: MapObject) -> list[tuple[str, tuple[float, float]]]:
    parts = shapely.get_parts(obj.geometry)
    ends: list[tuple[str, tuple[float, float]]] = []
    for number, part in enumerate(parts):
        coords = list(part.coords)
        suffix = "" if len(parts) == 1 else f"{number}/"
        ends.append((f"{suffix}start", coords[0][:2]))
        ends.append((f"{suffix}end", coords[-1][:2]))
    return ends


def tunnel_portals(objects: Sequence[MapObject]) -> list[MapObject]:
    """A ``tunnel_portal`` point (WGS84) at each free end of each tunnel way in ``objects``.

    Keys are ``<tunnel key>/portal/start`` and ``.../end``; the portal's name is the tunnel's.
    """
    tunnels = [obj for obj in objects if _is_tunnel(obj)]
    ends = {obj.key: _ends(obj) for obj in tunnels}
    shared = Counter(point for found in ends.values() for _, point in found)
    scale = min(get_class("tunnel_portal").scales)
    return [
        MapObject(
            key=f"{obj.key}/portal/{which}",
            cls="tunnel_portal",
            scale=scale,
            geometry=Point(point),
            source_crs=obj.source_crs,
            name=obj.name,
            confidence=obj.confidence,
            source=obj.source,
            provenance={"tunnel": obj.key},
        )
        for obj in tunnels
        for which, point in ends[obj.key]
        if shared[point] == 1
    ]
