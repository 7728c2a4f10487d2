"""What a vector map state observes: a mapping's classes, or the classes of the OSM keys a file
sets, grown by what generalisation builds from them (``ingest.vector.observed``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml
from shapely.geometry import LineString

from ingest.records import MapObject
from ingest.vector.classify import MappingClassifier, OsmClassifier, ReadCounts
from ingest.vector.mapping import parse_mapping
from ingest.vector.observed import derived_classes, vector_observed
from ingest.vector.pipeline import build_scene_graph
from tests.ingest.imagery.imagery_files import atlanta, nb_labels
from tests.ingest.vector.test_vector_formats import BAKER_CLASSES

LADDER = (2000, 10000, 50000)


def test_aggregations_grow_the_base_transitively() -> None:
    assert derived_classes({"building"}) == {"building", "residential_block", "settlement"}
    assert derived_classes({"industrial_site", "road"}) == {
        "industrial_site", "industrial_zone", "road",
    }  # fmt: skip
    assert derived_classes(set()) == frozenset()


def test_osm_tags_observe_the_classes_of_their_keys_and_a_mapping_what_it_names() -> None:
    mapping = parse_mapping({"column": "kind", "values": {"house": "building", "wood": "forest"}})
    read = ReadCounts(classed=Counter({"building": 3}), tag_keys={"building", "highway", "name"})

    assert OsmClassifier().observed(read) == {"building", "road", "motorway"}
    assert MappingClassifier(mapping).observed(read) == {"building", "forest"}


def test_every_class_held_at_a_scale_is_observed_there() -> None:
    # a bridge-only map: at 1:50,000 the bridge is carried as the motorway it carries
    line = MapObject("way/1@50000", "motorway", 50000, LineString([(9.5, 47.1), (9.6, 47.1)]))
    found = vector_observed({"bridge"}, {2000: [], 10000: [], 50000: [line]})

    assert found == {2000: ("bridge",), 10000: ("bridge",), 50000: ("motorway",)}


def test_atlanta_osm_building_footprints_observe_buildings_only() -> None:
    """The README's change demo: the layer has a column for every OSM key, but only
    ``building`` (and ``name``) is ever filled."""
    built = build_scene_graph(atlanta("geotiff_labels.geojson"))

    assert built.graph.observed == {
        2000: ("building",),
        10000: ("residential_block",),
        50000: ("settlement",),
    }


def test_a_mapped_layer_observes_every_class_its_mapping_names(tmp_path: Path) -> None:
    """Baker Lake has no marsh: mapped to wetland, none there still means none seen there."""
    path = tmp_path / "baker.yaml"
    values = BAKER_CLASSES | {"Marsh": "wetland"}
    path.write_text(yaml.safe_dump({"column": "Niveau_3", "values": values}))

    built = build_scene_graph(nb_labels(), mapping=path)

    assert built.graph.observed == {
        2000: ("building", "road", "railway", "water_body", "forest", "wetland"),
        10000: ("residential_block", "road", "railway", "water_body", "forest", "wetland"),
        50000: ("settlement", "railway", "water_body", "forest", "wetland"),
    }
    assert "wetland" not in {o.cls for o in built.graph.objects}
    assert set(built.graph.observed) == set(LADDER)
