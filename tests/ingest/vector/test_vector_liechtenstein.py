"""The whole vector ingest on the real Liechtenstein extract, checked against independent
readings of the same file with GDAL's OSM driver (pyogrio + geopandas)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from ingest.ontology import classes_at, get_predicate, get_scale
from ingest.vector.pipeline import VectorIngest, build_scene_graph


@pytest.fixture(scope="module")
def ingest(liechtenstein: Path) -> VectorIngest:
    return build_scene_graph(liechtenstein)


def _triplets(ingest: VectorIngest, predicate: str) -> set[tuple[str, str]]:
    return {
        (r.subject_key, r.object_key) for r in ingest.graph.relations if r.predicate == predicate
    }


def test_bridges_pass_over_the_waterways_they_cross(ingest, gdal_ways):
    bridges, water = gdal_ways
    joined = gpd.sjoin(
        bridges[["key", "geometry"]], water[["key", "geometry"]], predicate="intersects"
    )
    expected = set(zip(joined["key_left"], joined["key_right"], strict=True))
    assert len(expected) > 100  # ~160 bridge-over-waterway crossings in the README

    at_2000 = {o.key: o.cls for o in ingest.graph.objects if o.scale == 2000}
    over = {
        (s, o)
        for s, o in _triplets(ingest, "passing_over")
        if at_2000.get(s) == "bridge" and at_2000.get(o) in ("river", "stream")
    }
    water_keys = set(water["key"])
    assert {pair for pair in over if pair[1] in water_keys} == expected
    # the rest are river areas (riverbank polygons), which GDAL's lines layer does not hold
    others = {o for _, o in over if o not in water_keys}
    geoms = {o.key: o.geometry for o in ingest.graph.objects}
    assert others and all(shapely.get_dimensions(geoms[k]) == 2 for k in others)
    assert {at_2000[k] for k in others} == {"river"}


def test_names_are_kept(ingest, gdal_ways):
    bridges, water = gdal_ways
    named = pd.concat([bridges, water]).dropna(subset=["name"]).set_index("key")["name"]
    mine = {o.key: o.name for o in ingest.graph.objects if o.key in named.index}
    assert len(mine) == len(named) > 20
    assert mine == named.to_dict()


def test_bridges_and_rivers_climb_the_hierarchy(ingest, gdal_ways):
    bridges, water = gdal_ways
    objects = {o.key: o for o in ingest.graph.objects}
    parent = {r.subject_key: r.object_key for r in ingest.graph.relations if r.cross_scale}
    assert all(
        r.predicate == "part_of" and objects[r.object_key].scale > objects[r.subject_key].scale
        for r in ingest.graph.relations
        if r.cross_scale
    )

    # a bridge long enough for 1:10,000 (25 m) is a bridge there, part of its 1:2,000 self
    coarse = get_scale(10000)
    lines = bridges.geom_type.str.contains("Line")
    long_enough = set(
        bridges.loc[
            (lines & (bridges.length >= coarse.min_length_m))
            | (~lines & (bridges.area >= coarse.min_area_m2)),
            "key",
        ]
    )
    at_10k = {o.key for o in ingest.graph.objects if o.cls == "bridge" and o.scale == 10000}
    assert at_10k == {f"{k}@10000" for k in long_enough}
    assert all(parent[k] == f"{k}@10000" for k in long_enough)
    # a bridge is never part of the river or stream it crosses (the Holzbruecke over the Rhine
    # once was), whatever it carries: footbridges say nothing, and there are no aqueducts here
    bridge_parents = [objects[parent[k]].cls for k in at_10k if k in parent]
    assert bridge_parents and not {"river", "stream"} & set(bridge_parents)
    # river lines go all the way up, 2,000 -> 10,000 -> 50,000, always into a river, as long
    # as the next scale still draws them (measured here in a metric CRS)
    metric = water.crs
    for fine, coarse in ((2000, 10000), (10000, 50000)):
        lines = [
            o
            for o in objects.values()
            if o.cls == "river" and o.scale == fine and shapely.get_dimensions(o.geometry) == 1
        ]
        lengths = gpd.GeoSeries([o.geometry for o in lines], crs=4326).to_crs(metric).length
        kept = [
            o for o, n in zip(lines, lengths, strict=True) if n >= get_scale(coarse).min_length_m
        ]
        assert kept
        assert all(objects[parent[o.key]].cls == "river" for o in kept)
    rhine = [
        o for o in objects.values() if o.cls == "river" and o.scale == 50000 and o.name == "Rhein"
    ]
    assert len(rhine) >= 1
    # railway bridges are part of the railway at 1:50,000 (bridges are not drawn there)
    railway_bridges = [
        o
        for o in objects.values()
        if o.scale == 10000 and o.cls == "bridge" and o.provenance.get("carries") == "railway"
    ]
    assert railway_bridges
    assert all(objects[parent[o.key]].cls == "railway" for o in railway_bridges)


def test_graph_is_consistent(ingest: VectorIngest, liechtenstein: Path) -> None:
    graph, summary = ingest.graph, ingest.summary
    keys = [o.key for o in graph.objects]
    assert len(keys) == len(set(keys))
    known = set(keys)
    assert all(r.subject_key in known and r.object_key in known for r in graph.relations)
    assert all(get_predicate(r.predicate).stored for r in graph.relations)
    assert all(
        r.subject_key < r.object_key
        for r in graph.relations
        if get_predicate(r.predicate).symmetric
    )
    per_scale: dict[int, int] = defaultdict(int)
    for o in graph.objects:
        per_scale[o.scale] += 1
    assert {d: sum(c.values()) for d, c in summary.objects.items()} == per_scale
    assert graph.source_crs == 4326 and all(o.source_crs == 4326 for o in graph.objects)
    # the coverage is the extract's declared box; every map object reaches into it
    assert all(
        graph.coverage.intersects(o.geometry) for o in graph.objects if o.cls != "tunnel_portal"
    )
    header = pyogrio.read_info(liechtenstein, layer="points")  # GDAL opens the same file
    assert header["crs"] == "EPSG:4326"
    assert summary.as_of.isoformat().startswith("2015-07-27") and summary.as_of_origin == "data"
    assert summary.unmapped > 0 and "natural=tree" in summary.unmapped_values


def test_buildings_match_gdal(ingest, liechtenstein):
    areas = pyogrio.read_dataframe(liechtenstein, layer="multipolygons")
    areas = areas[areas["building"].notna() & (areas["building"] != "no")]
    areas = areas[~areas["other_tags"].fillna("").str.contains('"bridge"=>"yes"')]
    areas = areas.to_crs(areas.estimate_utm_crs())
    areas = areas[areas.area >= get_scale(2000).min_area_m2]
    keys = set(
        ("relation/" + areas["osm_id"]).where(areas["osm_id"].notna(), "way/" + areas["osm_way_id"])
    )
    mine = {o.key for o in ingest.graph.objects if o.cls == "building"}
    assert keys <= mine
    extra = [o for o in ingest.graph.objects if o.key in mine - keys]
    # GDAL leaves unclosed building ways out of its areas (they are lines), and multipolygons
    # the extract cut open (the reader adds those from pyrosm)
    assert extra and all(
        shapely.get_dimensions(o.geometry) == 1 or o.key.startswith("relation/") for o in extra
    )


def test_a_full_extract_observes_every_class(ingest):
    """The extract sets every OSM key the ontology reads: it observes every class at every
    scale, those it holds none of (motorway, airport, port) too."""
    assert ingest.graph.observed == {d: classes_at(d) for d in (2000, 10000, 50000)}
    assert not {"motorway", "airport", "port"} & {o.cls for o in ingest.graph.objects}
