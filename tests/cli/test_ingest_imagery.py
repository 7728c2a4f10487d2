"""``orthograph ingest imagery``: bad input refused with one line and nothing written; a real
panchromatic 16-bit image stored as a COG, registered and committed.

The model's segmenter is replaced by the ground-truth one through ``load_model_segmenter`` (the
CLI never offers ground truth); the raster store is a folder of the test's own.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from neo4j import Driver
from rasterio.crs import CRS
from rio_cogeo.cogeo import cog_validate
from typer.testing import CliRunner, Result

import cli.ingest
from cli.main import app
from graphdb.client import GraphClient
from graphdb.rasters import RasterRegistry
from graphdb.repository import Neo4jGraph
from ingest.imagery.segmenter import TileSegmentation
from ingest.raster import RasterPixels
from ingest.rasterstore import sha256_file
from tests.ingest.imagery.imagery_files import BAD_INPUTS, NB_CLASSES, atlanta, nb_clip, nb_labels
from tests.support.groundtruth import GroundTruthSegmenter

COUNT_WRITTEN = "MATCH (n) WHERE n:Object OR n:MapState OR n:Raster OR n:Area RETURN count(n) AS n"


class UntrainedStandIn:
    """Ground truth dressed as an untrained model, to see the CLI's warning."""

    name = "msgg-ai"
    random_init = True

    def __init__(self, truth: GroundTruthSegmenter) -> None:
        self._truth = truth

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        return self._truth.segment(tiles, scale)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "rasters"
    monkeypatch.setenv("ORTHOGRAPH_RASTER_STORE", str(folder))
    return folder


def written(graph: Driver, database: str) -> int:
    return int(GraphClient(graph, database).fetch(COUNT_WRITTEN, {})[0]["n"])


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["ingest", "imagery", *args])


@pytest.mark.parametrize("bad", sorted(BAD_INPUTS))
def test_bad_imagery_is_one_line_on_stderr_and_nothing_is_written(
    graph: Driver, neo4j_database: str, store: Path, tmp_path: Path, bad: str
) -> None:
    path = BAD_INPUTS[bad](tmp_path / f"{bad}.{'vrt' if bad == 'absurd' else 'tif'}")
    result = run(str(path), "--state", "bad")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("orthograph ingest: ")
    assert str(path) in lines[0]
    assert "Traceback" not in result.output
    assert written(graph, neo4j_database) == 0
    assert not store.exists()


@pytest.mark.parametrize("bands", ["1,2", "r,g,b"])
def test_bad_band_list_is_refused(store: Path, bands: str) -> None:
    result = run(str(nb_clip()), "--state", "s", "--bands", bands)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "bands" in result.stderr
    assert "three band numbers" in result.stderr or "--bands" in result.stderr


def test_without_the_model_package_imagery_ingest_says_so(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = nb_clip()
    monkeypatch.setitem(sys.modules, "model.inference", None)
    result = run(str(clip), "--state", "s")
    assert result.exit_code == 5
    assert "model.inference" in result.stderr and result.stderr.count("\n") == 1
    assert not store.exists()


def test_a_panchromatic_16_bit_image_is_stored_registered_and_committed(
    graph: Driver, neo4j_database: str, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = atlanta("sample_geotiff.tif")
    truth = GroundTruthSegmenter.from_vector(
        atlanta("geotiff_labels.geojson"),
        column=None,
        classes={1: "building"},
        crs=CRS.from_epsg(32616),
    )
    monkeypatch.setattr(cli.ingest, "load_model_segmenter", lambda checkpoint: truth)
    result = run(
        str(image), "--state", "atl", "--area", "atlanta", "--acquired", "2016-05-01", "--profile"
    )
    assert result.exit_code == 0, result.output
    sha = sha256_file(image)
    cog = store / sha[:2] / f"{sha}.tif"
    valid, errors, _ = cog_validate(str(cog), quiet=True)
    assert valid, errors
    repo = Neo4jGraph(GraphClient(graph, neo4j_database))
    state = repo.state("atl")
    assert (state.area, str(state.as_of)) == ("atlanta", "2016-05-01")
    buildings = list(repo.export("atl", classes=["building"], scale=2000))
    assert 30 <= len(buildings) <= 43  # 43 labelled buildings, a few cut by the image edge
    (raster,) = RasterRegistry(repo.client).of_state("atl")
    assert (raster.record.sha256, raster.record.uri) == (sha, str(cog))
    assert (raster.record.count, raster.record.dtype) == (1, "uint16")
    assert "building" in result.stdout and "time per stage" in result.stdout
    assert "WARNING" not in result.stderr


def test_an_untrained_model_is_announced_loudly(
    graph: Driver, neo4j_database: str, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    truth = GroundTruthSegmenter.from_vector(
        nb_labels(), column="Quatreclasses", classes=NB_CLASSES, crs=CRS.from_epsg(2953)
    )
    monkeypatch.setattr(
        cli.ingest, "load_model_segmenter", lambda checkpoint: UntrainedStandIn(truth)
    )
    result = run(str(nb_clip()), "--state", "nb", "--tile-size", "128", "--overlap", "16")
    assert result.exit_code == 0, result.output
    assert "RANDOM, UNTRAINED" in " ".join(result.stderr.split())
    state = Neo4jGraph(GraphClient(graph, neo4j_database)).state("nb")
    assert "untrained" in state.source
