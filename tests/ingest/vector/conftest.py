"""Real sample data for the vector ingest tests: ``<repo>/../shared/data`` (skipped if absent)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from ingest.ontology import get_scale

WATERWAYS = ["river", "stream", "canal", "ditch", "drain"]
"""OSM waterway values the ontology draws as river or stream."""

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared sample data folder; tests that need it are skipped where it is missing."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared sample data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def liechtenstein(shared_data: Path) -> Path:
    """The Liechtenstein OSM extract (about 9,000 buildings, 200 bridges)."""
    path = shared_data / "osm" / "liechtenstein.osm.pbf"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path


@pytest.fixture(scope="session")
def gdal_ways(liechtenstein: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Bridge ways and waterway ways read by GDAL (not pyrosm), in a metric CRS, keyed as OSM
    ``way/<id>``, each at least as large as 1:2,000 draws (so tiny pieces drop as they should)."""
    lines = pyogrio.read_dataframe(liechtenstein, layer="lines")
    areas = pyogrio.read_dataframe(liechtenstein, layer="multipolygons")
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
