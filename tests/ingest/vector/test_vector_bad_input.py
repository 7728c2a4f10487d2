"""Input the vector ingest must refuse, or repair and report."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import yaml
from shapely.geometry import Polygon, box

from ingest.errors import (
    EmptySource,
    InvalidMapping,
    MissingCRS,
    MissingSource,
    UnknownLayer,
    UnsupportedFormat,
)
from ingest.vector.pipeline import build_scene_graph
from tests.support.sample_data import sample

BAKER_LAKE = "imagery/new-brunswick/BakerLake_2017_clipped.gpkg"
"""Sample path (``tests.support.sample_data.sample``) of a real one-layer GeoPackage."""


def _mapping(folder: Path, **document: object) -> Path:
    path = folder / "mapping.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _houses(crs: str | None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kind": ["house", "house"]},
        geometry=[box(0, 0, 20, 20), box(40, 0, 60, 20)],
        crs=crs,
    )


def test_empty_file(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_bytes(b"")
    with pytest.raises(EmptySource, match="empty"):
        build_scene_graph(path)


def test_layer_without_features(tmp_path):
    path = tmp_path / "none.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(EmptySource, match="no features"):
        build_scene_graph(path)


def test_missing_crs(tmp_path):
    path = tmp_path / "houses.shp"
    _houses(None).to_file(path)
    assert not path.with_suffix(".prj").exists()
    with pytest.raises(MissingCRS, match="coordinate reference system"):
        build_scene_graph(
            path, mapping=_mapping(tmp_path, column="kind", values={"house": "building"})
        )


def test_unknown_class_in_mapping(tmp_path):
    path = tmp_path / "houses.geojson"
    _houses("EPSG:32632").to_file(path)
    mapping = _mapping(tmp_path, column="kind", values={"house": "castle"})
    with pytest.raises(InvalidMapping, match="'castle'"):
        build_scene_graph(path, mapping=mapping)


def test_mapping_column_not_in_layer(tmp_path):
    mapping = _mapping(tmp_path, column="Niveau_9", values={"Building": "building"})
    with pytest.raises(InvalidMapping, match="Niveau_9.*Niveau_3"):
        build_scene_graph(sample(BAKER_LAKE), mapping=mapping)


def test_mapping_that_matches_nothing(tmp_path):
    path = tmp_path / "houses.geojson"
    _houses("EPSG:32632").to_file(path)
    mapping = _mapping(tmp_path, column="kind", values={"barn": "building"})
    with pytest.raises(EmptySource, match="kind=house"):
        build_scene_graph(path, mapping=mapping)


def test_mapping_on_osm_data(liechtenstein, tmp_path):
    mapping = _mapping(tmp_path, column="building", values={"yes": "building"})
    with pytest.raises(InvalidMapping, match="OpenStreetMap"):
        build_scene_graph(liechtenstein, mapping=mapping)


def test_unknown_layer():
    path = sample(BAKER_LAKE)
    with pytest.raises(UnknownLayer, match="BakerLake_2017"):
        build_scene_graph(path, layer="roads")


def test_several_layers_need_a_choice(tmp_path):
    path = tmp_path / "two.gpkg"
    _houses("EPSG:32632").to_file(path, layer="a")
    _houses("EPSG:32632").to_file(path, layer="b", mode="a")
    mapping = _mapping(tmp_path, column="kind", values={"house": "building"})
    with pytest.raises(UnknownLayer, match="a, b"):
        build_scene_graph(path, mapping=mapping)
    chosen = build_scene_graph(path, mapping=mapping, layer="b")
    assert {o.key for o in chosen.graph.objects if o.scale == 2000} == {"b/1", "b/2"}


def test_unsupported_and_missing_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a map")
    with pytest.raises(UnsupportedFormat, match="unknown vector format"):
        build_scene_graph(text)
    with pytest.raises(MissingSource, match="no such file"):
        build_scene_graph(tmp_path / "gone.gpkg")


def test_self_intersecting_polygon_is_repaired_and_counted(tmp_path):
    bow_tie = Polygon([(0, 0), (20, 20), (20, 0), (0, 20)])  # two triangles of 100 m2
    frame = gpd.GeoDataFrame(
        {"kind": ["house", "house"]}, geometry=[bow_tie, box(40, 0, 60, 20)], crs="EPSG:32632"
    )
    assert not frame.is_valid.iloc[0]
    path = tmp_path / "bowtie.geojson"
    frame.to_file(path)
    result = build_scene_graph(
        path, mapping=_mapping(tmp_path, column="kind", values={"house": "building"})
    )
    assert result.summary.repaired == 1
    fixed = next(o for o in result.graph.objects if o.scale == 2000 and o.key.endswith("/0"))
    assert fixed.geometry.is_valid
    area = gpd.GeoSeries([fixed.geometry], crs=4326).to_crs(32632).area.iloc[0]
    assert area == pytest.approx(200.0, rel=1e-3)
