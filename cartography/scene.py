"""What one static picture shows: a committed map state's objects of one scale, the relations
between them and the rasters the state was made from, read through ``graphdb``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from shapely.geometry import box

from graphdb.models import BBox, GraphObject, Triplet
from graphdb.rasters import RasterRegistry
from graphdb.repository import Neo4jGraph
from ingest.ontology import PREDICATES
from ingest.records import RasterRecord

DEFAULT_PREDICATES = tuple(
    p.id for p in PREDICATES.values() if p.stored and p.id not in ("nearby", "distant")
)
"""Relations drawn unless the caller names others: all stored ones but the proximity relations
(``nearby``, ``distant``), which the picture shows by itself."""

PAGE = 5_000
"""Triplets read per page."""


@dataclass(frozen=True)
class Scene:
    """What one picture shows, in WGS84: the area, objects, relations and rasters."""

    title: str
    area: BBox
    objects: list[GraphObject]
    relations: list[Triplet]
    rasters: list[RasterRecord]


def read_scene(
    graph: Neo4jGraph,
    state: str,
    scale: int,
    area: BBox | None,
    predicates: Sequence[str] = DEFAULT_PREDICATES,
) -> Scene:
    """The objects of ``state`` at ``scale`` inside ``area`` (default: the state's coverage),
    the ``predicates`` relations whose both ends are drawn, and the rasters meeting the area."""
    found = graph.state(state)
    if area is None:
        west, south, east, north = found.coverage.bounds
        area = (west, south, east, north)
    objects = list(graph.export(state, scale=scale, bbox=area))
    drawn = {o.id for o in objects}
    relations = [
        t
        for predicate in predicates
        for t in _triplets(graph, state, predicate, scale, area)
        if t.object.id in drawn and t.subject.id in drawn
    ]
    rasters = [
        r.record
        for r in RasterRegistry(graph.client).of_state(state)
        if r.record.footprint.intersects(box(*area))
    ]
    title = f"{state}  ·  1:{scale:,}  ·  {found.as_of.isoformat()}"
    return Scene(title, area, objects, relations, rasters)


def _triplets(
    graph: Neo4jGraph, state: str, predicate: str, scale: int, area: BBox
) -> Iterator[Triplet]:
    after: str | None = None
    while True:
        page = graph.triplets(
            state, predicate=predicate, scale=scale, bbox=area, after=after, limit=PAGE
        )
        yield from page.items
        if page.next_after is None:
            return
        after = page.next_after
