"""OSM tags to classes: the precedence between conflicting tags, the keys read, the layer."""

import math
from collections import Counter

import pyrosm
import pytest

from ingest.ontology import CLASSES, OSM_KEYS, OSM_PRECEDENCE, OsmTagRule, classify_osm, osm_layer
from tests.support.sample_data import sample


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"building": "yes"}, "building"),
        ({"building": "house", "landuse": "residential"}, "building"),
        ({"building": "multistorey", "amenity": "parking"}, "building"),
        ({"building": "no", "landuse": "residential"}, "residential_block"),
        ({"landuse": "residential"}, "residential_block"),
        ({"place": "town", "name": "Vaduz"}, "settlement"),
        ({"place": "hamlet"}, "settlement"),
        ({"place": "locality"}, None),
        ({"landuse": "industrial"}, "industrial_site"),
        ({"highway": "motorway"}, "motorway"),
        ({"highway": "trunk_link"}, "motorway"),
        ({"highway": "residential"}, "road"),
        ({"highway": "service"}, "road"),
        ({"highway": "footway"}, None),
        ({"highway": "bus_stop"}, None),
        ({"railway": "rail"}, "railway"),
        ({"railway": "tram"}, "railway"),
        ({"railway": "abandoned"}, None),
        ({"railway": "station", "name": "Schaan-Vaduz"}, "railway_station"),
        ({"waterway": "river"}, "river"),
        ({"natural": "water", "water": "river"}, "river"),
        ({"waterway": "canal"}, "stream"),
        ({"waterway": "ditch"}, "stream"),
        ({"natural": "water"}, "water_body"),
        ({"natural": "water", "water": "pond"}, "water_body"),
        ({"water": "lake"}, "water_body"),
        ({"natural": "water", "water": "reservoir"}, "reservoir"),
        ({"landuse": "reservoir"}, "reservoir"),
        ({"waterway": "dam"}, "dam"),
        ({"landuse": "forest"}, "forest"),
        ({"natural": "wood"}, "forest"),
        ({"leisure": "park"}, "park"),
        ({"leisure": "park", "landuse": "residential"}, "park"),
        ({"landuse": "cemetery", "natural": "wood"}, "cemetery"),
        ({"natural": "wetland", "landuse": "forest"}, "wetland"),
        ({"amenity": "parking"}, "parking_lot"),
        ({"aeroway": "aerodrome", "landuse": "grass"}, "airport"),
        ({"leisure": "pitch", "landuse": "grass"}, "sports_ground"),
        ({"landuse": "quarry"}, "quarry"),
        ({"landuse": "construction"}, "bare_ground"),
        ({"landuse": "farmland"}, "cropland"),
        ({"landuse": "vineyard"}, "orchard"),
        ({"man_made": "pier"}, "pier"),
        ({"amenity": "bench"}, None),
        ({}, None),
    ],
)
def test_classify_osm(tags: dict[str, str], expected: str | None) -> None:
    assert classify_osm(tags) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        # A bridge=* way is a bridge whatever it carries (method.md) ...
        ({"highway": "primary", "bridge": "yes"}, "bridge"),
        ({"highway": "motorway", "bridge": "viaduct", "layer": "2"}, "bridge"),
        ({"railway": "rail", "bridge": "yes"}, "bridge"),
        ({"highway": "footway", "bridge": "yes"}, "bridge"),
        ({"waterway": "canal", "bridge": "aqueduct"}, "bridge"),
        ({"man_made": "bridge"}, "bridge"),
        # ... even a bridge building ...
        ({"building": "yes", "bridge": "yes"}, "bridge"),
        # ... but bridge=no is not one, and a tunnel keeps the class of what it carries.
        ({"highway": "primary", "bridge": "no"}, "road"),
        ({"highway": "primary", "tunnel": "yes"}, "road"),
        ({"highway": "primary", "tunnel": "yes", "bridge": "yes"}, "road"),
        ({"highway": "primary", "tunnel": "no", "bridge": "yes"}, "bridge"),
        ({"waterway": "stream", "tunnel": "culvert"}, "stream"),
    ],
)
def test_bridge_precedence(tags: dict[str, str], expected: str) -> None:
    assert classify_osm(tags) == expected


def test_values_are_normalised_and_non_strings_are_absent() -> None:
    assert classify_osm({"highway": "Primary", "bridge": " Yes "}) == "bridge"
    assert classify_osm({"highway": "primary", "bridge": "No"}) == "road"
    assert classify_osm({"building": None, "landuse": math.nan, "natural": "wood"}) == "forest"  # type: ignore[dict-item]
    assert classify_osm({"building": "", "leisure": "park"}) == "park"


def test_tag_rule_semantics() -> None:
    any_value = OsmTagRule("bridge", None)
    assert any_value.matches({"bridge": "movable"})
    assert not any_value.matches({"bridge": "no"})
    assert not any_value.matches({})
    listed = OsmTagRule("water", frozenset({"lake"}))
    assert listed.matches({"water": "lake"}) and not listed.matches({"water": "river"})


def test_precedence_orders_exactly_the_classes_with_tags() -> None:
    assert len(OSM_PRECEDENCE) == len(set(OSM_PRECEDENCE))
    assert set(OSM_PRECEDENCE) == {c.id for c in CLASSES.values() if c.osm}
    assert OSM_PRECEDENCE[:2] == ("bridge", "building")


def test_osm_keys_cover_every_rule_and_the_relation_tags() -> None:
    assert len(OSM_KEYS) == len(set(OSM_KEYS))
    rule_keys = {rule.key for c in CLASSES.values() for rule in c.osm}
    assert rule_keys | {"layer", "bridge", "tunnel", "name"} == set(OSM_KEYS)


@pytest.mark.parametrize(
    ("tags", "layer"),
    [
        ({"highway": "primary"}, 0),
        ({"highway": "primary", "bridge": "yes"}, 1),  # method.md: missing layer is 1 on a bridge
        ({"highway": "primary", "bridge": "yes", "layer": "2"}, 2),
        ({"highway": "primary", "bridge": "yes", "layer": "0"}, 0),
        ({"highway": "primary", "tunnel": "yes"}, -1),
        ({"waterway": "stream", "tunnel": "culvert"}, -1),
        ({"highway": "primary", "tunnel": "yes", "bridge": "yes"}, -1),
        ({"highway": "primary", "layer": "-2"}, -2),
        ({"highway": "primary", "layer": "+1"}, 1),
        ({"highway": "primary", "layer": "1;2"}, 0),  # unreadable: the default
        ({"highway": "primary", "bridge": "yes", "layer": "high"}, 1),
    ],
)
def test_osm_layer(tags: dict[str, str], layer: int) -> None:
    assert osm_layer(tags) == layer


def test_liechtenstein_extract_gives_its_known_features() -> None:
    """The real extract (data README: ~9,000 buildings, ~200 bridges, ~160 waterways)."""
    extract = sample("osm/liechtenstein.osm.pbf")
    class_keys = [k for k in OSM_KEYS if k not in {"layer", "name", "tunnel", "bridge"}]
    frame = pyrosm.OSM(str(extract)).get_data_by_custom_criteria(
        custom_filter={key: True for key in class_keys},
        keep_nodes=True,
        keep_ways=True,
        keep_relations=True,
        extra_attributes=list(OSM_KEYS),
    )
    columns = [k for k in OSM_KEYS if k in frame.columns]
    counts = Counter(classify_osm(row) for row in frame[columns].to_dict("records"))
    assert 8500 <= counts["building"] <= 9500
    assert 180 <= counts["bridge"] <= 230
    assert 150 <= counts["river"] + counts["stream"] <= 250
    assert counts["settlement"] > 0 and counts["forest"] > 0 and counts["railway"] > 0
    assert counts["industrial_site"] > 0 and counts["cropland"] > 0
