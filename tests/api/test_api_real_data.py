"""Real OpenStreetMap data end to end: a corner of Vaduz (the Rhine, its canals and streams and
the bridges over them) from the vendored Liechtenstein extract, through the vector pipeline and
``graphdb``, read back through HTTP exactly as the relation engine found it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from ingest.records import SceneGraph
from ingest.vector.pipeline import build_scene_graph
from tests.api.support import Api
from tests.support.sample_data import sample

EXTRACT = "osm/liechtenstein.osm.pbf"
"""The sample path of the extract (vendored under ``data/``)."""
VADUZ_RHINE = (9.49, 47.125, 9.53, 47.15)
"""WGS84 bbox: the Rhine between Vaduz and Sevelen, the Binnenkanal and streams of Vaduz."""

COLUMNS = ("highway", "waterway", "bridge", "layer", "name")
"""The OSM tags kept as columns (the pipeline reads a layer's columns as tags)."""
_TAG = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
TRIPLETS = """
query($scale: Int!, $object: ObjectClass!, $after: String) {
  triplets(state: "vaduz-osm", predicate: PASSING_OVER, subject: BRIDGE, object: $object,
           scale: $scale, first: 100, after: $after) {
    edges { node { subject { key } object { key } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def waterways_and_bridges(extract: Path, path: Path) -> Path:
    """The extract's waterways and bridges in the bbox, as GeoJSON with OSM tag columns."""
    lines = pyogrio.read_dataframe(extract, layer="lines", bbox=VADUZ_RHINE)
    rows = []
    for _, line in lines.iterrows():
        other = line["other_tags"] if isinstance(line["other_tags"], str) else ""
        tags = dict(_TAG.findall(other))
        tags.update(
            {k: line[k] for k in ("name", "highway", "waterway") if isinstance(line[k], str)}
        )
        if tags.get("bridge", "no") != "no" or "waterway" in tags:
            columns = ("highway", "waterway", "bridge", "layer", "name")
            rows.append({**{k: tags.get(k) for k in columns}, "geometry": line.geometry})
    gpd.GeoDataFrame(rows, crs=4326).to_file(path, driver="GeoJSON")
    return path


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> SceneGraph:
    source = waterways_and_bridges(
        sample(EXTRACT), tmp_path_factory.mktemp("osm") / "vaduz.geojson"
    )
    return build_scene_graph(source).graph


def expected(scene: SceneGraph, scale: int, object_class: str) -> set[tuple[str, str]]:
    cls = {o.key: (o.cls, o.scale) for o in scene.objects}
    return {
        (r.subject_key, r.object_key)
        for r in scene.relations
        if r.predicate == "passing_over"
        and cls[r.subject_key] == ("bridge", scale)
        and cls[r.object_key][0] == object_class
    }


def test_bridges_over_real_waterways(
    api: Api, scene: SceneGraph, publish: Callable[..., dict[str, str]]
) -> None:
    ids = publish("vaduz-osm", scene.objects, scene.relations, area="vaduz-real")
    assert len(ids) == len(scene.objects)
    total = 0
    for scale in (2000, 10000):
        for water in ("RIVER", "STREAM"):
            found, after = set(), None
            while True:
                page = api.data(TRIPLETS, scale=scale, object=water, after=after)["triplets"]
                found |= {(e["node"]["subject"]["key"], e["node"]["object"]["key"])
                          for e in page["edges"]}  # fmt: skip
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            assert found == expected(scene, scale, water.lower())
            total += len(found)
    assert total >= 20


def test_cross_scale_links_of_real_data(
    api: Api, scene: SceneGraph, publish: Callable[..., dict[str, str]]
) -> None:
    ids = publish("vaduz-osm", scene.objects, scene.relations, area="vaduz-real")
    links = [r for r in scene.relations if r.predicate == "part_of" and r.cross_scale]
    assert links, "the pipeline linked no object across scales"
    child = links[0].subject_key
    body = api.data(
        "query($id: ID!) { object(id: $id) { partOf { object { key scale } } } }", id=ids[child]
    )
    parents = {p["object"]["key"] for p in body["object"]["partOf"]}
    assert parents == {r.object_key for r in links if r.subject_key == child}
