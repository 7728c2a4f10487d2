"""Collection ids: one collection per map state, map scale and geometry kind.

The grammar, read from the right so that state names may contain underscores themselves::

    <state>_<scale>_<points|lines|polygons>   the listed collections: one geometry kind each
    <state>_<scale>                           every kind at that scale (the ids of earlier
                                              releases; still served, no longer listed)

``<scale>`` is a denominator of the scale ladder (2000, 10000, 50000): ``vaduz-2024_2000_lines``
is the line objects of state ``vaduz-2024`` at 1:2,000. GDAL and QGIS need one geometry type per
layer, which is why the mixed ids are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.errors import NotFound
from ingest.ontology import SCALE_DENOMINATORS
from ingest.ontology.classes import GeometryKind

KIND_OF_SUFFIX: dict[str, GeometryKind] = {
    "points": "point",
    "lines": "line",
    "polygons": "polygon",
}
"""Id suffix -> the geometry kind of ``graphdb`` (``GEOMETRY_TESTS`` in ``graphdb.reader``)."""

SUFFIX_OF_KIND = {kind: suffix for suffix, kind in KIND_OF_SUFFIX.items()}

_SCALES = {str(scale): scale for scale in SCALE_DENOMINATORS}


@dataclass(frozen=True, slots=True)
class CollectionId:
    """A parsed collection id; ``geometry`` None for the mixed ids of earlier releases."""

    state: str
    scale: int
    geometry: GeometryKind | None

    def __str__(self) -> str:
        base = f"{self.state}_{self.scale}"
        return base if self.geometry is None else f"{base}_{SUFFIX_OF_KIND[self.geometry]}"


def parse_collection_id(value: str) -> CollectionId:
    """The parts of a collection id (``NotFound`` when it cannot be one)."""
    rest, _, last = value.rpartition("_")
    geometry = KIND_OF_SUFFIX.get(last)
    if geometry is not None:
        rest, _, last = rest.rpartition("_")
    if not rest or last not in _SCALES:
        raise NotFound(
            f"no collection {value!r}: ids are <state>_<scale>_<points|lines|polygons>; "
            "GET /ogc/collections lists them"
        )
    return CollectionId(rest, _SCALES[last], geometry)
