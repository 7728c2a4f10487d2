"""What an imagery map state observes: the classes its segmenter can answer, at each scale only
those drawn there (``ingest.observed``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest

from ingest.errors import InvalidSegmentation
from ingest.imagery.pipeline import build_imagery_scene_graph
from ingest.imagery.segmenter import Segmenter, TileSegmentation, segmenter_classes
from ingest.ontology import classes_at
from ingest.raster import RasterPixels
from ingest.vectorise import TileMask
from tests.ingest.imagery.imagery_files import write_rgb

MODEL_CLASSES = ("building", "road", "vegetation", "water_body", "bare_ground")
"""What the default model predicts."""


class Painter:
    """Calls every tile one class per scale (``answer``); lists ``classes`` when given."""

    name = "painter"
    random_init = False

    def __init__(self, answer: Mapping[int, str], classes: Sequence[str] | None) -> None:
        self.answer = answer
        if classes is not None:
            self.classes = tuple(classes)

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        return [
            TileSegmentation(masks=(TileMask(self.answer[scale], 0.9, tile.valid.copy()),))
            for tile in tiles
        ]


ANSWER = {2000: "building", 10000: "vegetation"}


def scene_observed(tmp_path: Path, segmenter: Segmenter) -> Mapping[int, tuple[str, ...]] | None:
    image = write_rgb(tmp_path / "image.tif", 512, 512)
    return build_imagery_scene_graph(image, segmenter, scales=[2000, 10000]).observed


def test_a_model_observes_its_classes_drawn_at_each_scale(tmp_path: Path) -> None:
    observed = scene_observed(tmp_path, Painter(ANSWER, MODEL_CLASSES))

    assert observed == {
        2000: ("building", "road", "water_body", "vegetation", "bare_ground"),
        10000: ("road", "water_body", "vegetation", "bare_ground"),  # no building at 1:10,000
    }


def test_a_segmenter_that_names_no_classes_observes_everything(tmp_path: Path) -> None:
    observed = scene_observed(tmp_path, Painter(ANSWER, None))

    assert observed == {2000: classes_at(2000), 10000: classes_at(10000)}


def test_a_segmenter_says_its_classes_or_observes_everything() -> None:
    assert segmenter_classes(SimpleNamespace(name="m", classes=list(MODEL_CLASSES))) == tuple(
        MODEL_CLASSES
    )
    assert segmenter_classes(Painter(ANSWER, None)) is None


def test_an_answer_outside_the_listed_classes_breaks_the_contract(tmp_path: Path) -> None:
    with pytest.raises(InvalidSegmentation, match="not among the classes it lists"):
        scene_observed(tmp_path, Painter(ANSWER, ("road", "vegetation")))
