"""``orthograph query``: triplets and states of a committed state, read back through the CLI."""

from __future__ import annotations

from datetime import date

from neo4j import Driver
from shapely.geometry import LineString, box
from typer.testing import CliRunner, Result

from cli.main import app
from graphdb.client import GraphClient
from graphdb.publish import publish_scene_graph
from graphdb.repository import Neo4jGraph
from ingest.records import MapObject, Relation, SceneGraph

COVERAGE = box(9.50, 47.10, 9.60, 47.20)


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["query", *args])


def _publish_bridges(graph: Driver, database: str) -> None:
    """Two bridges over the Rhine and one road beside it: two passing_over triplets."""
    repo = Neo4jGraph(GraphClient(graph, database))
    river = MapObject(
        "rhine", "river", 2000, LineString([(9.52, 47.11), (9.52, 47.19)]), name="Rhein"
    )
    bridges = [
        MapObject(f"b{i}", "bridge", 2000, LineString([(9.51, y), (9.53, y)]), name=f"Brücke {i}")
        for i, y in ((1, 47.12), (2, 47.15))
    ]
    road = MapObject("road", "road", 2000, LineString([(9.55, 47.11), (9.55, 47.19)]))
    relations = [Relation(b.key, "passing_over", "rhine") for b in bridges]
    repo.begin_state("vaduz-osm", area="vaduz", as_of=date(2024, 1, 1), coverage=COVERAGE)
    repo.write("vaduz-osm", [river, *bridges, road], relations)
    repo.commit("vaduz-osm")


def test_triplets_lists_each_bridge_over_the_river(graph: Driver, neo4j_database: str) -> None:
    _publish_bridges(graph, neo4j_database)
    result = run(
        "triplets",
        "--state",
        "vaduz-osm",
        "--subject",
        "bridge",
        "--predicate",
        "passing_over",
        "--object",
        "river",
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "-passing_over->" in line]
    assert sorted(line.split("'")[1] for line in lines) == ["Brücke 1", "Brücke 2"]
    assert all("river 'Rhein'" in line for line in lines)
    assert "2 triplet(s)" in result.output


def test_inverse_name_reads_the_edge_backwards(graph: Driver, neo4j_database: str) -> None:
    _publish_bridges(graph, neo4j_database)
    result = run(
        "triplets",
        "--state",
        "vaduz-osm",
        "--subject",
        "river",
        "--predicate",
        "passing_under",
        "--object",
        "bridge",
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "-passing_under->" in line]
    assert len(lines) == 2
    assert all(
        line.split("-passing_under->")[0].strip().endswith("river 'Rhein'") for line in lines
    )


def test_states_lists_the_committed_state(graph: Driver, neo4j_database: str) -> None:
    _publish_bridges(graph, neo4j_database)
    result = run("states", "vaduz")
    assert result.exit_code == 0, result.output
    assert "vaduz-osm  as of 2024-01-01" in result.output


def test_unknown_state_and_predicate_are_clear_errors(graph: Driver, neo4j_database: str) -> None:
    missing = run(
        "triplets",
        "--state",
        "nowhere",
        "--subject",
        "bridge",
        "--predicate",
        "passing_over",
        "--object",
        "river",
    )
    assert missing.exit_code == 3
    assert "nowhere" in missing.output
    _publish_bridges(graph, neo4j_database)
    bad = run(
        "triplets",
        "--state",
        "vaduz-osm",
        "--subject",
        "bridge",
        "--predicate",
        "flies_over",
        "--object",
        "river",
    )
    assert bad.exit_code == 2
    assert "flies_over" in bad.output


def test_omitted_classes_match_anything(graph: Driver, neo4j_database: str) -> None:
    _publish_bridges(graph, neo4j_database)
    result = run("triplets", "--state", "vaduz-osm", "--predicate", "passing_over")
    assert result.exit_code == 0, result.output
    assert "2 triplet(s) anything passing_over anything" in result.output


def test_alerts_say_what_changed_between_two_states(graph: Driver, neo4j_database: str) -> None:
    """A building torn down and one built between two surveys: two alerts, the right kinds."""
    repo = Neo4jGraph(GraphClient(graph, neo4j_database))
    kept = MapObject("kept", "building", 2000, box(9.510, 47.110, 9.511, 47.111))
    torn = MapObject("torn", "building", 2000, box(9.520, 47.120, 9.521, 47.121))
    built = MapObject("built", "building", 2000, box(9.530, 47.130, 9.531, 47.131))
    for name, day, objects in (
        ("vaduz-2023", date(2023, 1, 1), [kept, torn]),
        ("vaduz-2024", date(2024, 1, 1), [kept, built]),
    ):
        scene = SceneGraph(objects=objects, relations=[], coverage=COVERAGE)
        publish_scene_graph(repo, scene, state=name, area="vaduz", as_of=day)
    result = run("alerts", "--state", "vaduz-2024")
    assert result.exit_code == 0, result.output
    assert "2 alert(s) into vaduz-2024" in result.output
    assert "appeared: 1" in result.output
    assert "disappeared: 1" in result.output


def test_alerts_refuse_an_unknown_severity(graph: Driver, neo4j_database: str) -> None:
    result = run("alerts", "--state", "vaduz-2024", "--min-severity", "SEVERE")
    assert result.exit_code == 2
    assert "SEVERE" in result.output
