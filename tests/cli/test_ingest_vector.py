"""``orthograph ingest vector``: a real GeoPackage and a class mapping give a committed state."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from neo4j import Driver
from typer.testing import CliRunner, Result

from cli.main import app
from graphdb.client import GraphClient
from graphdb.models import StateStatus
from graphdb.repository import Neo4jGraph
from ingest.ontology import get_scale
from tests.ingest.imagery.imagery_files import nb_labels

MAPPING = """\
column: Quatreclasses
values:
  1: forest
  2: water_body
  3: road
  4: building
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["ingest", "vector", *args])


@pytest.fixture
def labels() -> Path:
    """The Baker Lake GeoPackage (``Quatreclasses`` codes, EPSG:2953)."""
    return nb_labels()


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "baker.yaml"
    path.write_text(MAPPING)
    return path


def test_a_geopackage_becomes_a_committed_state(
    graph: Driver, neo4j_database: str, labels: Path, mapping: Path
) -> None:
    result = run(
        str(labels), "--state", "baker-osm", "--mapping", str(mapping), "--as-of", "2017-01-01"
    )
    assert result.exit_code == 0, result.output
    repo = Neo4jGraph(GraphClient(graph, neo4j_database))
    state = repo.state("baker-osm")
    assert state.status is StateStatus.COMMITTED
    assert (state.area, str(state.as_of)) == ("BakerLake_2017_clipped", "2017-01-01")
    frame = gpd.read_file(labels)
    legible = frame[
        (frame["Quatreclasses"].astype(int) == 4) & (frame.area >= get_scale(2000).min_area_m2)
    ]
    buildings = repo.objects("baker-osm", classes=["building"], scale=2000, limit=100).items
    assert len(legible) >= 20
    assert len(buildings) == len(legible)
    for cls in ("building", "forest", "road", "water_body"):
        assert cls in result.stdout


def test_an_existing_state_is_kept_unless_replaced(
    graph: Driver, neo4j_database: str, labels: Path, mapping: Path
) -> None:
    args = [str(labels), "--state", "baker-osm", "--mapping", str(mapping)]
    assert run(*args).exit_code == 0
    again = run(*args)
    assert again.exit_code == 3
    assert "exists" in again.stderr and again.stderr.count("\n") == 1
    assert run(*args, "--replace").exit_code == 0


def test_a_missing_file_is_one_line_and_nothing_is_written(
    graph: Driver, neo4j_database: str, tmp_path: Path
) -> None:
    result = run(str(tmp_path / "nowhere.gpkg"), "--state", "s")
    assert result.exit_code == 2
    assert result.stderr.startswith("orthograph ingest: ") and result.stderr.count("\n") == 1
    rows = GraphClient(graph, neo4j_database).fetch("MATCH (n) RETURN count(n) AS n", {})
    assert rows[0]["n"] == 0
