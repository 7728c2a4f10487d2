"""Unit tests of the vector ingest's small parts: mapping, classing, repair, portals, CRS."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, box

from ingest.errors import InvalidMapping, UnknownCRS
from ingest.geo import bounds_to_wgs84, epsg_of, local_utm_epsg, reproject, utm_epsg
from ingest.records import MapObject
from ingest.vector.classify import MappingClassifier, OsmClassifier, ReadCounts, chunk_objects
from ingest.vector.mapping import load_mapping, parse_mapping
from ingest.vector.portals import tunnel_portals
from ingest.vector.readers import RawChunk, SourceInfo, VectorFormat
from ingest.vector.readers.chunk import text_attributes
from ingest.vector.readers.osmconf import area_tags, config_text
from ingest.vector.repair import repair


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "expected a YAML mapping"),
        ({"values": {"a": "building"}}, "'column'"),
        ({"column": "c"}, "'values'"),
        ({"column": "c", "values": {"a": "palace"}}, "'palace'"),
        ({"column": "c", "values": {"a": "building"}, "colour": "red"}, "colour"),
        ({"column": "c", "values": {"a": "building"}, "name_column": 3}, "name_column"),
    ],
)
def test_parse_mapping_refuses_what_it_cannot_use(document, message):
    with pytest.raises(InvalidMapping, match=message):
        parse_mapping(document)


def test_mapping_compares_values_as_text(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "column: code\nvalues:\n  4: building\n  ' Forest ': forest\nname_column: nom\n"
    )
    mapping = load_mapping(path)
    assert mapping.classify({"code": "4"}) == "building"
    assert mapping.classify({"code": "Forest"}) == "forest"
    assert mapping.classify({"code": "5"}) is None
    assert mapping.unmapped_label({}) == "code=<missing>"
    assert mapping.name_of({"nom": "Baker Lake"}) == "Baker Lake"
    assert text_attributes({"code": 4.0, "x": float("nan"), "y": None, "z": ""}) == {"code": "4"}


def test_broken_yaml_is_an_invalid_mapping(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_text("column: [unclosed\n")
    with pytest.raises(InvalidMapping, match="cannot read"):
        load_mapping(path)


def test_osm_classifier_keeps_rule_tags_and_what_a_bridge_carries():
    osm = OsmClassifier()
    tags = {"highway": "primary", "bridge": "yes", "layer": "2", "name": "Rheinbrücke"}
    assert osm.classify(tags) == "bridge"
    assert osm.rule_tags(tags) == {"layer": "2", "bridge": "yes", "carries": "road"}
    assert osm.rule_tags({"railway": "rail", "bridge": "viaduct"})["carries"] == "railway"
    assert "carries" not in osm.rule_tags({"highway": "footway", "bridge": "yes"})
    assert osm.unmapped_label({"name": "x", "highway": "footway"}) == "highway=footway"


def _info(epsg: int) -> SourceInfo:
    return SourceInfo(Path("x.geojson"), VectorFormat.OGR, "x", epsg, datetime.now(UTC), "file")


def test_chunk_objects_classes_repairs_reprojects_and_counts():
    geoms = np.array(
        [
            box(500_000, 5_200_000, 500_020, 5_200_020),
            Polygon([(0, 0), (20, 20), (20, 0), (0, 20)]),  # bow-tie
            Point(500_000, 5_200_000),  # a building node: no extent
            None,
            box(0, 0, 1, 1),
        ],
        dtype=object,
    )
    kinds = ["house", "house", "house", "house", "shed"]
    chunk = RawChunk([f"l/{k}" for k in range(5)], geoms, [{"kind": k} for k in kinds])
    classifier = MappingClassifier(
        parse_mapping({"column": "kind", "values": {"house": "building"}})
    )
    counts = ReadCounts()
    objects = chunk_objects(chunk, _info(32632), classifier, counts)
    assert [o.key for o in objects] == ["l/0", "l/1"]
    assert (counts.read, counts.repaired, counts.no_extent, counts.empty) == (5, 1, 1, 1)
    assert counts.unmapped == Counter({"kind=shed": 1})
    to_wgs = Transformer.from_crs(32632, 4326, always_xy=True)
    assert objects[0].geometry.bounds[:2] == pytest.approx(to_wgs.transform(500_000, 5_200_000))
    assert all(o.scale == 2000 and o.source_crs == 32632 for o in objects)


def test_repair_counts_and_keeps_valid_geometry():
    geoms = np.array(
        [box(0, 0, 1, 1), Polygon([(0, 0), (2, 2), (2, 0), (0, 2)]), None], dtype=object
    )
    fixed = repair(geoms)
    assert (fixed.repaired, fixed.emptied) == (1, 0)
    assert fixed.geometries[0] is geoms[0] and fixed.geometries[2] is None
    assert shapely.is_valid(fixed.geometries[1]) and fixed.geometries[1].area == pytest.approx(2.0)


def test_tunnel_portals_at_the_free_ends_only():
    def way(key: str, coords: list[tuple[float, float]], **tags: str) -> MapObject:
        return MapObject(key, "railway", 2000, LineString(coords), provenance=tags)

    objects = [
        way("way/1", [(9.50, 47.10), (9.51, 47.10)], tunnel="yes"),
        way("way/2", [(9.51, 47.10), (9.52, 47.10)], tunnel="yes"),  # same tunnel, next way
        way("way/3", [(9.60, 47.10), (9.61, 47.10)], tunnel="culvert"),
        way("way/4", [(9.70, 47.10), (9.71, 47.10)]),
    ]
    portals = tunnel_portals(objects)
    assert [(p.key, p.geometry.coords[0]) for p in portals] == [
        ("way/1/portal/start", (9.50, 47.10)),
        ("way/2/portal/end", (9.52, 47.10)),
    ]
    assert all(p.cls == "tunnel_portal" and p.provenance["tunnel"] for p in portals)


def test_utm_zones_and_crs_codes():
    assert utm_epsg(9.52, 47.14) == 32632
    assert utm_epsg(-46.6, -23.5) == 32723
    assert local_utm_epsg((9.47, 47.04, 9.64, 47.27)) == 32632
    assert epsg_of("EPSG:2953") == 2953
    with pytest.raises(UnknownCRS):
        epsg_of("not a crs")
    with pytest.raises(UnknownCRS):
        utm_epsg(200.0, 0.0)
    back = reproject(
        reproject(np.array([Point(9.5, 47.1)], dtype=object), 4326, 32632), 32632, 4326
    )
    assert back[0].x == pytest.approx(9.5) and back[0].y == pytest.approx(47.1)
    minx, miny, maxx, maxy = bounds_to_wgs84((495_000, 5_200_000, 510_000, 5_210_000), 32632)
    assert minx < 9.0 < maxx and 46.9 < miny < maxy < 47.1
    assert bounds_to_wgs84((np.nan, 0, 1, 1), 32632) is None


def test_osm_config_makes_river_banks_and_piers_areas():
    tags = area_tags()
    assert {"waterway=riverbank", "man_made=pier", "building", "landuse"} <= set(tags)
    assert "waterway" not in tags  # a closed stream loop stays a line
    assert "attributes=" in config_text() and "other_tags=no" in config_text()
