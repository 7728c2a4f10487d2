"""One OpenStreetMap tag condition, the building block of every class's OSM mapping.

OSM values are free text: mappers write ``yes``, ``Yes`` and `` yes``. Values are compared after
stripping spaces and lower-casing. A tag whose value is not a string (the ``None`` or ``NaN`` a
pandas row holds for a missing tag) or is empty counts as absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


def tag_value(tags: Mapping[str, object], key: str) -> str | None:
    """The normalised (stripped, lower-case) value of ``key``, or None when it is absent."""
    value = tags.get(key)
    if not isinstance(value, str):
        return None
    return value.strip().lower() or None


def tag_is_set(tags: Mapping[str, object], key: str) -> bool:
    """True when ``key`` has a value other than ``no`` (``bridge=yes``, ``tunnel=culvert``)."""
    value = tag_value(tags, key)
    return value is not None and value != "no"


@dataclass(frozen=True)
class OsmTagRule:
    """A tag condition: ``key`` has one of ``values``, or any value but ``no`` when None."""

    key: str
    values: frozenset[str] | None

    def matches(self, tags: Mapping[str, object]) -> bool:
        """True when the feature's tags meet this condition."""
        if self.values is None:
            return tag_is_set(tags, self.key)
        return tag_value(tags, self.key) in self.values


def tag(key: str, *values: str) -> OsmTagRule:
    """Shorthand: ``tag("building")`` (any value but no), ``tag("landuse", "forest", "wood")``."""
    return OsmTagRule(key, frozenset(values) if values else None)
