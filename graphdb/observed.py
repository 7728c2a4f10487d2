"""The classes a map state observes: their stored form, and what two states both observe.

What a state observes is decided by its producer (``ingest.observed``) and stored on the
``(:MapState)`` node, when the version commits, as ``observed``: a list of ``"<class>@<scale>"``
strings, e.g. ``["building@2000", "residential_block@10000", "settlement@50000"]``. Neo4j has no
map properties, and a list of strings, unlike a JSON text, can be asked directly
(``MATCH (s:MapState) WHERE 'building@2000' IN s.observed``). A scale without an entry is a
scale at which the state observes nothing.

A state without the property (committed before observed classes were recorded, or by a
writer that did not say) observes every class drawn at every scale, so diffs against it
compare everything, as they always did.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphdb.errors import UnknownTerm
from graphdb.models import MapState
from ingest.errors import UnknownClass, UnknownScale
from ingest.observed import observed_at
from ingest.ontology import SCALE_DENOMINATORS, classes_at
from ingest.records import ObservedClasses

SEPARATOR = "@"


def encode(observed: ObservedClasses) -> list[str]:
    """The stored form, scales fine to coarse and classes in ``CLASS_IDS`` order.

    Raises :class:`UnknownTerm` for a class the ontology lacks, a scale off the ladder, or a
    class not drawn at the scale it is given for.
    """
    stored: list[str] = []
    for scale in sorted(observed):
        classes = observed[scale]
        try:
            drawn = observed_at(classes, scale)
        except (UnknownClass, UnknownScale) as exc:
            raise UnknownTerm(f"observed classes: {exc}") from exc
        undrawn = sorted(set(classes) - set(drawn))
        if undrawn:
            raise UnknownTerm(
                f"observed classes {undrawn} are not drawn at 1:{scale}; give at each scale only "
                f"classes of that scale ({', '.join(classes_at(scale))})"
            )
        stored += [f"{cls}{SEPARATOR}{scale}" for cls in drawn]
    return stored


def decode(stored: Sequence[str] | None) -> dict[int, tuple[str, ...]] | None:
    """The stored form read back (None stays None: not recorded)."""
    if stored is None:
        return None
    by_scale: dict[int, list[str]] = {}
    for entry in stored:
        cls, _, scale = entry.rpartition(SEPARATOR)
        by_scale.setdefault(int(scale), []).append(cls)
    return {scale: observed_at(by_scale[scale], scale) for scale in sorted(by_scale)}


def observes(state: MapState, scale: int) -> tuple[str, ...]:
    """The classes ``state`` observes at ``scale`` (every class drawn there when it does not
    say), in ``CLASS_IDS`` order."""
    if state.observed is None:
        return classes_at(scale)
    return tuple(state.observed.get(scale, ()))


def observed_by_scale(state: MapState) -> dict[int, tuple[str, ...]]:
    """What ``state`` observes at each scale of the ladder where it observes anything."""
    found = {scale: observes(state, scale) for scale in SCALE_DENOMINATORS}
    return {scale: classes for scale, classes in found.items() if classes}


def shared_classes(old: MapState, new: MapState, scale: int) -> tuple[str, ...]:
    """The classes both states observe at ``scale``: the only ones a diff between them
    compares."""
    seen = set(observes(new, scale))
    return tuple(c for c in observes(old, scale) if c in seen)
