"""The generalisation rules: how each coarser scale is built from the one below it.

Going from scale ``p`` to the next coarser scale ``s`` of the ladder (all in metres, in one
local UTM zone):

1. **Enter**: source objects whose class first appears at ``s`` (OSM ``landuse=residential``
   is a ``residential_block``, drawn from 1:10,000) join with their source geometry.
2. **Carry**: objects at ``p`` whose class is also drawn at ``s`` are copied, simplified by
   ``s``'s ``simplify_tolerance_m`` (Douglas-Peucker, topology kept). A bridge whose class is
   not drawn at ``s`` is carried as the class it carries when that one is (a motorway bridge
   becomes part of the motorway at 1:50,000).
3. **Merge lines**: carried lines of ``MERGED_CLASSES`` with the same class and the same name
   that touch (within the tolerance) become one longer line (``line_merge`` of their union).
   Unnamed lines are not merged: without a name there is no telling one road from the next.
4. **Aggregate**: ``AGGREGATIONS`` build composite areas from the objects below: buildings ->
   residential blocks, blocks (aggregated or OSM residential land use) -> settlements,
   industrial sites -> industrial zones. Aggregation is a morphological closing: grow every
   member by half the gap, union, shrink by the same amount, so members closer than
   ``gap_m(s)`` (1 mm of map: 10 m at 1:10,000, 50 m at 1:50,000) fuse into one area. Members
   already held (at least half) by an area at ``s`` that claims them (a building in an OSM
   residential area, an industrial site, a farm, an airport or a port; a block in an OSM
   settlement area) are left to it and not aggregated again.
5. **Drop**: objects below ``s``'s ``min_area_m2`` (polygons) or ``min_length_m`` (lines)
   drop out; this applies at the finest scale too.
6. **Name settlements**: OSM place nodes (``settlement`` points) name the settlement area
   they fall in (the most important place: city, town, village, hamlet) and are then removed.

Keys: an object at the finest scale keeps its source key (``way/123``); a copy is
``<source key>@<scale>``; a merged line or an aggregate is ``<class>@<scale>:<hash>`` where the
hash is over its members' keys, so the same input always gives the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass

MERGED_CLASSES = frozenset({"road", "motorway", "railway", "river", "stream"})
"""Line classes whose pieces merge by class and name at coarser scales."""

GAP_MAP_MM = 1.0
"""Gap on the map, in millimetres, below which aggregated members fuse."""

PLACE_RANK = {"city": 0, "town": 1, "village": 2, "hamlet": 3}
"""Importance of OSM ``place`` values when several name one settlement (lower wins)."""


@dataclass(frozen=True, slots=True)
class Aggregation:
    """Members of ``sources`` classes at the scale below fuse into ``target`` areas, except
    those already held by an area of a ``claimed_by`` class at the target scale."""

    target: str
    sources: frozenset[str]
    claimed_by: frozenset[str]


AGGREGATIONS: tuple[Aggregation, ...] = (
    Aggregation(
        "residential_block",
        frozenset({"building"}),
        frozenset({"residential_block", "industrial_site", "farm", "airport", "port"}),
    ),
    Aggregation("settlement", frozenset({"residential_block"}), frozenset({"settlement"})),
    Aggregation("industrial_zone", frozenset({"industrial_site"}), frozenset({"industrial_zone"})),
)
"""The composite areas built by aggregation, applied wherever the target class is drawn."""


def gap_m(denominator: int) -> float:
    """The aggregation gap at a scale, in ground metres (``GAP_MAP_MM`` of map)."""
    return denominator / 1000.0 * GAP_MAP_MM
