"""The demo's headline answer, checked against an independent reading of the same extract.

``scripts/demo.sh`` ingests the vendored Liechtenstein extract and asks ``orthograph query
triplets`` for bridges passing over rivers and streams at 1:2,000, then ``orthograph query
hierarchy`` for the Rhine at 1:10,000 and the bridges over its 1:2,000 parts. These tests run
the demo's own commands (read from the script, so a changed demo is tested as it is) on the same
file and compare what they print with GDAL's crossings of bridge ways and waterway lines.
"""

from __future__ import annotations

import re
import shlex

import geopandas as gpd
import pytest
from neo4j import Driver
from typer.testing import CliRunner, Result

from cli.main import app
from config.connections import PROJECT_ROOT
from tests.ingest.vector.osm_reference import bridges_and_waterways

pytestmark = pytest.mark.slow

DEMO = PROJECT_ROOT / "scripts" / "demo.sh"
EXTRACT = PROJECT_ROOT / "data" / "osm" / "liechtenstein.osm.pbf"
"""The demo's data: shipped in the project, so this test never needs ``../shared``."""

STATE = "liechtenstein-osm"
PAIR = re.compile(r"\[(\S+) -> (\S+)\]$")
COUNT = re.compile(r"^(\d+) triplet\(s\) bridge passing_over river\|stream in " + STATE)


def demo_command(verb: str) -> list[str]:
    """The arguments of the demo's ``$og query VERB`` line (backslash continuations joined)."""
    script = DEMO.read_text().replace("\\\n", " ")
    for line in script.splitlines():
        if line.startswith(f"$og query {verb} "):
            return shlex.split(line)[1:]
    raise AssertionError(f"scripts/demo.sh has no '$og query {verb}' line")


def run(args: list[str]) -> Result:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def ingested(neo4j_driver: Driver, neo4j_database: str) -> None:
    """The extract ingested as the demo's state, into the emptied test database."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_database)
    run(["ingest", "vector", str(EXTRACT), "--state", STATE, "--area", "liechtenstein"])


@pytest.fixture(scope="module")
def gdal() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, set[tuple[str, str]]]:
    """GDAL's bridges, waterway lines and the (bridge key, waterway key) pairs that cross."""
    bridges, water = bridges_and_waterways(EXTRACT)
    joined = gpd.sjoin(
        bridges[["key", "geometry"]], water[["key", "geometry"]], predicate="intersects"
    )
    return bridges, water, set(zip(joined["key_left"], joined["key_right"], strict=True))


def test_demo_counts_and_prints_every_bridge_over_water(ingested: None, gdal) -> None:
    bridges, water, crossings = gdal
    assert len(crossings) >= 100
    args = demo_command("triplets")
    limit = args.index("--limit")
    shown = run(args)
    everything = run([*args[: limit + 1], "100000", *args[limit + 2 :]])
    pairs = [m.groups() for line in everything.output.splitlines() if (m := PAIR.search(line))]
    count = next(m for line in shown.output.splitlines() if (m := COUNT.match(line)))
    assert int(count.group(1)) == len(pairs) >= 100
    # GDAL's lines layer has no riverbank polygons: compare the crossings with waterway lines
    water_keys = set(water["key"])
    assert {p for p in pairs if p[1] in water_keys} == crossings
    printed = [line for line in shown.output.splitlines() if PAIR.search(line)]
    assert len(printed) == int(args[limit + 1]) < len(pairs)
    every_line = [line for line in everything.output.splitlines() if PAIR.search(line)]
    names = [len(re.findall(r"\w '[^']+'", line)) for line in every_line]
    assert names == sorted(names, reverse=True), "named triplets come first"
    assert printed == every_line[: len(printed)]


def test_demo_drills_from_the_rhine_to_the_bridges_over_its_parts(ingested: None, gdal) -> None:
    bridges, water, crossings = gdal
    rhine_lines = set(water.loc[water["name"] == "Rhein", "key"])
    over_rhine = {b for b, w in crossings if w in rhine_lines}
    assert over_rhine
    output = run(demo_command("hierarchy")).output
    assert output.startswith("1:10000  river 'Rhein'")
    listed = set(re.findall(r"-passing_under->  bridge.*\[(\S+)\]$", output, flags=re.M))
    # the 1:10,000 Rhine shown first may be the riverbank or the centre line: both are crossed
    # by bridges GDAL sees cross the Rhine's line, and nothing else is listed
    assert listed and listed <= set(bridges["key"])
    assert listed & over_rhine
    named = bridges.dropna(subset=["name"]).set_index("key")["name"].to_dict()
    for key in listed & set(named):
        assert f"bridge {named[key]!r}  [{key}]" in output


def test_the_demo_data_is_the_shipped_file() -> None:
    assert "data/osm/liechtenstein.osm.pbf" in DEMO.read_text()
    assert EXTRACT.stat().st_size > 1_000_000
    assert (PROJECT_ROOT / "data" / "README.md").read_text().count("ODbL") >= 1
