"""``orthograph render`` on a real state with imagery: the Atlanta SpaceNet sample, its 43
labelled buildings published through ``graphdb`` and its image in a raster store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from neo4j import Driver
from PIL import Image
from typer.testing import CliRunner

from cli.main import app
from graphdb.publish import publish_scene_graph
from graphdb.repository import open_graph
from ingest.raster import open_raster
from ingest.rasterstore import RasterStore
from ingest.vector.pipeline import build_scene_graph
from stack.settings import StackSettings
from tests.ingest.imagery.imagery_files import atlanta

STATE = "atlanta-2019"


@pytest.fixture
def imaged_state(graph: Driver, stack_settings: StackSettings, tmp_path: Path) -> str:
    """The Atlanta state committed with its buildings (the labels, as an ingest reads them) and
    its image in the raster store, so ``render`` has both objects and imagery to draw."""
    image, labels = atlanta("sample_geotiff.tif"), atlanta("geotiff_labels.geojson")
    stored = RasterStore(tmp_path / "rasters").put(open_raster(str(image)))
    with open_graph(stack_settings) as repo:
        publish_scene_graph(
            repo,
            build_scene_graph(labels).graph,
            state=STATE,
            area="atlanta",
            as_of=date(2019, 1, 1),
            rasters=[stored],
        )
    return STATE


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["render", *args])
    return result.exit_code, result.output


def pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), dtype=float)


def test_render_draws_imagery_objects_and_relations(imaged_state: str, tmp_path: Path) -> None:
    out = tmp_path / "atlanta.png"
    code, output = run(
        "--state", imaged_state, "--scale", "2000", "--predicates", "nearby", "--width", "1200",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, output
    assert "43 objects" in output and "imagery from 1 raster(s)" in output
    picture = pixels(out)
    height, width, _ = picture.shape
    assert width == 1200 and 540 <= height <= 1920
    assert picture.std() > 30, "the picture is (nearly) blank"
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 1000, "no imagery in the picture"

    plain = tmp_path / "plain.png"
    code, output = run(
        "--state", imaged_state, "--no-imagery", "--width", "1200", "--out", str(plain)
    )
    assert code == 0, output
    without = pixels(plain)
    assert without.shape == picture.shape
    assert np.abs(without - picture).mean() > 10, "the imagery made no difference"
    assert len(np.unique(without.reshape(-1, 3), axis=0)) < len(
        np.unique(picture.reshape(-1, 3), axis=0)
    )


def test_render_of_a_part_of_the_state(imaged_state: str, tmp_path: Path) -> None:
    out = tmp_path / "corner.png"
    bbox = "-84.4814,33.6363,-84.4790,33.6385"
    code, output = run("--state", imaged_state, "--bbox", bbox, "--out", str(out))
    assert code == 0, output
    drawn = int(output.split(": ")[1].split(" objects")[0])
    assert 0 < drawn < 43
    assert Image.open(out).size[0] == 1600


def test_render_of_an_unknown_state_fails_clearly(graph: Driver, tmp_path: Path) -> None:
    code, output = run("--state", "nowhere", "--out", str(tmp_path / "x.png"))
    assert code == 3
    assert "nowhere" in output
    assert not (tmp_path / "x.png").exists()
