"""Deterministic ids: the same input always gets the same id, so a retried write is a no-op.

Ids are 128-bit BLAKE2b digests in hex of the parts joined with a unit separator (0x1F), which
cannot appear in a class id or a scale and is vanishingly rare in keys; 128 bits keep collisions
out of reach for any number of objects a graph can hold.
"""

from __future__ import annotations

from hashlib import blake2b

_SEP = "\x1f"


def digest(*parts: object) -> str:
    """Hex digest of ``parts`` in order; ``None`` and ``""`` are told apart."""
    text = _SEP.join("\x00" if part is None else str(part) for part in parts)
    return blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def state_id(name: str) -> str:
    """Id of the first version of the map state called ``name`` (and of every state written
    before versions existed), so graphs from earlier releases keep their ids."""
    return "s" + digest("state", name)


def version_id(name: str, token: str) -> str:
    """Id of one version of the state ``name``, written by ``token`` (a job id, so a retried job
    writes the same version and the same object ids; a fresh token for a one-off write)."""
    return "s" + digest("state", name, token)


def object_id(state: str, scale: int, cls: str, key: str) -> str:
    """Id of one object: its state, scale, class and the producer's stable key."""
    return "o" + digest("object", state, scale, cls, key)


def alert_id(old_state: str, new_state: str, scale: int, kind: str, *subjects: str) -> str:
    """Id of one change alert, so re-running a diff rewrites the same alerts."""
    return "a" + digest("alert", old_state, new_state, scale, kind, *subjects)
