"""What Neo4j Browser users read: class labels, the state's name and geometry as text.

Every object node carries its class as a second label (``:Object:Bridge``) and its state's name
(``state``), set by the writer and brought to older graphs by schema migration 5; the launcher's
plugin answers ``orthograph.wkt`` and ``orthograph.geojson`` on the stored WKB.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import shapely
from shapely.geometry import LineString, box, shape

from graphdb.client import GraphClient
from graphdb.models import MapState
from graphdb.repository import Neo4jGraph
from graphdb.schema import MIGRATIONS, apply_schema
from ingest.ontology import CLASS_NODE_LABELS
from ingest.records import MapObject, Relation
from tests.graphdb.conftest import COVERAGE

BLOCK = box(9.521, 47.121, 9.522, 47.122)
OBJECTS = [
    MapObject("way/1", "river", 2000, LineString([(9.51, 47.145), (9.52, 47.145)]), name="Rhein"),
    MapObject("way/2", "bridge", 2000, LineString([(9.515, 47.14), (9.515, 47.15)])),
    MapObject("way/3", "water_body", 2000, BLOCK),
]
RELATIONS = [Relation("way/2", "passing_over", "way/1")]
BRIDGES_OVER_RIVERS = (
    "MATCH (b:Bridge)-[:PASSING_OVER]->(r:River) RETURN b.key AS b, r.key AS r, b.state AS state"
)
LABELS = "MATCH (o:Object) RETURN o.class AS cls, labels(o) AS labels, o.state AS state"


def test_objects_carry_their_class_label_and_state_name(
    publish: Callable[..., MapState], client: GraphClient
) -> None:
    publish("vaduz-osm", OBJECTS, RELATIONS)

    assert client.fetch(BRIDGES_OVER_RIVERS, {}) == [
        {"b": "way/2", "r": "way/1", "state": "vaduz-osm"}
    ]
    rows = client.fetch(LABELS, {})
    assert sorted((r["cls"], r["labels"], r["state"]) for r in rows) == [
        ("bridge", ["Object", "Bridge"], "vaduz-osm"),
        ("river", ["Object", "River"], "vaduz-osm"),
        ("water_body", ["Object", "WaterBody"], "vaduz-osm"),
    ]


def test_a_replacing_version_is_labelled_and_the_head_pattern_reads_it(
    repo: Neo4jGraph, publish: Callable[..., MapState], client: GraphClient
) -> None:
    first = publish("vaduz-osm", OBJECTS, RELATIONS)
    repo.begin_state(
        "vaduz-osm", area="vaduz", as_of=date(2024, 6, 1), coverage=COVERAGE, replace=True
    )
    repo.write("vaduz-osm", OBJECTS[:2], RELATIONS)
    second = repo.commit("vaduz-osm")

    rows = client.fetch(
        "MATCH (o:Object) RETURN o.state_id AS sid, o.state AS state, labels(o) AS labels", {}
    )
    assert {r["sid"] for r in rows} == {first.id, second.id}
    assert all(r["state"] == "vaduz-osm" and len(r["labels"]) == 2 for r in rows)
    # The pattern graphdb/README.md gives for "the current map of a name".
    current = client.fetch(
        "MATCH (s:MapState {head_name: $name}) "
        "MATCH (b:Object:Bridge {state_id: s.id})-[:PASSING_OVER]->(r:River) "
        "RETURN b.state_id AS sid, s.version AS version",
        {"name": "vaduz-osm"},
    )
    assert current == [{"sid": second.id, "version": 2}]


def test_migration_5_labels_older_objects_and_names_their_state(
    publish: Callable[..., MapState], client: GraphClient
) -> None:
    publish("vaduz-osm", OBJECTS, RELATIONS)
    # The graph as version 4 left it: the one label Object, no state name.
    client.write(
        lambda tx: tx.run(
            "MATCH (o:Object) "
            "WITH o, [label IN labels(o) WHERE label <> 'Object'] AS classes "
            "REMOVE o:$(classes), o.state"
        ).consume()
    )
    client.write(
        lambda tx: tx.run("MATCH (v:SchemaVersion) WHERE v.version >= 5 DELETE v").consume()
    )
    assert client.fetch(BRIDGES_OVER_RIVERS, {}) == []

    assert apply_schema(client) == MIGRATIONS[-1].version
    assert client.fetch(BRIDGES_OVER_RIVERS, {}) == [
        {"b": "way/2", "r": "way/1", "state": "vaduz-osm"}
    ]
    rows = client.fetch(LABELS, {})
    assert all(r["labels"] == ["Object", CLASS_NODE_LABELS[r["cls"]]] for r in rows)
    assert len(rows) == len(OBJECTS)


def test_geometry_reads_as_wkt_and_geojson(
    publish: Callable[..., MapState], client: GraphClient
) -> None:
    publish("vaduz-osm", OBJECTS, RELATIONS)

    (row,) = client.fetch(
        "MATCH (o:WaterBody) "
        "RETURN orthograph.wkt(o.geometry) AS wkt, orthograph.geojson(o.geometry) AS geojson, "
        "orthograph.wkt(null) AS none",
        {},
    )
    assert row["wkt"] == (
        "POLYGON ((9.522 47.121, 9.522 47.122, 9.521 47.122, 9.521 47.121, 9.522 47.121))"
    )
    assert json.loads(row["geojson"]) == {
        "type": "Polygon",
        "coordinates": [
            [[9.522, 47.121], [9.522, 47.122], [9.521, 47.122], [9.521, 47.121], [9.522, 47.121]]
        ],
    }
    assert row["none"] is None
    for text in client.fetch(
        "MATCH (o:Object) RETURN o.key AS key, orthograph.wkt(o.geometry) AS wkt, "
        "orthograph.geojson(o.geometry) AS geojson",
        {},
    ):
        stored = next(o.geometry for o in OBJECTS if o.key == text["key"])
        assert shapely.from_wkt(text["wkt"]).equals_exact(stored, 0)
        assert shape(json.loads(text["geojson"])).equals_exact(stored, 0)
