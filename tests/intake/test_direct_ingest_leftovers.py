"""A failed ``orthograph ingest`` leaves no private input copy and no unregistered raster."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

import cli.ingest
from cli.main import app
from config.connections import Connections
from ingest.errors import SegmenterUnavailable
from ingest.raster import RasterPixels
from ingest.rasterstore import sha256_file
from intake.store import input_root
from tests.ingest.imagery.imagery_files import atlanta

COUNT_WRITTEN = "MATCH (n) WHERE n:Object OR n:MapState OR n:Raster RETURN count(n) AS n"


class LostSegmenter:
    """A segmenter whose device goes away mid-ingest: after the image is stored."""

    name = "lost"
    random_init = False

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[object]:
        raise SegmenterUnavailable("the GPU went away")


def _store_files() -> set[Path]:
    root = input_root(Connections().home)
    return set(root.rglob("*")) if root.exists() else set()


def _written(graph: Driver) -> int:
    with graph.session() as session:
        return int(session.run(COUNT_WRITTEN).single(strict=True)["n"])


def test_failed_imagery_ingest_discards_its_raster_and_copy(
    graph: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rasters = tmp_path / "rasters"
    monkeypatch.setenv("ORTHOGRAPH_RASTER_STORE", str(rasters))
    monkeypatch.setattr(cli.ingest, "load_model_segmenter", lambda checkpoint: LostSegmenter())
    image = atlanta("sample_geotiff.tif")
    before = _store_files()
    result = CliRunner().invoke(app, ["ingest", "imagery", str(image), "--state", "atl"])
    assert result.exit_code == 5, result.output
    assert "the GPU went away" in result.stderr
    sha = sha256_file(image)
    assert not (rasters / sha[:2] / f"{sha}.tif").exists()
    assert list(rasters.rglob("*.tif")) == []
    assert _store_files() == before
    assert _written(graph) == 0


def test_failed_vector_ingest_leaves_no_copy(graph: Driver, tmp_path: Path) -> None:
    unclassed = tmp_path / "plain.geojson"
    feature = {
        "type": "Feature",
        "properties": {"colour": "blue"},
        "geometry": {"type": "Point", "coordinates": [9.52, 47.13]},
    }
    unclassed.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    before = _store_files()
    result = CliRunner().invoke(app, ["ingest", "vector", str(unclassed), "--state", "plain"])
    assert result.exit_code == 2, result.output
    assert "plain.geojson" in result.stderr
    assert _store_files() == before
    assert _written(graph) == 0
