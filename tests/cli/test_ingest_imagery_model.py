"""``orthograph ingest imagery`` with the shipped default model, end to end into Neo4j.

This checks the plumbing, not the model's quality (see MODEL_CARD.md for that): a real clip gives
a committed state with objects at every scale the image serves, cross-scale ``part_of`` links,
and relations whose ``origin`` says where they came from; the same clip ingested twice gives the
same objects and no change alert.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import rasterio
from neo4j import Driver
from typer.testing import CliRunner

from cli.main import app
from graphdb.client import GraphClient
from graphdb.repository import Neo4jGraph
from ingest.observed import observed_at
from ingest.ontology import applicable_scales
from tests.ingest.imagery.imagery_files import nb_clip
from tests.support.skips import missing


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "rasters"
    monkeypatch.setenv("ORTHOGRAPH_RASTER_STORE", str(folder))
    return folder


MODEL_CLASSES = ("building", "road", "vegetation", "water_body", "bare_ground")
"""The classes the shipped model predicts (MODEL_CARD.md)."""


def _clip_scales() -> tuple[Path, list[int]]:
    """The New Brunswick clip and the scales it serves (needs the model's torch)."""
    if importlib.util.find_spec("torch") is None:
        missing("torch (the 'model' extra)", "run scripts/setup.sh, or pip install -e '.[model]'")
    path = nb_clip()
    with rasterio.open(path) as clip:
        # the clip's CRS is in metres: its pixel width is its ground sample distance
        return path, applicable_scales(clip.res[0], clip.width, clip.height)


def _ingest(path: Path, state: str, *options: str) -> None:
    result = CliRunner().invoke(
        app, ["ingest", "imagery", str(path), "--state", state, "--area", "baker", *options]
    )
    assert result.exit_code == 0, result.output


def test_the_default_model_writes_a_multi_scale_state(
    graph: Driver, neo4j_database: str, store: Path
) -> None:
    path, scales = _clip_scales()
    assert len(scales) >= 2

    _ingest(path, "nb-model")

    records, _, _ = graph.execute_query(
        "MATCH (o:Object) RETURN o.scale AS scale, count(*) AS n", database_=neo4j_database
    )
    assert {r["scale"] for r in records} == set(scales)
    links, _, _ = graph.execute_query(
        "MATCH (f:Object)-[r:PART_OF {cross_scale: true}]->(c:Object) "
        "RETURN f.scale AS fine, c.scale AS coarse",
        database_=neo4j_database,
    )
    assert links
    assert all(r["fine"] < r["coarse"] for r in links)
    origins, _, _ = graph.execute_query(
        "MATCH (:Object)-[r]->(:Object) WHERE type(r) <> 'PART_OF' "
        "RETURN DISTINCT r.origin AS origin",
        database_=neo4j_database,
    )
    assert origins
    assert {r["origin"] for r in origins} <= {"model", "rules", "both"}
    state = Neo4jGraph(GraphClient(graph, neo4j_database)).state("nb-model")
    assert "msgg-ai" in state.source


def test_the_same_image_twice_gives_the_same_objects_and_no_alert(
    graph: Driver, neo4j_database: str, store: Path
) -> None:
    path, scales = _clip_scales()
    _ingest(path, "nb-2017", "--acquired", "2017-06-01")
    _ingest(path, "nb-2018", "--acquired", "2018-06-01")
    repo = Neo4jGraph(GraphClient(graph, neo4j_database))

    def content(state: str) -> list[tuple[int, str, str, bytes]]:
        rows = []
        for o in repo.export(state):
            assert o.geometry is not None, "an export keeps every geometry"
            rows.append((o.scale, o.cls, o.key, o.geometry.wkb))
        return sorted(rows)

    assert content("nb-2018") == content("nb-2017")
    observed = repo.state("nb-2018").observed
    assert observed is not None
    assert observed[2000] == ("building", "road", "water_body", "vegetation", "bare_ground")
    assert observed == {s: observed_at(MODEL_CLASSES, s) for s in scales}
    for scale in scales:
        diff = repo.diff("nb-2017", "nb-2018", scale=scale)
        assert (diff.objects, diff.relations) == ([], [])
        assert diff.unchanged == sum(1 for o in repo.export("nb-2018", scale=scale))
    assert repo.alerts("nb-2018") == []
