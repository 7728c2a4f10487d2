"""``orthograph states``: the versions behind a name, and a purge that keeps what it promises."""

from __future__ import annotations

from datetime import date

from neo4j import Driver
from shapely.geometry import LineString, box
from typer.testing import CliRunner, Result

from cli.main import app
from graphdb.client import GraphClient
from graphdb.models import MapState
from graphdb.repository import Neo4jGraph
from ingest.records import MapObject

COVERAGE = box(9.50, 47.10, 9.60, 47.20)
RIVER = MapObject("rhine", "river", 2000, LineString([(9.52, 47.11), (9.52, 47.19)]))


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["states", *args])


def _versions(graph: Driver, database: str, count: int) -> list[MapState]:
    """``count`` versions of ``vaduz-osm``, each replacing the one before."""
    repo = Neo4jGraph(GraphClient(graph, database))
    made = []
    for day in range(1, count + 1):
        started = repo.begin_state(
            "vaduz-osm", area="vaduz", as_of=date(2024, 1, day), coverage=COVERAGE, replace=True
        )
        repo.write(started.id, [RIVER])
        made.append(repo.commit(started.id))
    return made


def test_list_shows_every_version_of_a_name(graph: Driver, neo4j_database: str) -> None:
    v1, v2 = _versions(graph, neo4j_database, 2)

    result = run("list", "--name", "vaduz-osm")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("vaduz-osm  v2  committed") and v2.id in lines[0]
    assert lines[1].startswith("vaduz-osm  v1  replaced") and f"replaced by {v2.id}" in lines[1]
    area = run("list", "vaduz")
    assert area.exit_code == 0 and area.output.count("vaduz-osm") == 1 and v2.id in area.output
    assert v1.id not in area.output


def test_purge_keeps_the_current_and_the_newest_replaced_by_default(
    graph: Driver, neo4j_database: str
) -> None:
    v1, v2, v3 = _versions(graph, neo4j_database, 3)

    young = run("purge")  # replaced just now: younger than the default 30 days
    assert young.exit_code == 0 and "purged 0 replaced version(s)" in young.output
    dry = run("purge", "--older-than", "0", "--dry-run")
    assert dry.exit_code == 0 and "would purge vaduz-osm  v1" in dry.output
    result = run("purge", "--older-than", "0")

    assert result.exit_code == 0, result.output
    assert "purged 1 replaced version(s)" in result.output and v1.id in result.output
    listed = run("list", "--name", "vaduz-osm").output
    assert v3.id in listed and v2.id in listed and v1.id not in listed


def test_bad_requests_name_the_problem(graph: Driver, neo4j_database: str) -> None:
    neither = run("list")
    assert neither.exit_code == 2 and "give an AREA, or --name NAME" in neither.output
    unknown = run("purge", "--name", "nowhere")
    assert unknown.exit_code == 3 and "nowhere" in unknown.output
    negative = run("purge", "--keep", "-1")
    assert negative.exit_code == 2
