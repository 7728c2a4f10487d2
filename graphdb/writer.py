"""Batched, idempotent writes of objects and relations into an uncommitted map state.

The whole call is validated first (nothing is written if any record is bad), then objects and
relations go in ``UNWIND $rows`` batches, one managed transaction each, MERGEd on deterministic
ids: a retried or duplicated batch rewrites the same nodes and edges and changes nothing. Each
batch re-checks, under a write lock on the state node, that the state is still uncommitted, so a
batch racing a commit or a cleanup is refused rather than slipped into a published map.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import LiteralString

from neo4j import ManagedTransaction

from graphdb import queries
from graphdb.client import GraphClient
from graphdb.errors import DanglingRelation, DuplicateKey, StateNotWritable
from graphdb.models import MapState, StateStatus, WriteCounts
from graphdb.rows import Row, object_rows, relation_rows
from graphdb.states import StateStore
from graphdb.validate import CanonicalRelation, canonical_relations, check_objects
from ingest.records import MapObject, Relation

UNCOMMITTED = StateStatus.UNCOMMITTED.value


class GraphWriter:
    """Writes records into uncommitted states, ``batch_size`` rows per transaction."""

    def __init__(self, client: GraphClient, states: StateStore, *, batch_size: int = 5_000):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self._client = client
        self._states = states
        self.batch_size = batch_size

    def write(
        self, state: str, objects: Sequence[MapObject], relations: Sequence[Relation] = ()
    ) -> WriteCounts:
        """Validate, then write ``objects`` and ``relations`` (keys may name earlier writes)."""
        target = self._states.get(state, include_private=True)
        if target.status != UNCOMMITTED:
            raise StateNotWritable(
                f"map state {state!r} is {target.status}; only uncommitted states take writes "
                "(begin a new state, or replace this one)"
            )
        geoms = check_objects(objects)
        canonical = canonical_relations(relations)
        rows = object_rows(target.id, objects, geoms)
        id_of = self._resolve_keys(
            target, {o.key: r["id"] for o, r in zip(objects, rows, strict=True)}, canonical
        )
        for batch in _batches(rows, self.batch_size):
            self._write_batch(target, queries.load("objects_merge"), batch)
        grouped = relation_rows(canonical, id_of)
        for rel_type, rows in grouped.items():
            query = queries.typed("relations_merge", rel_type)
            for batch in _batches(rows, self.batch_size):
                self._write_batch(target, query, batch)
        return WriteCounts(objects=len(objects), relations=len(canonical))

    def _resolve_keys(
        self, state: MapState, id_of: dict[str, str], relations: Sequence[CanonicalRelation]
    ) -> dict[str, str]:
        """Ids by key for the batch (``id_of``) and for earlier writes the relations name.

        Keys already in the state must keep their id (same scale and class); keys a relation
        names must be in the batch or in the state.
        """
        wanted = {k for r in relations for k in (r.subject_key, r.object_key)} - id_of.keys()
        if id_of and self._has_objects(state):
            wanted |= id_of.keys()
        found = self._lookup(state, wanted)
        clashes = sorted(k for k in id_of.keys() & found.keys() if found[k] != id_of[k])
        if clashes:
            raise DuplicateKey(
                f"keys {clashes[:5]} already name objects of another scale or class in state "
                f"{state.name!r}; a key must name one object per state"
            )
        missing = sorted(wanted - id_of.keys() - found.keys())
        if missing:
            raise DanglingRelation(
                f"relations name {len(missing)} key(s) that are neither in this batch nor in "
                f"state {state.name!r}: {missing[:5]}; write the objects first"
            )
        return found | id_of

    def _has_objects(self, state: MapState) -> bool:
        rows = self._client.fetch(queries.load("state_has_objects"), {"state_id": state.id})
        return bool(rows[0]["found"])

    def _lookup(self, state: MapState, keys: set[str]) -> dict[str, str]:
        if not keys:
            return {}
        rows = self._client.fetch(
            queries.load("object_keys"), {"state_id": state.id, "keys": sorted(keys)}
        )
        return {r["key"]: r["id"] for r in rows}

    def _write_batch(self, state: MapState, query: LiteralString, rows: list[Row]) -> None:
        guard = {"state_id": state.id, "status": UNCOMMITTED}
        params = {"state_id": state.id, "rows": rows}

        def work(tx: ManagedTransaction) -> int:
            # The guard runs first in the same transaction and write-locks the state node, so
            # a concurrent commit or cleanup either waits for this batch or refuses it.
            if not tx.run(queries.load("state_touch"), guard).single(strict=True)["found"]:
                return 0
            return int(tx.run(query, params).single(strict=True)["written"])

        written = self._client.write(work)
        if written != len(rows):
            raise StateNotWritable(
                f"map state {state.name!r} stopped taking writes (committed or being deleted "
                f"meanwhile): {written} of {len(rows)} rows written in the last batch"
            )


def _batches(rows: list[Row], size: int) -> list[list[Row]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]
