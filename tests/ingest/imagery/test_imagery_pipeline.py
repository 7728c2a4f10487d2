"""The imagery pipeline without the database: contract checks, model triplets, tiling, profile."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from imagery_files import BAD_INPUTS, NB_CLASSES, nb_clip, nb_labels, write_rgb
from pyproj import Transformer
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from ingest.errors import EmptyResult, IngestError, InvalidSegmentation
from ingest.imagery.labels import VectorLabels
from ingest.imagery.pipeline import build_imagery_scene_graph
from ingest.imagery.profile import StageTimes
from ingest.imagery.segmenter import TileSegmentation, TileTriplet
from ingest.raster import RasterPixels, level_for, open_raster, tile_windows
from ingest.vectorise import TileMask
from tests.support.groundtruth import GroundTruthSegmenter

# Map coordinates (EPSG:32616) of a building and a parking lot sharing the edge x = 733640,
# which is also a tile border of 96 px tiles with 16 px overlap (pixel column 80).
BUILDING = box(733_620.0, 3_725_080.0, 733_640.0, 3_725_100.0)
PARKING = box(733_640.0, 3_725_080.0, 733_670.0, 3_725_100.0)
SCENE_CLASSES = {1: "building", 2: "parking_lot"}
ORIGIN_BOUNDS = (733_600.0, 3_725_012.0, 733_728.0, 3_725_140.0)
"""Bounds of the 256 x 256 px, 0.5 m test image written by ``write_rgb``."""
TO_UTM = Transformer.from_crs(4326, 32616, always_xy=True)


class TripletSegmenter:
    """Ground truth of the two boxes plus scripted model triplets between classes."""

    name = "scripted"
    random_init = False

    def __init__(self, rules: Sequence[tuple[str, str, str, float]]) -> None:
        labels = VectorLabels(np.array([BUILDING, PARKING], dtype=object), np.array([1, 2]))
        self._truth = GroundTruthSegmenter(labels, SCENE_CLASSES)
        self._rules = rules
        self.calls = 0

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        self.calls += 1
        out = []
        for answer in self._truth.segment(tiles, scale):
            classes = [m.class_id for m in answer.masks]
            triplets = tuple(
                TileTriplet(i, predicate, j, score)
                for subject, predicate, obj, score in self._rules
                for i, a in enumerate(classes)
                for j, b in enumerate(classes)
                if (a, b) == (subject, obj)
            )
            out.append(TileSegmentation(answer.masks, triplets))
        return out


def test_model_triplets_become_relations_between_merged_objects(tmp_path: Path) -> None:
    image = write_rgb(tmp_path / "scene.tif")
    segmenter = TripletSegmenter(
        [
            ("building", "adjacent_to", "parking_lot", 0.8),
            ("parking_lot", "contains", "building", 0.6),
        ]
    )
    scene = build_imagery_scene_graph(image, segmenter, scales=[2000], tile_size=96, overlap=16)
    by_class = {obj.cls: obj for obj in scene.objects}
    assert sorted(obj.cls for obj in scene.objects) == ["building", "parking_lot"]
    building, parking = by_class["building"].key, by_class["parking_lot"].key
    between = [r for r in scene.relations if {r.subject_key, r.object_key} == {building, parking}]
    adjacent = [r for r in between if r.predicate == "adjacent_to"]
    # The rules are certain of the scripted objects (confidence 1); the model re-scores them.
    assert [(r.origin, r.confidence) for r in adjacent] == [("both", 0.8)]
    inside = [r for r in between if r.predicate == "inside"]
    assert [(r.subject_key, r.object_key, r.origin, r.confidence) for r in inside] == [
        (building, parking, "model", 0.6)
    ]
    assert not [r for r in between if r.predicate == "contains"]


def in_utm(geometry: BaseGeometry) -> BaseGeometry:
    """A stored WGS84 geometry back in EPSG:32616 (metres)."""
    moved: BaseGeometry = shapely.transform(
        geometry, lambda xy: np.column_stack(TO_UTM.transform(xy[:, 0], xy[:, 1]))
    )
    return moved


def test_objects_are_placed_in_map_coordinates(tmp_path: Path) -> None:
    image = write_rgb(tmp_path / "scene.tif")
    scene = build_imagery_scene_graph(
        image, TripletSegmenter([]), scales=[2000], tile_size=96, overlap=16
    )
    stored = {obj.cls: in_utm(obj.geometry) for obj in scene.objects}
    assert stored["building"].symmetric_difference(BUILDING).area < 0.01
    assert stored["parking_lot"].symmetric_difference(PARKING).area < 0.01
    assert {obj.source for obj in scene.objects} == {"scripted"}
    assert scene.source_crs == 32616
    extent = box(*ORIGIN_BOUNDS)
    assert in_utm(scene.coverage).symmetric_difference(extent).area < 0.01 * extent.area


def test_nodata_pixels_never_hold_an_object(tmp_path: Path) -> None:
    image = write_rgb(tmp_path / "scene.tif", nodata=0)
    with rasterio.open(image, "r+") as dataset:
        pixels = dataset.read()
        pixels[:, :, :100] = 0  # columns 0..99 (x < 733650) become nodata
        dataset.write(pixels)
    scene = build_imagery_scene_graph(
        image, TripletSegmenter([]), scales=[2000], tile_size=96, overlap=16
    )
    assert [obj.cls for obj in scene.objects] == ["parking_lot"]
    expected = PARKING.intersection(box(733_650.0, 3_725_000.0, 733_800.0, 3_725_200.0))
    assert in_utm(scene.objects[0].geometry).symmetric_difference(expected).area < 0.01


@pytest.mark.parametrize("bad", sorted(BAD_INPUTS))
def test_bad_input_fails_before_any_tile_is_segmented(tmp_path: Path, bad: str) -> None:
    path = BAD_INPUTS[bad](tmp_path / f"{bad}.{'vrt' if bad == 'absurd' else 'tif'}")
    segmenter = TripletSegmenter([])
    with pytest.raises(IngestError) as caught:
        build_imagery_scene_graph(path, segmenter)
    assert str(path) in str(caught.value)
    assert segmenter.calls == 0


class WrongCount(TripletSegmenter):
    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        return super().segment(tiles, scale)[1:]


class WrongScale(TripletSegmenter):
    """Says "building" at every scale, though buildings are not drawn at 1:10,000."""

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        mask = np.ones(tiles[0].valid.shape, dtype=bool)
        return [TileSegmentation((TileMask("building", 0.5, mask),)) for _ in tiles]


def test_a_segmenter_answering_too_few_tiles_is_refused(tmp_path: Path) -> None:
    image = write_rgb(tmp_path / "scene.tif")
    with pytest.raises(InvalidSegmentation, match="one per tile"):
        build_imagery_scene_graph(image, WrongCount([]), scales=[2000], tile_size=96, overlap=16)


def test_a_class_not_drawn_at_the_scale_is_refused(tmp_path: Path) -> None:
    image = write_rgb(tmp_path / "scene.tif")
    with pytest.raises(InvalidSegmentation, match="not drawn"):
        build_imagery_scene_graph(image, WrongScale([]), scales=[10000], tile_size=64, overlap=8)


def test_profile_times_every_stage_of_every_scale(tmp_path: Path) -> None:
    image = write_rgb(tmp_path / "scene.tif")
    times = StageTimes()
    seen: list[tuple[str, int, int]] = []
    build_imagery_scene_graph(
        image,
        TripletSegmenter([]),
        tile_size=96,
        overlap=16,
        profile=times,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    stages = {name for name, _, _ in times.rows()}
    for scale in (2000, 10000):
        assert {f"1:{scale} {step}" for step in ("read", "segment", "vectorise", "merge")} <= stages
    assert {"open", "pyramid", "relate"} <= stages
    assert all(seconds >= 0 for _, seconds, _ in times.rows())
    tiles_2000 = len(tile_windows(level_for(open_raster(str(image)), 2000), 96, 16))
    assert ("1:2000 tiles", tiles_2000, tiles_2000) in seen


@pytest.mark.parametrize("scale", [2000, 10000])
def test_real_labels_give_the_same_objects_whatever_the_tiling(scale: int) -> None:
    clip = nb_clip()
    info = open_raster(str(clip))
    segmenter = GroundTruthSegmenter.from_vector(
        nb_labels(), column="Quatreclasses", classes=NB_CLASSES, crs=info.crs
    )
    level = level_for(info, scale)
    assert len(tile_windows(level, tile_size=48, overlap=8)) >= 12
    tiled = build_imagery_scene_graph(clip, segmenter, scales=[scale], tile_size=48, overlap=8)
    whole = build_imagery_scene_graph(
        clip, segmenter, scales=[scale], tile_size=max(level.width, level.height), overlap=0
    )
    assert len(whole.objects) >= 4
    assert [o.key for o in tiled.objects] == [o.key for o in whole.objects]
    assert all(
        a.geometry.equals(b.geometry) for a, b in zip(tiled.objects, whole.objects, strict=True)
    )


class Blind(TripletSegmenter):
    """Finds nothing anywhere."""

    def segment(self, tiles: Sequence[RasterPixels], scale: int) -> list[TileSegmentation]:
        return [TileSegmentation(()) for _ in tiles]


def test_an_image_without_objects_is_refused_not_an_empty_map(tmp_path: Path) -> None:
    # Committed, an empty scene would turn every object of the previous state into an alert.
    image = write_rgb(tmp_path / "scene.tif")
    with pytest.raises(EmptyResult, match="no object at any scale"):
        build_imagery_scene_graph(image, Blind([]), tile_size=96, overlap=16)
