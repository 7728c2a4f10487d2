"""A canonical fingerprint of one committed map state: equal graphs give equal hashes.

Object and state ids embed the state's name, so two runs into differently named states are
compared by what they contain: every object's properties (without ``id``, ``state_id`` and
``state``, the state's name),
and every relationship as (subject key, type, object key, properties). Timestamps are left out.

Two runs of the *same* submission (the same job id) write the same ids, so :func:`snapshot`
compares them by ids as well (the fault tests: a disturbed run against a clean one).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from neo4j import Driver

from graphdb.ids import version_id

OBJECTS = """
MATCH (s:MapState {name: $name})
MATCH (o:Object) WHERE o.state_id = s.id AND o.extent >= 0
RETURN o {.*, centroid: [o.centroid.x, o.centroid.y]} AS o
"""
RELATIONS = """
MATCH (s:MapState {name: $name})
MATCH (a:Object)-[r]->(b:Object) WHERE a.state_id = s.id
RETURN a.key AS a, type(r) AS type, b.key AS b, properties(r) AS props
"""
DROPPED = {"id", "state_id", "state"}


def fingerprint(driver: Driver, database: str, state: str) -> tuple[str, int, int]:
    """(sha256, objects, relationships) of the state called ``state``."""
    with driver.session(database=database) as session:
        objects = [_clean(r["o"]) for r in session.run(OBJECTS, name=state)]
        relations = [
            [r["a"], r["type"], r["b"], _clean(r["props"])]
            for r in session.run(RELATIONS, name=state)
        ]
    text = json.dumps(
        [sorted(objects, key=_key), sorted(relations, key=_key)], sort_keys=True, default=_bytes
    )
    return hashlib.sha256(text.encode()).hexdigest(), len(objects), len(relations)


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in DROPPED}


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, default=_bytes)


def _bytes(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


STATE_OBJECTS = """
MATCH (o:Object {state_id: $state_id})
RETURN o {.*, centroid: [o.centroid.x, o.centroid.y]} AS o
"""
STATE_RELATIONS = """
MATCH (a:Object {state_id: $state_id})-[r]->(b:Object)
RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props
"""
JOB_STATES = "MATCH (s:MapState) WHERE s.id IN $ids RETURN s.id AS id, s.status AS status"


@dataclass(frozen=True)
class Snapshot:
    """One job's committed state by ids: two runs of the same submission must give equal ones.

    ``objects`` maps each object id to its properties (canonical JSON); ``relations`` lists every
    relationship as (subject id, type, object id, properties), sorted, with repeats kept, so a
    relationship written twice makes two snapshots differ.
    """

    state_id: str
    objects: dict[str, str]
    relations: tuple[tuple[str, str, str, str], ...]

    def differences(self, other: Snapshot) -> list[str]:
        """What differs from ``other``, for an assertion message (empty when equal)."""
        found = []
        if self.state_id != other.state_id:
            found.append(f"state id {self.state_id} != {other.state_id}")
        if len(self.objects) != len(other.objects) or len(self.relations) != len(other.relations):
            found.append(
                f"objects/relations {len(self.objects)}/{len(self.relations)} != "
                f"{len(other.objects)}/{len(other.relations)}"
            )
        mine, theirs = set(self.objects), set(other.objects)
        if mine != theirs:
            found.append(f"object ids: {len(mine - theirs)} only here, {len(theirs - mine)} there")
        changed = [i for i in mine & theirs if self.objects[i] != other.objects[i]]
        if changed:
            found.append(f"{len(changed)} objects with other properties, e.g. {changed[0]}")
        if self.relations != other.relations:
            found.append("the relationships differ")
        return found


def job_state_id(driver: Driver, database: str, job_id: str, state: str) -> str:
    """The id of the state version the job ``job_id`` wrote, ``version_id(state, job_id)``;
    fails unless that version exists and is committed."""
    version = version_id(state, job_id)
    with driver.session(database=database) as session:
        found = [r["status"] for r in session.run(JOB_STATES, ids=[version])]
    if found != ["committed"]:
        raise AssertionError(f"job {job_id}: state version {version} is {found or 'missing'}")
    return version


def snapshot(driver: Driver, database: str, state: str) -> Snapshot:
    """The :class:`Snapshot` of the state whose id is ``state``."""
    with driver.session(database=database) as session:
        objects = {r["o"]["id"]: _key(r["o"]) for r in session.run(STATE_OBJECTS, state_id=state)}
        relations = sorted(
            (r["a"], r["type"], r["b"], _key(r["props"]))
            for r in session.run(STATE_RELATIONS, state_id=state)
        )
    return Snapshot(state, objects, tuple(relations))
