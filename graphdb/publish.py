"""Publish one scene graph as one committed map state, then diff it against what came before.

begin (uncommitted, invisible) -> write objects and relations in idempotent batches -> register
the rasters it was made from -> commit (one transaction, recording the classes the scene
observes) -> at each scale the new state has objects, diff against the latest older committed
state of the same area with objects at that scale, and store the alerts.

Anything that fails before the commit (a refused record, Neo4j going away, Ctrl-C) deletes the
uncommitted version and the raster nodes nobody else uses, so a failed ingest leaves no trace and
no half map, and a replaced state's current version is untouched until the commit. After the
commit the state stands: a failed diff can be run again on its own
(:func:`record_changes`, which stores alerts by deterministic id, so running it twice stores them
once). The CLI and single-process callers use :func:`publish_scene_graph`; the Celery jobs write
and commit with retries of their own and then call :func:`record_changes` too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from graphdb.diff import Alert, StateDiff
from graphdb.diff.evidence import EvidenceSource
from graphdb.errors import GraphError
from graphdb.models import MapState, StateStatus, WriteCounts
from graphdb.rasters import RasterRegistry
from graphdb.repository import GraphRepository, Neo4jGraph
from ingest.ontology import SCALE_DENOMINATORS
from ingest.records import RasterRecord, SceneGraph

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Published:
    """The committed state, what was written, and the diffs against its predecessors."""

    state: MapState
    counts: WriteCounts
    diffs: tuple[StateDiff, ...]
    alerts: int


@dataclass(frozen=True, slots=True)
class Changes:
    """A committed state's diffs against its predecessors (one per scale that has one) and the
    alerts stored for them."""

    diffs: tuple[StateDiff, ...]
    alerts: tuple[Alert, ...]


def previous_at_scale(graph: GraphRepository, state: MapState, scale: int) -> MapState | None:
    """The latest committed state of ``state``'s area, older by ``as_of``, with objects at
    ``scale``: an image analysed at 1:2,000 only is no baseline for 1:10,000."""
    earlier = [
        s
        for s in graph.states(state.area)
        if s.status is StateStatus.COMMITTED and s.as_of < state.as_of and s.id != state.id
    ]
    for candidate in sorted(earlier, key=lambda s: (s.as_of, s.committed_at), reverse=True):
        if graph.objects(candidate.id, scale=scale, limit=1).items:
            return candidate
    return None


def scales_present(graph: GraphRepository, state: MapState) -> list[int]:
    """The ladder scales at which a committed state has at least one object."""
    return [d for d in SCALE_DENOMINATORS if graph.objects(state.id, scale=d, limit=1).items]


def record_changes(
    graph: GraphRepository,
    state: MapState,
    scales: Iterable[int],
    progress: Progress | None = None,
    evidence: EvidenceSource | None = None,
) -> Changes:
    """Diff the committed ``state`` against its predecessor (:func:`previous_at_scale`) at each
    of ``scales`` that has one, and store the alerts (MERGE by id: a rerun stores them once).

    ``evidence`` (the segmenter's, ``graphdb.diff.evidence.evidence_of``) judges the changes by
    the pixels when the state comes from an image."""
    say = progress or (lambda _message: None)
    diffs: list[StateDiff] = []
    alerts: list[Alert] = []
    for scale in scales:
        previous = previous_at_scale(graph, state, scale)
        if previous is None:
            continue
        say(f"1:{scale}: diff against {previous.name!r}")
        diff = graph.diff(previous.id, state.id, scale=scale, evidence=evidence)
        alerts += graph.record_alerts(diff)
        diffs.append(diff)
    return Changes(tuple(diffs), tuple(alerts))


def _abandon(
    graph: Neo4jGraph,
    state: str,
    registry: RasterRegistry,
    rasters: Sequence[RasterRecord],
    error: BaseException,
) -> None:
    """Delete the uncommitted version (by id) and orphaned raster nodes; a failure here is noted
    on ``error`` rather than hiding it."""
    try:
        graph.cleanup(state)
        if rasters:
            registry.forget_unused([r.sha256 for r in rasters])
    except GraphError as cleanup_error:
        error.add_note(
            f"deleting the uncommitted version {state!r} failed too ({cleanup_error}); it stays "
            "invisible to readers: the next replace of the same name deletes it."
        )


def publish_scene_graph(
    graph: Neo4jGraph,
    scene: SceneGraph,
    *,
    state: str,
    area: str,
    as_of: date,
    source: str = "",
    replace: bool = False,
    rasters: Sequence[RasterRecord] = (),
    progress: Progress | None = None,
    evidence: EvidenceSource | None = None,
) -> Published:
    """Write ``scene`` as the committed state ``state`` of ``area`` as of ``as_of``.

    ``replace`` writes a new version of an existing state of that name, which stays readable
    until the new one commits and is then kept as history (``StateExists`` otherwise);
    ``rasters`` are the stored images the scene was made from. Returns the committed state
    with its diffs (one per scale that has a predecessor) and the number of alerts stored;
    ``evidence`` as for :func:`record_changes`.
    """
    say = progress or (lambda _message: None)
    registry = RasterRegistry(graph.client)
    version = graph.begin_state(
        state, area=area, as_of=as_of, coverage=scene.coverage, source=source, replace=replace
    )
    try:
        say(f"writing {len(scene.objects)} objects, {len(scene.relations)} relations")
        counts = graph.write(version.id, scene.objects, scene.relations)
        registry.register(version.id, rasters)
        committed = graph.commit(version.id, observed=scene.observed)
    except BaseException as error:
        _abandon(graph, version.id, registry, rasters, error)
        raise
    say(f"committed {state!r}")
    scales = sorted({obj.scale for obj in scene.objects})
    changes = record_changes(graph, committed, scales, progress=say, evidence=evidence)
    return Published(committed, counts, changes.diffs, len(changes.alerts))
