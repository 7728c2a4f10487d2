"""A canonical fingerprint of one committed map state: equal graphs give equal hashes.

Object and state ids embed the state's name, so two runs into differently named states are
compared by what they contain: every object's properties (without ``id`` and ``state_id``),
and every relationship as (subject key, type, object key, properties). Timestamps are left out.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from neo4j import Driver

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
DROPPED = {"id", "state_id"}


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
