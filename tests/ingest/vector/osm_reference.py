"""An independent reading of an OSM extract with GDAL's OSM driver (not the product's readers):
the reference the vector-ingest tests compare the product against."""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ingest.ontology import get_scale

WATERWAYS = ["river", "stream", "canal", "ditch", "drain"]
"""OSM waterway values the ontology draws as river or stream."""


@functools.cache
def bridges_and_waterways(extract: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Bridge ways and waterway ways read by GDAL (not pyrosm), in a metric CRS, keyed as OSM
    ``way/<id>``, each at least as large as 1:2,000 draws (so tiny pieces drop as they should)."""
    # a ring of two points (Helsinki has one) is unreadable: drop it rather than fail the read
    lines = pyogrio.read_dataframe(extract, layer="lines", on_invalid="ignore")
    areas = pyogrio.read_dataframe(extract, layer="multipolygons", on_invalid="ignore")
    lines, areas = lines[lines.geometry.notna()], areas[areas.geometry.notna()]
    for frame in (lines, areas):
        for key in ("bridge", "tunnel"):
            frame[key] = frame["other_tags"].str.extract(rf'"{key}"=>"([^"]*)"')[0]
    lines["key"] = "way/" + lines["osm_id"].astype(str)
    areas["key"] = "way/" + areas["osm_way_id"].astype(str)
    crs = lines.estimate_utm_crs()
    lines, areas = lines.to_crs(crs), areas.to_crs(crs)
    scale = get_scale(2000)

    def is_bridge(frame: gpd.GeoDataFrame) -> pd.Series:
        return frame["bridge"].notna() & (frame["bridge"] != "no") & frame["tunnel"].isna()

    bridges = pd.concat(
        [
            lines[is_bridge(lines) & (lines.length >= scale.min_length_m)],
            areas[
                is_bridge(areas) & areas["osm_way_id"].notna() & (areas.area >= scale.min_area_m2)
            ],
        ]
    )
    water = lines[lines["waterway"].isin(WATERWAYS) & (lines.length >= scale.min_length_m)]
    return bridges, water
