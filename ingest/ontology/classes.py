"""The 32 object classes of orthograph scene graphs, after the classification of topographic maps.

Each class says at which map scales it is drawn (a building only at 1:2,000, blocks at
1:10,000, whole settlements at 1:50,000), how it is drawn (``geometry``: polygon, line or point)
and which OpenStreetMap tags make a feature of that class. ``geometry`` is the kind the class has
on the map; an input may bring another kind (OSM often maps a station or a settlement as a node),
and readers convert it. Where two classes' tags meet on one feature, ``ingest.ontology.osm``
decides.

``CLASS_IDS`` fixes the order: its indices are the model's class indices, so new classes go at
the end and existing ones never move.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from ingest.errors import UnknownClass
from ingest.ontology.names import node_label, unknown_id_message
from ingest.ontology.scales import get_scale
from ingest.ontology.tags import OsmTagRule, tag

GeometryKind = Literal["polygon", "line", "point"]

ROAD_HIGHWAYS = frozenset(
    {
        "primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
        "unclassified", "residential", "living_street", "service", "road", "track",
        "pedestrian", "busway",
    }
)  # fmt: skip
"""``highway`` values of the ``road`` class: drivable ways. Paths, footways, cycleways and steps
are too narrow to map or see at these scales; motorways and trunk roads are ``motorway``."""


@dataclass(frozen=True)
class ObjectClass:
    """An object class: its id, human label, meaning, scales (denominators), geometry, OSM tags.

    A feature belongs to the class when any one of ``osm`` matches its tags; an empty ``osm``
    means OSM has no tag for it and the class comes from generalisation or the model.
    """

    id: str
    label: str
    description: str
    scales: frozenset[int]
    geometry: GeometryKind
    osm: tuple[OsmTagRule, ...]


def _class(
    id: str,
    label: str,
    description: str,
    scales: tuple[int, ...],
    geometry: GeometryKind,
    *osm: OsmTagRule,
) -> ObjectClass:
    return ObjectClass(id, label, description, frozenset(scales), geometry, osm)


_ALL = (2000, 10000, 50000)

CLASSES: Mapping[str, ObjectClass] = MappingProxyType(
    {
        c.id: c
        for c in (
            _class("building", "Building", "A single roofed structure.", (2000,), "polygon",
                   tag("building")),
            _class("residential_block", "Residential block",
                   "A built-up block bounded by streets: housing, shops or offices (industry "
                   "is industrial_site).", (10000,), "polygon",
                   tag("landuse", "residential", "commercial", "retail")),
            _class("settlement", "Settlement",
                   "A city, town, village or hamlet as a whole.", (50000,), "polygon",
                   tag("place", "city", "town", "village", "hamlet")),
            _class("industrial_site", "Industrial site",
                   "One factory, works or plant with its yard.", (2000, 10000), "polygon",
                   tag("landuse", "industrial"), tag("man_made", "works"),
                   tag("power", "plant")),
            _class("industrial_zone", "Industrial zone",
                   "A district of industrial sites; generalised from them, no OSM tag.",
                   (50000,), "polygon"),
            _class("farm", "Farm", "A farmstead: farm buildings and their yard.",
                   (2000, 10000), "polygon", tag("landuse", "farmyard")),
            _class("road", "Road", "A drivable road or street other than a motorway.",
                   (2000, 10000), "line", tag("highway", *ROAD_HIGHWAYS)),
            _class("motorway", "Motorway", "A motorway or trunk road, with its slip roads.",
                   _ALL, "line",
                   tag("highway", "motorway", "motorway_link", "trunk", "trunk_link")),
            _class("railway", "Railway", "A railway, light rail or tram track.", _ALL, "line",
                   tag("railway", "rail", "light_rail", "tram", "subway", "narrow_gauge",
                       "monorail", "funicular", "preserved")),
            _class("railway_station", "Railway station", "A station or halt on a railway.",
                   _ALL, "point", tag("railway", "station", "halt")),
            _class("bridge", "Bridge",
                   "A structure carrying a way over another way or water; in OSM a way "
                   "tagged bridge=* whatever it carries.", (2000, 10000), "line",
                   tag("bridge"), tag("man_made", "bridge")),
            _class("tunnel_portal", "Tunnel portal",
                   "The mouth of a road or railway tunnel; derived from the ends of "
                   "tunnel=* ways, no OSM tag of its own.", (2000, 10000), "point"),
            _class("parking_lot", "Parking lot", "An open-air car park.", (2000, 10000),
                   "polygon", tag("amenity", "parking")),
            _class("airport", "Airport", "An aerodrome with its runways and aprons.",
                   (10000, 50000), "polygon", tag("aeroway", "aerodrome")),
            _class("runway", "Runway", "An aircraft runway.", _ALL, "line",
                   tag("aeroway", "runway")),
            _class("port", "Port", "A harbour or marina area.", (10000, 50000), "polygon",
                   tag("landuse", "port"), tag("leisure", "marina")),
            _class("pier", "Pier", "A pier or jetty reaching into water.", (2000, 10000),
                   "polygon", tag("man_made", "pier")),
            _class("river", "River", "A river, as its centre line or its water area.", _ALL,
                   "line", tag("waterway", "river", "riverbank"), tag("water", "river")),
            _class("stream", "Stream", "A stream, canal, ditch or drain.", (2000, 10000),
                   "line", tag("waterway", "stream", "canal", "ditch", "drain"),
                   tag("water", "stream", "canal", "ditch", "drain")),
            _class("water_body", "Water body",
                   "A lake, pond, lagoon, sea or other standing water.", _ALL, "polygon",
                   tag("natural", "water", "bay"),
                   tag("water", "lake", "pond", "lagoon", "oxbow", "lock", "moat")),
            _class("reservoir", "Reservoir", "Water stored behind a dam or in a basin.", _ALL,
                   "polygon", tag("water", "reservoir", "basin"),
                   tag("landuse", "reservoir", "basin")),
            _class("dam", "Dam", "A barrier that holds back water.", _ALL, "line",
                   tag("waterway", "dam")),
            _class("forest", "Forest", "Land covered by trees, managed or wild.", _ALL,
                   "polygon", tag("landuse", "forest"), tag("natural", "wood")),
            _class("park", "Park", "A public park or recreation ground.", (2000, 10000),
                   "polygon", tag("leisure", "park"), tag("landuse", "recreation_ground")),
            _class("vegetation", "Vegetation",
                   "Grass, shrubs, heath and trees outside forests.", (2000, 10000),
                   "polygon",
                   tag("landuse", "grass", "meadow", "village_green", "flowerbed"),
                   tag("natural", "grassland", "scrub", "heath"), tag("leisure", "garden")),
            _class("cropland", "Cropland", "Arable fields and allotments.", _ALL, "polygon",
                   tag("landuse", "farmland", "allotments")),
            _class("orchard", "Orchard", "Fruit trees, vineyards and other plantations.", _ALL,
                   "polygon", tag("landuse", "orchard", "vineyard", "plantation")),
            _class("wetland", "Wetland", "Marsh, swamp, bog and reed beds.", _ALL, "polygon",
                   tag("natural", "wetland")),
            _class("bare_ground", "Bare ground",
                   "Unpaved land without cover: rock, sand, scree, beaches, mud, "
                   "construction sites, brownfields and landfills.", _ALL, "polygon",
                   tag("natural", "bare_rock", "sand", "scree", "shingle", "beach", "mud"),
                   tag("landuse", "construction", "brownfield", "landfill")),
            _class("quarry", "Quarry", "An open-pit quarry or mine.", _ALL, "polygon",
                   tag("landuse", "quarry")),
            _class("sports_ground", "Sports ground",
                   "A pitch, running track, stadium, sports centre or golf course.", (2000, 10000),
                   "polygon", tag("leisure", "pitch", "track", "stadium", "sports_centre",
                                          "golf_course")),
            _class("cemetery", "Cemetery", "A cemetery or graveyard.", (2000, 10000),
                   "polygon", tag("landuse", "cemetery"), tag("amenity", "grave_yard")),
        )
    }
)  # fmt: skip
"""Every object class by id, in the fixed order of ``CLASS_IDS``."""

CLASS_IDS: tuple[str, ...] = tuple(CLASSES)
"""Class ids in a fixed order; a class's index here is its index in the model."""

CLASS_NODE_LABELS: Mapping[str, str] = MappingProxyType({c: node_label(c) for c in CLASS_IDS})
"""The Neo4j label of each class (``bridge`` -> ``Bridge``): every object node carries its class's
label beside ``Object``. Labels cannot be Cypher parameters or be checked by the database, so the
graph writes only labels taken from this fixed set."""

STUFF_CLASSES: frozenset[str] = frozenset(
    {"bare_ground", "vegetation", "forest", "cropland", "wetland", "water_body", "road"}
)
"""Amorphous classes: land cover without a natural outline, and the road network, whose
connected pieces in an image are one blob as large as the image. A relation with one of them is
about the part of it at the place where the relation holds (docs/evaluation.md, stuff matching),
not about the blob as a whole."""

LAND_COVER_CLASSES: frozenset[str] = STUFF_CLASSES - {"road"}
"""The stuff that is ground cover, not a network: a change of it alone (a vegetation edge
moving) is the least a map editor needs to hear about (alert severity)."""


def get_class(class_id: str) -> ObjectClass:
    """The class with this id; raises UnknownClass naming the closest id and listing all."""
    try:
        return CLASSES[class_id]
    except (KeyError, TypeError):
        raise UnknownClass(unknown_id_message("object class", class_id, CLASS_IDS)) from None


def classes_at(denominator: int) -> tuple[str, ...]:
    """Ids (in ``CLASS_IDS`` order) of the classes drawn at this scale; UnknownScale otherwise."""
    get_scale(denominator)
    return tuple(c.id for c in CLASSES.values() if denominator in c.scales)
