"""Imagery to Neo4j: the New Brunswick clip with ground-truth masks, round trip against its labels.

The labels (``BakerLake_2017_clipped.gpkg``) are the reference, computed here without the code
under test: each label polygon clipped to the image and dissolved by class must come back from
the committed state as exactly one object of its class at every scale that draws the class and
keeps it (at least 1.2 x the scale's minimum area), with IoU >= 0.95, or, where rasterising the
label on the scale's pixel grid already loses more, no more than 2 points per pixel of the
scale's simplification tolerance below what the rasterised label reaches. Every stored object
must belong to exactly one label polygon (no duplicates at tile borders: tiles are much smaller
than the clip). Cross-scale ``part_of`` links must be those the containment rule gives.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from imagery_files import NB_CLASSES, nb_clip, nb_labels
from pyproj import Transformer
from rasterio.features import rasterize
from scipy import ndimage
from shapely.affinity import affine_transform
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from graphdb.errors import InvalidRecord
from graphdb.models import StateStatus
from graphdb.publish import publish_scene_graph
from graphdb.rasters import RasterRegistry
from graphdb.repository import Neo4jGraph
from ingest.imagery.pipeline import build_imagery_scene_graph
from ingest.ontology import applicable_scales, classes_at, get_scale
from ingest.raster import level_for, open_raster, tile_windows
from ingest.rasterstore import RasterStore
from ingest.records import RasterRecord, SceneGraph
from tests.support.groundtruth import GroundTruthSegmenter

TILE, OVERLAP = 64, 8
TO_CLIP_CRS = Transformer.from_crs(4326, 2953, always_xy=True)


def in_clip_crs(geometry: BaseGeometry) -> BaseGeometry:
    moved: BaseGeometry = shapely.transform(
        geometry, lambda xy: np.column_stack(TO_CLIP_CRS.transform(xy[:, 0], xy[:, 1]))
    )
    return moved


def iou(a: BaseGeometry, b: BaseGeometry) -> float:
    return float(a.intersection(b).area / a.union(b).area)


def label_parts(labels: gpd.GeoDataFrame, extent: BaseGeometry, code: int) -> list[BaseGeometry]:
    """The label polygons of ``code``, dissolved and clipped to the image (EPSG:2953)."""
    union = shapely.union_all(
        labels.geometry[labels["Quatreclasses"].astype(int) == code].to_numpy()
    ).intersection(extent)
    return [part for part in getattr(union, "geoms", [union]) if part.area > 0]


def row_runs(component: np.ndarray) -> BaseGeometry:
    """A bool pixel component (x = column, y = row) as the union of its row runs."""
    runs: list[BaseGeometry] = []
    for row in np.flatnonzero(component.any(axis=1)):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], component[row], [0]]).astype(np.int8)))
        runs.extend(box(start, row, stop, row + 1) for start, stop in edges.reshape(-1, 2))
    return shapely.union_all(runs)


def rasterised_components(labels: gpd.GeoDataFrame, scale: int) -> dict[int, list[BaseGeometry]]:
    """Per class code, its 4-connected components burnt on the scale's pixel grid (EPSG:2953)."""
    level = level_for(open_raster(str(nb_clip())), scale)
    shapes = [
        (geometry, c)
        for c in NB_CLASSES
        for geometry in labels.geometry[labels["Quatreclasses"].astype(int) == c]
    ]
    burnt = rasterize(shapes, out_shape=(level.height, level.width), transform=level.transform)
    t = level.transform
    found: dict[int, list[BaseGeometry]] = {}
    for code in NB_CLASSES:
        components, count = ndimage.label(burnt == code)
        found[code] = [
            affine_transform(row_runs(components == i), [t.a, t.b, t.d, t.e, t.c, t.f])
            for i in range(1, count + 1)
        ]
    return found


@pytest.fixture(scope="module")
def labels() -> gpd.GeoDataFrame:
    return gpd.read_file(nb_labels())


@pytest.fixture(scope="module")
def scene(labels: gpd.GeoDataFrame) -> SceneGraph:
    clip = nb_clip()
    info = open_raster(str(clip))
    segmenter = GroundTruthSegmenter.from_vector(
        nb_labels(), column="Quatreclasses", classes=NB_CLASSES, crs=info.crs
    )
    return build_imagery_scene_graph(clip, segmenter, tile_size=TILE, overlap=OVERLAP)


def stored_record(tmp_path: Path) -> RasterRecord:
    return RasterStore(tmp_path / "rasters").put(open_raster(str(nb_clip())))


def test_new_brunswick_labels_come_back_from_the_committed_state(
    neo4j_graph: Neo4jGraph, labels: gpd.GeoDataFrame, scene: SceneGraph, tmp_path: Path
) -> None:
    record = stored_record(tmp_path)
    published = publish_scene_graph(
        neo4j_graph,
        scene,
        state="nb-2017",
        area="baker-lake",
        as_of=date(2017, 6, 1),
        rasters=[record],
    )
    assert published.state.status is StateStatus.COMMITTED
    assert published.diffs == ()
    info = open_raster(str(nb_clip()))
    scales = applicable_scales(info.gsd_m, info.width, info.height)
    assert scales == [2000, 10000]
    with rasterio.open(nb_clip()) as dataset:
        extent = box(*dataset.bounds)
    stored = list(neo4j_graph.export("nb-2017"))
    assert len(stored) == len(scene.objects)
    for scale in scales:
        level = level_for(info, scale)
        assert len(tile_windows(level, TILE, OVERLAP)) >= 12
        tolerance_px = get_scale(scale).simplify_tolerance_m / level.gsd_m
        min_area = get_scale(scale).min_area_m2
        rasterised = rasterised_components(labels, scale)
        for code, cls in NB_CLASSES.items():
            objects = [in_clip_crs(o.geometry) for o in stored if o.scale == scale and o.cls == cls]
            if cls not in classes_at(scale):
                assert objects == []
                continue
            parts = label_parts(labels, extent, code)
            kept = [p for p in parts if p.area >= 1.2 * min_area]
            for part in kept:
                best = max(iou(part, c) for c in rasterised[code])
                bar = min(0.95, best - 0.02 * tolerance_px)
                matches = [g for g in objects if iou(g, part) >= bar]
                assert len(matches) == 1, (scale, cls, part.area, bar, len(matches))
            for geometry in objects:
                owners = [p for p in parts if iou(geometry, p) >= 0.5]
                assert len(owners) == 1, (scale, cls, geometry.area, len(owners))
            assert len(objects) == len(kept), (scale, cls)


def test_part_of_links_follow_containment_across_scales(
    neo4j_graph: Neo4jGraph, scene: SceneGraph
) -> None:
    publish_scene_graph(
        neo4j_graph, scene, state="nb-2017", area="baker-lake", as_of=date(2017, 6, 1)
    )
    fine = [o for o in neo4j_graph.export("nb-2017", scale=2000)]
    coarse = [o for o in neo4j_graph.export("nb-2017", scale=10000)]
    grow = get_scale(10000).simplify_tolerance_m
    expected = set()
    for f in fine:
        geometry = in_clip_crs(f.geometry)
        shares = [
            (
                geometry.intersection(in_clip_crs(c.geometry).buffer(grow)).area / geometry.area,
                c.key,
            )
            for c in coarse
            if c.cls == f.cls
        ]
        share, parent = max(shares, default=(0.0, ""))
        if share >= 0.5:
            expected.add((f.key, parent))
    links = neo4j_graph.triplets("nb-2017", predicate="part_of", limit=1000).items
    found = {(t.subject.key, t.object.key) for t in links if t.cross_scale}
    assert {cls for cls in ("forest", "water_body")} <= {
        f.cls for f in fine if f.key in {a for a, _ in expected}
    }
    assert found == expected
    assert all(t.subject.scale == 2000 and t.object.scale == 10000 for t in links if t.cross_scale)


def test_a_second_acquisition_is_diffed_against_the_first(
    neo4j_graph: Neo4jGraph, scene: SceneGraph
) -> None:
    publish_scene_graph(
        neo4j_graph, scene, state="nb-2017", area="baker-lake", as_of=date(2017, 6, 1)
    )
    later = publish_scene_graph(
        neo4j_graph, scene, state="nb-2018", area="baker-lake", as_of=date(2018, 6, 1)
    )
    assert [d.scale for d in later.diffs] == [2000, 10000]
    for diff in later.diffs:
        assert diff.old.name == "nb-2017"
        assert diff.objects == [] and diff.relations == []
        assert diff.unchanged == len([o for o in scene.objects if o.scale == diff.scale])
    assert later.alerts == 0


def test_the_state_records_the_stored_raster(
    neo4j_graph: Neo4jGraph, scene: SceneGraph, tmp_path: Path
) -> None:
    record = stored_record(tmp_path)
    publish_scene_graph(
        neo4j_graph,
        scene,
        state="nb-2017",
        area="baker-lake",
        as_of=date(2017, 6, 1),
        rasters=[record],
    )
    (registered,) = RasterRegistry(neo4j_graph.client).of_state("nb-2017")
    assert registered.states == ("nb-2017",)
    assert registered.record.uri == record.uri and Path(record.uri).is_file()
    assert registered.record.footprint.equals_exact(record.footprint, 1e-12)
    assert registered.record.epsg == 2953 and registered.record.gsd_m == pytest.approx(0.5)


def test_a_failed_publish_leaves_no_state_and_no_raster(
    neo4j_graph: Neo4jGraph, scene: SceneGraph, tmp_path: Path
) -> None:
    good = stored_record(tmp_path)
    bad = replace(good, sha256="not-a-hash")
    with pytest.raises(InvalidRecord, match="not-a-hash"):
        publish_scene_graph(
            neo4j_graph,
            scene,
            state="nb-2017",
            area="baker-lake",
            as_of=date(2017, 6, 1),
            rasters=[good, bad],
        )
    assert neo4j_graph.states("baker-lake", include_private=True) == []
    assert RasterRegistry(neo4j_graph.client).get(good.sha256) is None
    counts = neo4j_graph.client.fetch(
        "MATCH (n) WHERE n:Object OR n:MapState OR n:Raster RETURN count(n) AS n", {}
    )
    assert counts[0]["n"] == 0
