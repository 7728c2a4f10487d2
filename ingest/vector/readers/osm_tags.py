"""Which OSM tags the readers ask for: the ontology's keys, split by what they decide."""

from __future__ import annotations

from ingest.ontology import OSM_KEYS

RULE_ONLY_KEYS = frozenset({"name", "layer", "tunnel"})
"""Tag keys kept for the relation rules that never decide a class on their own."""


def class_keys() -> list[str]:
    """The tag keys an element must carry to be read: those that can decide its class."""
    return [key for key in OSM_KEYS if key not in RULE_ONLY_KEYS]
