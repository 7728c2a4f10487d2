"""The small interface callers (API, workers, CLI) depend on, and its Neo4j implementation.

Callers type against :class:`GraphRepository` (a Protocol) and get an instance from
:func:`open_graph`; only ``graphdb`` knows Cypher. Each method is documented in the Protocol;
the implementation delegates to one service per concern (states, writer, reader, diff).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from types import TracebackType
from typing import Protocol, Self

from shapely.geometry.base import BaseGeometry

from config.connections import Connections
from graphdb.client import GraphClient
from graphdb.diff import Alert, ChangeDetector, DiffThresholds, Severity, StateDiff
from graphdb.diff.evidence import EvidenceSource
from graphdb.models import (
    Area,
    BBox,
    GraphObject,
    HierarchyLink,
    MapState,
    ObjectLayer,
    Page,
    Triplet,
    WriteCounts,
)
from graphdb.params import MAX_HIERARCHY_DEPTH
from graphdb.reader import MapReader
from graphdb.schema import apply_schema
from graphdb.states import Retention, StateStore
from graphdb.writer import GraphWriter
from ingest.ontology.classes import GeometryKind
from ingest.records import MapObject, ObservedClasses, Relation


class GraphRepository(Protocol):
    """What the rest of orthograph may ask of the knowledge graph."""

    # Areas and states.
    def areas(self) -> list[Area]:
        """Every area, by name."""
        ...

    def rename_area(self, old: str, new: str) -> Area:
        """Rename an area (``AreaNotFound``, ``AreaExists``)."""
        ...

    def begin_state(
        self,
        name: str,
        *,
        area: str,
        as_of: date,
        coverage: BaseGeometry,
        source: str = "",
        replace: bool = False,
        token: str | None = None,
    ) -> MapState:
        """Start an uncommitted version of a state (``StateExists`` when the name has a current
        version, unless ``replace``); ``token`` decides the version id (a job's id)."""
        ...

    def write(
        self, state: str, objects: Sequence[MapObject], relations: Sequence[Relation] = ()
    ) -> WriteCounts:
        """Validate and write records into an uncommitted state, in idempotent batches."""
        ...

    def commit(
        self,
        state: str,
        *,
        job_id: str | None = None,
        observed: ObservedClasses | None = None,
    ) -> MapState:
        """Publish an uncommitted version atomically (the version it replaces becomes history),
        recording the classes it ``observed`` at each scale (none given: every class); with
        ``job_id``, only while that job is RUNNING."""
        ...

    def cleanup(self, state: str) -> int:
        """Delete an abandoned uncommitted state; returns the objects deleted."""
        ...

    def retire(self, state: str) -> MapState:
        """Mark a committed state as superseded history."""
        ...

    def purge(self, state: str) -> int:
        """Delete a retired state (or a replaced version, by id) with its objects and alerts;
        returns the objects deleted."""
        ...

    def purge_replaced(
        self, retention: Retention, *, name: str | None = None, dry_run: bool = False
    ) -> list[MapState]:
        """Delete the replaced versions ``retention`` lets go; the versions deleted."""
        ...

    def versions(self, name: str) -> list[MapState]:
        """Every version of a state, newest first (``StateNotFound``)."""
        ...

    def version(self, version_id: str) -> MapState | None:
        """One version by id, whatever its status (None when there is none)."""
        ...

    def state(self, name: str, *, include_private: bool = False) -> MapState:
        """One state (``StateNotFound``; uncommitted ones only with ``include_private``)."""
        ...

    def states(self, area: str, *, include_private: bool = False) -> list[MapState]:
        """An area's states, oldest ``as_of`` first."""
        ...

    def previous_state(self, name: str) -> MapState | None:
        """The latest committed state of the same area with an earlier ``as_of``."""
        ...

    def generation(self) -> str:
        """A token that changes whenever readable data changes (caches key on it)."""
        ...

    # Reads of committed states.
    def objects(
        self,
        state: str,
        *,
        classes: Sequence[str] | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
        geometry: GeometryKind | None = None,
        after: str | None = None,
        before: str | None = None,
        limit: int = 500,
        with_geometry: bool = True,
    ) -> Page[GraphObject]:
        """A page of objects by class, scale, bbox and geometry kind (keyset on id, forwards
        after ``after`` or backwards before ``before``); without their geometry when
        ``with_geometry`` is False (the API's look-ahead)."""
        ...

    def count_objects(
        self,
        state: str,
        *,
        classes: Sequence[str] | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
        geometry: GeometryKind | None = None,
        name_contains: str | None = None,
    ) -> int:
        """How many objects the same filters select over every page."""
        ...

    def object_layers(self, state: str) -> list[ObjectLayer]:
        """A state's objects counted by scale and geometry kind, with their source CRSs."""
        ...

    def objects_by_id(self, ids: Sequence[str]) -> list[GraphObject]:
        """Objects by id, for DataLoaders (missing or private ones are skipped)."""
        ...

    def triplets(
        self,
        state: str,
        *,
        predicate: str,
        subject_class: str | None = None,
        object_class: str | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
        after: str | None = None,
        limit: int = 500,
        subject_geometry: bool = True,
        object_geometry: bool = True,
    ) -> Page[Triplet]:
        """Triplets in the asked reading; inverse predicate names read edges backwards. Each
        side comes with its geometry only when asked."""
        ...

    def count_triplets(
        self,
        state: str,
        *,
        predicate: str,
        subject_class: str | None = None,
        object_class: str | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
    ) -> int:
        """How many triplets the same filters select over every page."""
        ...

    def search(self, state: str, text: str, *, limit: int = 20) -> list[GraphObject]:
        """Objects whose name matches ``text``."""
        ...

    def ancestors(
        self, object_id: str, *, depth: int = MAX_HIERARCHY_DEPTH, limit: int = 500
    ) -> list[HierarchyLink]:
        """The ``part_of`` chain up to coarser scales."""
        ...

    def descendants(
        self, object_id: str, *, depth: int = MAX_HIERARCHY_DEPTH, limit: int = 500
    ) -> list[HierarchyLink]:
        """What the object ``consists_of``, down to finer scales."""
        ...

    def export(
        self,
        state: str,
        *,
        classes: Sequence[str] | None = None,
        scale: int | None = None,
        bbox: BBox | None = None,
    ) -> Iterator[GraphObject]:
        """Every matching object, streamed."""
        ...

    # Change detection.
    def diff(
        self,
        old: str,
        new: str,
        *,
        scale: int,
        thresholds: DiffThresholds | None = None,
        naive: bool = False,
        evidence: EvidenceSource | None = None,
    ) -> StateDiff:
        """Changes between two committed states of one area at one scale (``AreaMismatch``);
        ``naive``: the first release's diff (every class, instance by instance); ``evidence``:
        judged by the states' pixels (``graphdb.diff.evidence``)."""
        ...

    def record_alerts(self, diff: StateDiff) -> list[Alert]:
        """Store a diff's alerts as ``(:Alert)`` nodes linked to both states."""
        ...

    def alerts(self, state: str, *, min_severity: Severity = Severity.LOW) -> list[Alert]:
        """Stored alerts into ``state``, most severe first."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class Neo4jGraph:
    """:class:`GraphRepository` on Neo4j; use :func:`open_graph` or ``with Neo4jGraph(...)``."""

    def __init__(self, client: GraphClient, *, batch_size: int = 5_000) -> None:
        self.client = client
        self._states = StateStore(client)
        self._writer = GraphWriter(client, self._states, batch_size=batch_size)
        self._reader = MapReader(client, self._states)
        self._changes = ChangeDetector(client, self._states)
        self.areas = self._states.areas
        self.rename_area = self._states.rename_area
        self.begin_state = self._states.begin
        self.write = self._writer.write
        self.commit = self._states.commit
        self.cleanup = self._states.cleanup
        self.retire = self._states.retire
        self.purge = self._states.purge
        self.purge_replaced = self._states.purge_replaced
        self.versions = self._states.versions
        self.version = self._states.version
        self.state = self._states.get
        self.states = self._states.of_area
        self.previous_state = self._states.previous
        self.generation = self._states.generation
        self.objects = self._reader.objects
        self.count_objects = self._reader.count_objects
        self.object_layers = self._reader.object_layers
        self.objects_by_id = self._reader.objects_by_id
        self.triplets = self._reader.triplets
        self.count_triplets = self._reader.count_triplets
        self.search = self._reader.search
        self.ancestors = self._reader.ancestors
        self.descendants = self._reader.descendants
        self.export = self._reader.export
        self.diff = self._changes.diff
        self.record_alerts = self._changes.record
        self.alerts = self._changes.alerts

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_graph(
    connections: Connections,
    *,
    batch_size: int = 5_000,
    migrate: bool = True,
    timeout_s: float | None = None,
    read_timeout_s: float | None = None,
) -> Neo4jGraph:
    """Connect and (by default) bring the schema up to date: the start-up of every process.

    ``timeout_s``: fail fast (``GraphClient.connect``), one try, no backoff: an unreachable
    Neo4j raises ``GraphUnavailable`` within about that long. ``read_timeout_s``: the server
    ends reads that run longer (``GraphClient``).
    """
    client = (
        GraphClient.connect(connections, read_timeout_s=read_timeout_s)
        if timeout_s is None
        else GraphClient.connect(
            connections, timeout_s=timeout_s, attempts=1, read_timeout_s=read_timeout_s
        )
    )
    graph = Neo4jGraph(client, batch_size=batch_size)
    if migrate:
        apply_schema(graph.client)
    return graph
