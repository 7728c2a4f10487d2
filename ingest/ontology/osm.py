"""One object class for an OpenStreetMap feature, and the OSM layer that orders crossings.

A feature often carries tags of several classes (``highway=primary`` + ``bridge=yes``,
``building=yes`` + ``amenity=parking``). ``classify_osm`` tries the classes in
``OSM_PRECEDENCE`` and returns the first whose tags match, so the most specific reading wins:

1. ``bridge``: a way tagged ``bridge=*`` (any value but ``no``) or ``man_made=bridge`` is a
   bridge whatever it carries (road, railway, footway, canal), unless it also has ``tunnel=*``
   (a tunnel is never a bridge; it keeps the class of what it carries);
2. ``building`` over everything else (a multi-storey car park, a station building, a building
   on ``landuse=*``);
3. point and line structures (station, dam, pier, runway), then transport lines;
4. water, the reservoir first (``natural=water`` + ``water=reservoir``), a river or canal area
   (``water=river``) before generic standing water;
5. specific sites (airport, port, parking, sports, cemetery, quarry, park) over the land use
   they sit on;
6. land use (settlement, industrial, farmyard, residential) over land cover;
7. land cover, the wetland first (a wooded swamp is a wetland), bare ground last.

Classes without OSM tags (``industrial_zone``, ``tunnel_portal``) come from generalisation or
geometry, never from ``classify_osm``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ingest.ontology.classes import CLASSES
from ingest.ontology.tags import OsmTagRule, tag, tag_is_set, tag_value

OSM_PRECEDENCE: tuple[str, ...] = (
    "bridge",
    "building",
    "railway_station", "dam", "pier", "runway",
    "motorway", "road", "railway",
    "reservoir", "river", "stream", "water_body",
    "airport", "port", "parking_lot", "sports_ground", "cemetery", "quarry", "park",
    "settlement", "industrial_site", "farm", "residential_block",
    "wetland", "forest", "orchard", "cropland", "vegetation", "bare_ground",
)  # fmt: skip
"""Every class with OSM tags, most specific first; the first match classifies a feature."""

_VETOES: Mapping[str, OsmTagRule] = {"bridge": tag("tunnel")}
"""A class whose veto tag is set is skipped: a ``tunnel=*`` way is not a bridge."""

OSM_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [rule.key for class_id in OSM_PRECEDENCE for rule in CLASSES[class_id].osm]
        + [veto.key for veto in _VETOES.values()]
        + ["layer", "name"]
    )
)
"""Every OSM key the ontology reads: the class tags, ``tunnel``, ``layer`` and ``name``.

Readers ask their OSM parser for exactly these tags (pyrosm's ``extra_attributes``)."""


_INTEGER = re.compile(r"[+-]?\d+")


def _matches(class_id: str, tags: Mapping[str, object]) -> bool:
    veto = _VETOES.get(class_id)
    if veto is not None and veto.matches(tags):
        return False
    return any(rule.matches(tags) for rule in CLASSES[class_id].osm)


def classify_osm(tags: Mapping[str, str]) -> str | None:
    """The class id of an OSM feature with these tags, or None when no class applies.

    ``{"highway": "primary", "bridge": "viaduct"}`` -> ``"bridge"``;
    ``{"highway": "primary", "tunnel": "yes", "bridge": "yes"}`` -> ``"road"``;
    ``{"highway": "footway"}`` -> None. Missing and non-string values count as absent.
    """
    for class_id in OSM_PRECEDENCE:
        if _matches(class_id, tags):
            return class_id
    return None


def osm_layer(tags: Mapping[str, str]) -> int:
    """The vertical order of a feature: its ``layer`` tag, else 1 on a bridge, -1 in a tunnel, 0.

    ``passing_over`` compares these numbers. The tunnel default (OSM's own convention, which
    method.md leaves open) makes a road over a culverted stream or a cut-and-cover tunnel pass
    over it instead of crossing it at grade. An unreadable ``layer`` (``"1;2"``, ``"high"``)
    falls back to the default.
    """
    raw = tag_value(tags, "layer")
    if raw is not None and _INTEGER.fullmatch(raw):
        return int(raw)
    if _matches("bridge", tags):
        return 1
    if tag_is_set(tags, "tunnel"):
        return -1
    return 0
