"""Areas and versioned map states: creation, the atomic commit, history and deletion.

A state *name* points to one version. A new version is written under its own id
(:func:`graphdb.ids.version_id`: a job's id decides it, so a retried job writes the same ids)
while ``uncommitted``, which no reader sees, and :meth:`StateStore.commit` makes it the version
its name resolves to in one transaction, turning the version it replaces into history
(``replaced``, still readable by version id, with its alerts and decisions). Nothing is deleted
by a replace: replaced versions go only through :meth:`StateStore.purge_replaced`, an explicit
retention rule. Two unique constraints keep the pointers honest: at most one current version
(``head_name``) and one version being written (``pending_name``) per name.

Deleting a version (cleanup of an abandoned write, purge) first moves it to ``discarding`` so
writers stop and readers never see a half-deleted map, then deletes its objects and alerts in
batches and finally the version node; an interrupted deletion is finished by calling it again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import shapely
from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError
from shapely.geometry.base import BaseGeometry

from graphdb import ids, queries
from graphdb.client import GraphClient
from graphdb.errors import (
    AreaExists,
    AreaNotFound,
    InvalidGeometry,
    InvalidRecord,
    StateExists,
    StateNotFound,
    StateNotWritable,
)
from graphdb.jobs import JobStatus
from graphdb.models import HISTORIC, READABLE, Area, MapState, StateStatus
from graphdb.nodes import to_area, to_state
from graphdb.observed import encode as encode_observed
from graphdb.validate import check_geometries
from ingest.records import ObservedClasses

UNCOMMITTED = StateStatus.UNCOMMITTED.value
COMMITTED = StateStatus.COMMITTED.value
RETIRED = StateStatus.RETIRED.value
REPLACED = StateStatus.REPLACED.value
DISCARDING = StateStatus.DISCARDING.value

JOB_SOURCE_MARK = " job:"
"""What the ``source`` of a version written by a job holds before the job id (``workers``
writes it): such a version is never deleted by someone else's replace, only by its job."""


@dataclass(frozen=True, slots=True)
class _Reference:
    """A version a reference resolved to, and whether it is its name's current or pending one."""

    state: MapState
    head: bool
    pending: bool


@dataclass(frozen=True, slots=True)
class Retention:
    """Which replaced versions a purge deletes: beyond the newest ``keep`` of each name, and
    only those replaced before ``replaced_before`` (when given)."""

    keep: int = 0
    replaced_before: datetime | None = None

    def __post_init__(self) -> None:
        if self.keep < 0:
            raise InvalidRecord(f"keep must be 0 or more replaced versions, got {self.keep}")


class StateStore:
    """Life cycle of map states and their areas; ``delete_batch`` bounds one delete transaction.

    Wherever a state is named, a version id works too (``s`` + 32 hex digits), so a replaced
    version can be read and diffed by its id.
    """

    def __init__(self, client: GraphClient, *, delete_batch: int = 10_000) -> None:
        self._client = client
        self._delete_batch = delete_batch

    def begin(
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
        """Create an uncommitted version of ``name`` (and its area on first use).

        ``token`` decides the version id (a job passes its id; see :func:`ids.version_id`);
        without one, the first version keeps :func:`ids.state_id` and later ones get a fresh id.
        A current version of that name is an error unless ``replace``: then it stays readable
        until the new version commits. A version being written by someone else is an error
        (``StateExists``); an abandoned one (not written by a job) is deleted first when
        ``replace``. Beginning again with the token of the version being written returns it.
        """
        if not name or not area:
            raise InvalidRecord("a map state needs a non-empty name and area")
        _check_coverage(coverage)
        references = self._references(name)
        pending = _pending(references)
        version_id = self._version_id(name, token)
        if pending is not None and pending.id == version_id:
            if pending.status == UNCOMMITTED:
                return pending
            self._delete(pending, allowed=(DISCARDING,))
        elif pending is not None:
            abandoned = pending.status == DISCARDING or (
                replace and JOB_SOURCE_MARK not in pending.source
            )
            if not abandoned:
                raise StateExists(
                    f"map state {name!r} is being written (version {pending.version}, "
                    f"source {pending.source!r}); wait for it, or cancel its job"
                )
            self._delete(pending, allowed=(UNCOMMITTED,))
        head = _head(references)
        if head is not None and not replace:
            raise StateExists(
                f"map state {name!r} exists ({head.status}, version {head.version}); choose "
                "another name or replace it (the current version stays readable until the "
                "new one commits, then is kept as history)"
            )
        params = {
            "id": version_id,
            "name": name,
            "area": area,
            "as_of": as_of,
            "coverage": shapely.to_wkb(coverage),
            "source": source,
            "status": UNCOMMITTED,
        }
        try:
            row = self._client.write(
                lambda tx: tx.run(queries.load("state_create"), params).single(strict=True)
            )
        except ConstraintError as exc:
            raise StateExists(f"map state {name!r} was begun concurrently") from exc
        return to_state(dict(row.items()))

    def commit(
        self,
        ref: str,
        *,
        job_id: str | None = None,
        observed: ObservedClasses | None = None,
    ) -> MapState:
        """Make the version being written under ``ref`` (a name or version id) the current one,
        atomically: the version it replaces becomes history; grow the area's coverage.

        ``observed`` records the classes its source can see at each scale (``UnknownTerm`` for
        a class not drawn at its scale; without it the version observes every class, see
        :mod:`graphdb.observed`). With ``job_id``, only while that job is RUNNING (read under
        the job's write lock in the same transaction), so a job cancelled meanwhile never
        publishes its version.
        """
        stored = None if observed is None else encode_observed(observed)
        state = self.get(ref, include_private=True)
        committed = self._client.write(lambda tx: _commit(tx, state, job_id, stored))
        if committed is None:
            latest = self.version(state.id)
            status = latest.status if latest is not None else "deleted"
            if latest is not None and latest.status == UNCOMMITTED and job_id is not None:
                raise StateNotWritable(
                    f"map state {state.name!r} (version {state.version}) was not committed: "
                    f"job {job_id} is no longer running (cancelled or failed meanwhile)"
                )
            raise StateNotWritable(
                f"map state {state.name!r} (version {state.version}) is {status}; only an "
                "uncommitted version can be committed"
            )
        return committed

    def retire(self, ref: str) -> MapState:
        """Mark a committed state as superseded history (still readable, purgeable)."""
        return self._transition(self.get(ref, include_private=True), (COMMITTED,), RETIRED)

    def cleanup(self, ref: str) -> int:
        """Delete an abandoned uncommitted version and everything written to it; objects
        deleted."""
        return self._delete(self.get(ref, include_private=True), allowed=(UNCOMMITTED,))

    def purge(self, ref: str) -> int:
        """Delete a retired state (or one replaced version, by id), its objects and its alerts;
        objects deleted."""
        return self._delete(self.get(ref, include_private=True), allowed=(RETIRED, REPLACED))

    def purge_replaced(
        self, retention: Retention, *, name: str | None = None, dry_run: bool = False
    ) -> list[MapState]:
        """Delete the replaced versions (of ``name``, or of every state) that ``retention``
        lets go, with their objects and alerts; the versions deleted (or, with ``dry_run``,
        that would be). Current versions are never touched."""
        params = {"status": REPLACED, "name": name}
        rows = self._client.fetch(queries.load("states_replaced"), params)
        replaced = [to_state(r) for r in rows]
        doomed = _beyond_retention(replaced, retention)
        if not dry_run:
            for state in doomed:
                self._delete(state, allowed=(REPLACED,))
        return doomed

    def get(self, ref: str, *, include_private: bool = False) -> MapState:
        """The current version of the state called ``ref``, or the version with id ``ref``
        (replaced ones too). With ``include_private``, the version being written under that name
        comes first, and uncommitted versions are found by id."""
        references = self._references(ref)
        by_id = next((r.state for r in references if r.state.id == ref), None)
        found = by_id or (_pending(references) if include_private else None) or _head(references)
        visible = HISTORIC if by_id is not None else READABLE
        if found is None or (not include_private and found.status not in visible):
            raise StateNotFound(
                f"no committed map state {ref!r}; list an area's states to see what exists"
            )
        return found

    def version(self, version_id: str) -> MapState | None:
        """The version with that id, whatever its status; None when there is none."""
        return next(
            (r.state for r in self._references(version_id) if r.state.id == version_id), None
        )

    def versions(self, name: str) -> list[MapState]:
        """Every version of ``name``, newest first (``StateNotFound`` when there is none)."""
        rows = self._client.fetch(queries.load("state_versions"), {"name": name})
        if not rows:
            raise StateNotFound(f"no map state {name!r}; list an area's states to see what exists")
        return [to_state(r) for r in rows]

    def of_area(self, area: str, *, include_private: bool = False) -> list[MapState]:
        """The current version of each state of an area, oldest ``as_of`` first; with
        ``include_private``, every version in any status."""
        statuses = list(StateStatus) if include_private else list(READABLE)
        rows = self._client.fetch(
            queries.load("states_of_area"), {"area": area, "statuses": statuses}
        )
        return [to_state(r) for r in rows]

    def previous(self, ref: str) -> MapState | None:
        """The latest committed state of the same area with an earlier ``as_of``, if any."""
        state = self.get(ref, include_private=True)
        rows = self._client.fetch(
            queries.load("state_previous"), {"id": state.id, "status": COMMITTED}
        )
        return to_state(rows[0]) if rows else None

    def generation(self) -> str:
        """A token that changes whenever any committed or retired data a read can see changes
        (``states_generation.cypher``): caches of reads key on it. One aggregate over the
        states and areas, not the objects."""
        (row,) = self._client.fetch(queries.load("states_generation"), {})
        areas = hashlib.sha256("\x1f".join(row["areas"]).encode()).hexdigest()[:16]
        return f"{row['states']}|{row['updated']}|{row['replaced']}|{areas}"

    def areas(self) -> list[Area]:
        """Every area, by name."""
        return [to_area(r) for r in self._client.fetch(queries.load("areas"), {})]

    def area(self, name: str) -> Area:
        """One area by name."""
        rows = self._client.fetch(queries.load("area_get"), {"name": name})
        if not rows:
            raise AreaNotFound(f"no area {name!r}; areas are created by their first state")
        return to_area(rows[0])

    def rename_area(self, old: str, new: str) -> Area:
        """Rename an area; its states and history follow (they hold its id, not its name)."""
        self.area(old)
        if not new:
            raise InvalidRecord("an area needs a non-empty name")
        try:
            rows = self._client.write(
                lambda tx: [
                    dict(r.items())
                    for r in tx.run(queries.load("area_rename"), {"old": old, "new": new})
                ]
            )
        except ConstraintError as exc:
            raise AreaExists(f"area {new!r} exists already; pick another name") from exc
        return to_area(rows[0])

    def _references(self, ref: str) -> list[_Reference]:
        """The versions ``ref`` can mean: current and pending of that name, or that id."""
        return [
            _Reference(to_state(r), head=bool(r["head"]), pending=bool(r["pending"]))
            for r in self._client.fetch(queries.load("state_get"), {"ref": ref})
        ]

    def _version_id(self, name: str, token: str | None) -> str:
        """The id of a new version of ``name`` (see :meth:`begin`)."""
        if token is not None:
            return ids.version_id(name, token)
        if not self._client.fetch(queries.load("state_versions"), {"name": name}):
            return ids.state_id(name)
        return ids.version_id(name, uuid.uuid4().hex)

    def _transition(self, state: MapState, allowed: Iterable[str], to: str) -> MapState:
        allowed = tuple(allowed)
        params = {"id": state.id, "to": to, "from": list(allowed)}
        rows = self._client.write(
            lambda tx: [dict(r.items()) for r in tx.run(queries.load("state_transition"), params)]
        )
        if not rows:
            raise StateNotWritable(
                f"map state {state.name!r} (version {state.version}) is {state.status}; it "
                f"must be one of {list(allowed)} to become {to}"
            )
        return to_state(rows[0])

    def _delete(self, state: MapState, *, allowed: tuple[str, ...]) -> int:
        if state.status != DISCARDING:
            self._transition(state, allowed, DISCARDING)
        deleted = self._drain("state_delete_objects", state.id)
        self._drain("state_delete_alerts", state.id)
        params = {"state_id": state.id, "status": DISCARDING}
        self._client.write(lambda tx: tx.run(queries.load("state_delete"), params).consume())
        return deleted

    def _drain(self, query: str, state_id: str) -> int:
        """Run a batched delete until it deletes nothing; the total deleted."""
        params = {"state_id": state_id, "batch": self._delete_batch}
        total = 0
        while n := self._client.write(
            lambda tx: tx.run(queries.load(query), params).single(strict=True)["deleted"]
        ):
            total += n
        return total


def _head(references: Iterable[_Reference]) -> MapState | None:
    """The current version among ``references``."""
    return next((r.state for r in references if r.head), None)


def _pending(references: Iterable[_Reference]) -> MapState | None:
    """The version being written (or being discarded) among ``references``."""
    return next((r.state for r in references if r.pending), None)


def _beyond_retention(replaced: list[MapState], retention: Retention) -> list[MapState]:
    """Replaced versions (newest first within each name) past ``retention``."""
    doomed: list[MapState] = []
    seen: dict[str, int] = {}
    for state in replaced:
        seen[state.name] = seen.get(state.name, 0) + 1
        if seen[state.name] <= retention.keep:
            continue
        cutoff, when = retention.replaced_before, state.replaced_at
        if cutoff is None or (when is not None and when < cutoff):
            doomed.append(state)
    return doomed


def _commit(
    tx: ManagedTransaction, state: MapState, job_id: str | None, observed: list[str] | None
) -> MapState | None:
    """The commit transaction: flip the status, record what it observes, count, union the
    area's coverage."""
    params = {
        "id": state.id,
        "observed": observed,
        "to": COMMITTED,
        "from": UNCOMMITTED,
        "replaced": REPLACED,
        "job_id": job_id,
        "job_running": JobStatus.RUNNING.value,
    }
    row = tx.run(queries.load("state_commit"), params).single()
    if row is None:
        return None
    area_coverage = row["area_coverage"]
    coverage = state.coverage
    if area_coverage is not None:
        coverage = shapely.union(shapely.from_wkb(area_coverage), coverage)
    params = {"id": row["area_id"], "coverage": shapely.to_wkb(coverage)}
    tx.run(queries.load("area_set_coverage"), params).consume()
    return to_state(dict(row.items()))


def _check_coverage(coverage: BaseGeometry) -> None:
    check_geometries(np.array([coverage], dtype=object), ["coverage"])
    if shapely.get_dimensions(coverage) != 2:
        raise InvalidGeometry(f"a coverage must be a polygon, got {coverage.geom_type}")
