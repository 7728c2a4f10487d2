"""Plain values the graph hands back to callers: no driver objects leave ``graphdb``.

Geometry is shapely in WGS84 (EPSG:4326, x = longitude). A bbox is ``(west, south, east,
north)`` in degrees and selects what its bounding box intersects; bboxes across the
antimeridian are not supported (split them in two).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from shapely.geometry.base import BaseGeometry

from ingest.ontology.classes import GeometryKind
from ingest.records import ObservedClasses

BBox = tuple[float, float, float, float]
"""``(west, south, east, north)`` in WGS84 degrees."""

T = TypeVar("T")


class StateStatus(StrEnum):
    """Life of a map state.

    Each status is that of one *version* of a named state. ``uncommitted`` while its batches
    are written (no reader sees it), ``committed`` once one transaction flips it (readers see
    all of it, and its name now resolves to it), ``retired`` when a newer state of the area
    superseded it but it is kept as history (still readable by name), ``replaced`` when a newer
    version of the same name took its place (kept for history and diffs, readable by version
    id, purged only on request), ``discarding`` while an abandoned or purged version is deleted
    (invisible, refuses writes; finishing the deletion is always allowed).
    """

    UNCOMMITTED = "uncommitted"
    COMMITTED = "committed"
    RETIRED = "retired"
    REPLACED = "replaced"
    DISCARDING = "discarding"


READABLE = (StateStatus.COMMITTED.value, StateStatus.RETIRED.value)
"""The statuses a state *name* resolves to: the current version of each name."""

HISTORIC = (*READABLE, StateStatus.REPLACED.value)
"""The statuses a read by version id may see: current versions and the ones they replaced."""


@dataclass(frozen=True, slots=True)
class Area:
    """A named place whose map states form one history; ``coverage`` is the union of theirs."""

    id: str
    name: str
    coverage: BaseGeometry | None
    state_count: int = 0


@dataclass(frozen=True, slots=True)
class MapState:
    """One version of the graph of one area as of a date from one source (an OSM extract, an
    acquisition). ``id`` is the version id (the key of caches and "identical graph" checks);
    ``version`` counts the versions of ``name`` from 1; a replaced version names its successor
    in ``replaced_by``. ``observed`` is what its source can see, by scale (recorded at the
    commit; None for a state that does not say, which observes every class:
    ``graphdb.observed``)."""

    id: str
    name: str
    area: str
    as_of: date
    coverage: BaseGeometry
    source: str
    status: StateStatus
    created_at: datetime | None = None
    committed_at: datetime | None = None
    object_count: int | None = None
    relation_count: int | None = None
    version: int = 1
    replaced_at: datetime | None = None
    replaced_by: str | None = None
    observed: ObservedClasses | None = None


@dataclass(frozen=True, slots=True)
class GraphObject:
    """One stored object; ``area_m2`` for polygons, ``length_m`` for lines (geodesic-accurate).
    ``geometry`` is None only where a read was asked to leave it out (the API's look-ahead)."""

    id: str
    key: str
    cls: str
    scale: int
    geometry: BaseGeometry | None
    state_id: str
    name: str | None = None
    confidence: float = 1.0
    source: str = ""
    source_crs: int | None = None
    area_m2: float | None = None
    length_m: float | None = None
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ObjectLayer:
    """The objects of one state at one scale with one geometry kind (``polygon``, ``line`` or
    ``point``): how many, and the EPSG codes of the CRSs they were read in (``source_crs``)."""

    scale: int
    geometry: GeometryKind
    objects: int
    source_crs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Triplet:
    """``subject -predicate-> object`` in the reading that was asked for (inverse names too)."""

    subject: GraphObject
    predicate: str
    object: GraphObject
    confidence: float
    origin: str
    cross_scale: bool


@dataclass(frozen=True, slots=True)
class HierarchyLink:
    """An object reached through ``part_of`` edges, ``depth`` edges away from the start.

    ``via`` is the id of the object it was reached from (the previous one on the shortest path).
    """

    object: GraphObject
    depth: int
    via: str


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paginated read; pass ``next_after`` back to get the next one."""

    items: list[T]
    next_after: str | None


@dataclass(frozen=True, slots=True)
class WriteCounts:
    """How many object and relation rows one write call sent (MERGE: rewrites count again)."""

    objects: int
    relations: int
