"""Real data for the viewer tests, built the way an ingest builds it.

- Vaduz: a corner of the Liechtenstein OSM extract (the town centre between the Rhine canal and
  the castle hill: buildings, roads, bridges over streams), read with GDAL's OSM driver, clipped
  to :data:`VADUZ` and run through the vector pipeline; a year later two buildings are gone, one
  is a farm, one grew and one is new.
- Atlanta: the SpaceNet sample image (16-bit panchromatic, 0.5 m) in the raster store with its
  43 labelled buildings, so the state has imagery.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely import affinity
from shapely.geometry import box

from ingest.ontology import OSM_KEYS
from ingest.records import MapObject, SceneGraph
from ingest.vector.pipeline import build_scene_graph
from tests.support.sample_data import sample

EXTRACT = "osm/liechtenstein.osm.pbf"
ATLANTA_IMAGE = "imagery/atlanta-solaris/sample_geotiff.tif"
ATLANTA_LABELS = "imagery/atlanta-solaris/geotiff_labels.geojson"
"""Sample paths (``tests.support.sample_data.sample`` finds them; all are vendored)."""

VADUZ = (9.510, 47.133, 9.522, 47.142)
"""WGS84 bbox of the Vaduz corner: about 900 m by 1 km."""

OSM_LAYERS = ("points", "lines", "multipolygons")
_TAG = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
_TAGS = [k for k in OSM_KEYS if k not in ("name", "layer")]


def clip_osm(extract: Path, bbox: tuple[float, float, float, float], out: Path) -> Path:
    """The extract's features with an ontology tag in ``bbox``, clipped, as GeoJSON with one
    column per OSM key the ontology reads (the vector pipeline reads columns as tags)."""
    frames = []
    for layer in OSM_LAYERS:
        frame = pyogrio.read_dataframe(extract, layer=layer, bbox=bbox)
        rows = []
        for record in frame.to_dict("records"):
            other = record.get("other_tags")
            tags = dict(_TAG.findall(other)) if isinstance(other, str) else {}
            tags.update({k: v for k, v in record.items() if k in OSM_KEYS and isinstance(v, str)})
            if any(k in tags for k in _TAGS):
                rows.append({**{k: tags.get(k) for k in OSM_KEYS}, "geometry": record["geometry"]})
        frames.append(gpd.GeoDataFrame(rows, columns=[*OSM_KEYS, "geometry"], crs=4326))
    clipped = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326).clip(box(*bbox))
    clipped.to_file(out, driver="GeoJSON")
    return out


def vaduz(folder: Path) -> SceneGraph:
    """The Vaduz corner at every scale of the ladder."""
    return build_scene_graph(clip_osm(sample(EXTRACT), VADUZ, folder / "vaduz.geojson")).graph


@dataclass(frozen=True)
class Edits:
    """Keys of the 1:2,000 objects changed in the later state."""

    removed: tuple[str, ...]
    reclassified: str
    grown: str
    added: str


def a_year_later(scene: SceneGraph) -> tuple[SceneGraph, Edits]:
    """The scene a year later: buildings removed, reclassified (farm), grown 1.8x, added."""
    buildings = sorted(
        (o for o in scene.objects if o.cls == "building" and o.scale == 2000),
        key=lambda o: o.geometry.area,
        reverse=True,
    )
    edits = Edits(
        removed=(buildings[3].key, buildings[4].key),
        reclassified=buildings[0].key,
        grown=buildings[5].key,
        added="way/new-building",
    )
    touched = {*edits.removed, edits.reclassified, edits.grown}
    objects: list[MapObject] = []
    for obj in scene.objects:
        if obj.key in edits.removed:
            continue
        if obj.key == edits.reclassified:
            obj = replace(obj, cls="farm")
        elif obj.key == edits.grown:
            obj = replace(obj, geometry=affinity.scale(obj.geometry, 1.8, 1.8))
        objects.append(obj)
    west, south, _east, _north = VADUZ
    objects.append(
        MapObject(edits.added, "building", 2000, box(west + 0.0004, south + 0.0004,
                                                     west + 0.0006, south + 0.00055))
    )  # fmt: skip
    relations = [
        r for r in scene.relations if r.subject_key not in touched and r.object_key not in touched
    ]
    return SceneGraph(objects, relations, scene.coverage, scene.source_crs), edits


def atlanta() -> SceneGraph:
    """The 43 labelled buildings of the Atlanta sample (and their blocks)."""
    return build_scene_graph(sample(ATLANTA_LABELS)).graph
