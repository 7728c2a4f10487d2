"""Areas and map states: creation, the atomic commit, retirement and deletion.

A state is written while ``uncommitted``, which no reader sees, and becomes visible all at once
when :meth:`StateStore.commit` flips its status in one transaction. Deleting a state (cleanup of
an abandoned write, purge of a retired state, replace) first moves it to ``discarding`` so
writers stop and readers never see a half-deleted map, then deletes its objects in batches and
finally the state node; an interrupted deletion is finished by calling it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

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
from graphdb.models import READABLE, Area, MapState, StateStatus
from graphdb.nodes import to_area, to_state
from graphdb.validate import check_geometries

UNCOMMITTED = StateStatus.UNCOMMITTED.value
COMMITTED = StateStatus.COMMITTED.value
RETIRED = StateStatus.RETIRED.value
DISCARDING = StateStatus.DISCARDING.value


class StateStore:
    """Life cycle of map states and their areas; ``delete_batch`` bounds one delete transaction."""

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
    ) -> MapState:
        """Create an uncommitted state (and its area on first use).

        An existing state of that name is an error unless ``replace``, which deletes it first
        (whatever its status) so the name starts over.
        """
        if not name or not area:
            raise InvalidRecord("a map state needs a non-empty name and area")
        _check_coverage(coverage)
        existing = self._find(name)
        if existing is not None:
            if not replace:
                raise StateExists(
                    f"map state {name!r} exists ({existing.status}); choose another name or "
                    "pass replace=True to delete it and start over"
                )
            self._delete(existing, allowed=tuple(StateStatus))
        params = {
            "id": ids.state_id(name),
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
            raise StateExists(f"map state {name!r} was created concurrently") from exc
        return to_state(dict(row.items()))

    def commit(self, name: str) -> MapState:
        """Make an uncommitted state visible to readers, atomically; grow its area's coverage."""
        state = self.get(name, include_private=True)
        committed = self._client.write(lambda tx: _commit(tx, state))
        if committed is None:
            latest = self.get(name, include_private=True)
            raise StateNotWritable(
                f"map state {name!r} is {latest.status}; only an uncommitted state can be committed"
            )
        return committed

    def retire(self, name: str) -> MapState:
        """Mark a committed state as superseded history (still readable, purgeable)."""
        return self._transition(name, (COMMITTED,), RETIRED)

    def cleanup(self, name: str) -> int:
        """Delete an abandoned uncommitted state and everything written to it; objects deleted."""
        return self._delete(self.get(name, include_private=True), allowed=(UNCOMMITTED,))

    def purge(self, name: str) -> int:
        """Delete a retired state, its objects and its alerts; objects deleted."""
        return self._delete(self.get(name, include_private=True), allowed=(RETIRED,))

    def get(self, name: str, *, include_private: bool = False) -> MapState:
        """The state called ``name``; uncommitted ones only with ``include_private``."""
        state = self._find(name)
        if state is None or (not include_private and state.status not in READABLE):
            raise StateNotFound(
                f"no committed map state {name!r}; list an area's states to see what exists"
            )
        return state

    def of_area(self, area: str, *, include_private: bool = False) -> list[MapState]:
        """States of an area, oldest ``as_of`` first."""
        statuses = list(StateStatus) if include_private else list(READABLE)
        rows = self._client.fetch(
            queries.load("states_of_area"), {"area": area, "statuses": statuses}
        )
        return [to_state(r) for r in rows]

    def previous(self, name: str) -> MapState | None:
        """The latest committed state of the same area with an earlier ``as_of``, if any."""
        self.get(name, include_private=True)
        rows = self._client.fetch(
            queries.load("state_previous"), {"name": name, "status": COMMITTED}
        )
        return to_state(rows[0]) if rows else None

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

    def _find(self, name: str) -> MapState | None:
        rows = self._client.fetch(queries.load("state_get"), {"name": name})
        return to_state(rows[0]) if rows else None

    def _transition(self, name: str, allowed: Iterable[str], to: str) -> MapState:
        current = self.get(name, include_private=True)
        allowed = tuple(allowed)
        params = {"name": name, "to": to, "from": list(allowed)}
        rows = self._client.write(
            lambda tx: [dict(r.items()) for r in tx.run(queries.load("state_transition"), params)]
        )
        if not rows:
            raise StateNotWritable(
                f"map state {name!r} is {current.status}; it must be one of {list(allowed)} "
                f"to become {to}"
            )
        return to_state(rows[0])

    def _delete(self, state: MapState, *, allowed: tuple[str, ...]) -> int:
        if state.status != DISCARDING:
            self._transition(state.name, allowed, DISCARDING)
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


def _commit(tx: ManagedTransaction, state: MapState) -> MapState | None:
    """The commit transaction: flip the status, count, union the area's coverage."""
    params = {"id": state.id, "to": COMMITTED, "from": UNCOMMITTED}
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
