"""The raster registry in Neo4j: one ``(:Raster)`` per stored image, linked to its states."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import box

from graphdb.client import GraphClient
from graphdb.errors import InvalidRecord, StateNotFound
from graphdb.rasters import RasterRegistry
from graphdb.repository import Neo4jGraph
from graphdb.schema import apply_schema
from ingest.raster import open_raster
from ingest.rasterstore import RasterStore
from ingest.records import RasterRecord
from tests.support.sample_data import sample

SAMPLE = "imagery/new-brunswick/23322E759967N_clipped_1m_2of2.tif"


@pytest.fixture
def record(tmp_path: Path) -> RasterRecord:
    return RasterStore(tmp_path / "rasters").put(open_raster(str(sample(SAMPLE))))


def begin(graph: Neo4jGraph, name: str, record: RasterRecord) -> None:
    graph.begin_state(name, area="baker-lake", as_of=date(2017, 6, 1), coverage=record.footprint)


def test_one_image_used_by_two_states_is_one_node(
    client: GraphClient, record: RasterRecord
) -> None:
    graph, registry = Neo4jGraph(client), RasterRegistry(client)
    apply_schema(client)
    for name in ("first", "second"):
        begin(graph, name, record)
        registry.register(name, [record])
    registry.register("first", [record])
    found = registry.get(record.sha256)
    assert found is not None
    assert found.states == ("first", "second")
    assert found.record == record
    assert found.registered_at is not None
    nodes = client.fetch("MATCH (r:Raster) RETURN count(r) AS n", {})
    assert nodes[0]["n"] == 1
    assert [r.record.sha256 for r in registry.of_state("second")] == [record.sha256]


def test_a_raster_is_forgotten_only_when_no_state_uses_it(
    client: GraphClient, record: RasterRecord
) -> None:
    graph, registry = Neo4jGraph(client), RasterRegistry(client)
    for name in ("first", "second"):
        begin(graph, name, record)
        registry.register(name, [record])
    graph.cleanup("first")
    assert registry.forget_unused([record.sha256]) == 0
    found = registry.get(record.sha256)
    assert found is not None and found.states == ("second",)
    graph.cleanup("second")
    assert registry.forget_unused([record.sha256]) == 1
    assert registry.get(record.sha256) is None


def test_registering_needs_an_existing_state(client: GraphClient, record: RasterRecord) -> None:
    with pytest.raises(StateNotFound, match="no map state 'missing'"):
        RasterRegistry(client).register("missing", [record])
    assert RasterRegistry(client).get(record.sha256) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sha256": "ABC"}, "64 lower-case hex"),
        ({"uri": ""}, "no URI"),
        ({"footprint": box(0, 0, 1, 1).boundary}, "polygon footprint"),
    ],
)
def test_a_bad_record_is_refused_before_writing(
    client: GraphClient, record: RasterRecord, change: dict[str, object], message: str
) -> None:
    begin(Neo4jGraph(client), "first", record)
    bad = RasterRecord(**{**asdict(record), **change})
    with pytest.raises(InvalidRecord, match=message):
        RasterRegistry(client).register("first", [bad])
    assert RasterRegistry(client).of_state("first") == []
