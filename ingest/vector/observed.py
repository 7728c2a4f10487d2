"""The classes a vector map state observes at each scale (the rule is in ``ingest.observed``).

The classifier names the *base* classes (:meth:`Classifier.observed
<ingest.vector.classify.Classifier.observed>`: a mapping's classes, or the OSM classes whose tag
keys the file sets). Generalisation then builds other classes from them, and a source that sees
buildings sees the blocks and settlements they make just as well, so the base is grown by the
aggregations of ``ingest.generalise.rules`` (transitively: buildings -> residential blocks ->
settlements). Each scale keeps the grown classes drawn there, plus every class the state holds
there: what other rules made from the features (tunnel portals at the ends of OSM tunnels, a
bridge carried as the motorway it carries at 1:50,000).

Atlanta's OSM building footprints (every OSM column, only ``building`` filled) observe
``building`` at 1:2,000, ``residential_block`` at 1:10,000 and ``settlement`` at 1:50,000; a
full OSM extract, which sets nearly every key, observes nearly every class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ingest.generalise.rules import AGGREGATIONS
from ingest.observed import observed_at
from ingest.records import MapObject


def derived_classes(base: Iterable[str]) -> frozenset[str]:
    """``base`` and every class the aggregations build from it, transitively."""
    grown = set(base)
    added = True
    while added:
        targets = {a.target for a in AGGREGATIONS if a.sources & grown}
        added = not targets <= grown
        grown |= targets
    return frozenset(grown)


def vector_observed(
    base: Iterable[str], by_scale: Mapping[int, Sequence[MapObject]]
) -> dict[int, tuple[str, ...]]:
    """The observed classes at each scale of ``by_scale`` (the generalised objects)."""
    grown = derived_classes(base)
    return {
        scale: observed_at(grown | {o.cls for o in objects}, scale)
        for scale, objects in by_scale.items()
    }
