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
from ingest.records import MapObject, ObservedClasses, Relation, SceneGraph

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


def test_states_show_what_each_state_observes(graph: Driver, neo4j_database: str) -> None:
    """A building-only map and an image: each line under a state says what it can see."""
    repo = Neo4jGraph(GraphClient(graph, neo4j_database))
    house = MapObject("house", "building", 2000, box(9.510, 47.110, 9.511, 47.111))
    observed: dict[str, ObservedClasses] = {
        "osm": {2000: ("building",), 10000: ("residential_block",)},
        "image": {2000: ("building", "road", "vegetation"), 10000: ("road", "vegetation")},
    }
    for name, day in (("osm", date(2023, 1, 1)), ("image", date(2024, 1, 1))):
        scene = SceneGraph([house], [], COVERAGE, observed=observed[name])
        publish_scene_graph(repo, scene, state=name, area="vaduz", as_of=day)
    _publish_bridges(graph, neo4j_database)  # committed without saying what it observes

    result = run("states", "vaduz")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[lines.index("osm  as of 2023-01-01  committed  ") + 1] == (
        "  observes 1:2000 building | 1:10000 residential_block"
    )
    assert lines[lines.index("image  as of 2024-01-01  committed  ") + 1] == (
        "  observes 1:2000 building, road, vegetation | 1:10000 road, vegetation"
    )
    assert lines[lines.index("vaduz-osm  as of 2024-01-01  committed  ") + 1] == (
        "  observes every class at every scale (not recorded)"
    )


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


def _publish_rhine_across_scales(graph: Driver, database: str) -> None:
    """The Rhine at 1:10,000 made of one 1:2,000 river, which two bridges pass over."""
    repo = Neo4jGraph(GraphClient(graph, database))
    line = LineString([(9.52, 47.11), (9.52, 47.19)])
    coarse = MapObject("rhine@10000", "river", 10000, line, name="Rhein")
    fine = MapObject("rhine", "river", 2000, line, name="Rhein")
    bridges = [
        MapObject(f"b{i}", "bridge", 2000, LineString([(9.51, y), (9.53, y)]), name=name)
        for i, y, name in ((1, 47.12, "Rheinbrücke"), (2, 47.15, None))
    ]
    relations = [
        Relation("rhine", "part_of", "rhine@10000"),
        *(Relation(b.key, "passing_over", "rhine") for b in bridges),
    ]
    repo.begin_state("vaduz-osm", area="vaduz", as_of=date(2024, 1, 1), coverage=COVERAGE)
    repo.write("vaduz-osm", [coarse, fine, *bridges], relations)
    repo.commit("vaduz-osm")


def test_hierarchy_drills_down_to_the_bridges_over_the_parts(
    graph: Driver, neo4j_database: str
) -> None:
    _publish_rhine_across_scales(graph, neo4j_database)
    result = run(
        "hierarchy", "--state", "vaduz-osm", "--name", "rhein", "--scale", "10000",
        "--predicate", "passing_under",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:4] == [
        "1:10000  river 'Rhein'  [rhine@10000]",
        "  consists of 1 object(s) within two steps",
        "  1:2000   river 'Rhein'  [rhine]",
        "    -passing_under->  bridge 'Rheinbrücke'  [b1]",
    ]
    assert "    -passing_under->  bridge  [b2]" in result.output
    assert "2 passing_under relation(s)" in result.output


def test_hierarchy_walks_up_and_says_when_nothing_matches(
    graph: Driver, neo4j_database: str
) -> None:
    _publish_rhine_across_scales(graph, neo4j_database)
    up = run(
        "hierarchy", "--state", "vaduz-osm", "--name", "Rhein", "--class", "river",
        "--scale", "2000", "--up",
    )  # fmt: skip
    assert up.exit_code == 0, up.output
    assert up.output.splitlines() == [
        "1:2000   river 'Rhein'  [rhine]",
        "  part of 1 object(s) within two steps",
        "  1:10000  river 'Rhein'  [rhine@10000]",
    ]
    none = run("hierarchy", "--state", "vaduz-osm", "--name", "Donau")
    assert none.exit_code == 0, none.output
    assert "no object named like 'Donau' in vaduz-osm" in none.output
    missing = run("hierarchy", "--state", "nowhere", "--name", "Rhein")
    assert missing.exit_code == 3


def test_triplets_count_every_object_class_asked_and_put_named_ones_first(
    graph: Driver, neo4j_database: str
) -> None:
    _publish_rhine_across_scales(graph, neo4j_database)
    result = run(
        "triplets", "--state", "vaduz-osm", "--subject", "bridge", "--predicate",
        "passing_over", "--object", "river", "--object", "stream", "--limit", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "  2000  bridge 'Rheinbrücke'  -passing_over->  river 'Rhein'    [b1 -> rhine]",
        "2 triplet(s) bridge passing_over river|stream in vaduz-osm "
        "(showing 1, named first: raise --limit for more)",
    ]
