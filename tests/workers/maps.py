"""Small vector maps with OSM tags near Vaduz, written in code for the vector job tests."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, box

ORIGIN = (9.5200, 47.1300)
STEP = 0.0002
"""About 15 m east-west and 22 m north-south at this latitude."""


def write_map(path: Path, buildings: int = 4) -> Path:
    """A GeoJSON (WGS84) with ``buildings`` houses in a row, a road below them and a river
    crossing the row; columns are OSM tags, as in an OSM export."""
    x0, y0 = ORIGIN
    rows: list[dict[str, object]] = [
        {
            "building": "yes",
            "geometry": box(x0 + 3 * i * STEP, y0, x0 + (3 * i + 2) * STEP, y0 + 2 * STEP),
        }
        for i in range(buildings)
    ]
    rows.append(
        {
            "highway": "residential",
            "name": "Landstrasse",
            "geometry": LineString(
                [(x0 - 5 * STEP, y0 - 2 * STEP), (x0 + 20 * STEP, y0 - 2 * STEP)]
            ),
        }
    )
    rows.append(
        {
            "waterway": "river",
            "name": "Esche",
            "geometry": LineString(
                [(x0 + 5 * STEP, y0 - 10 * STEP), (x0 + 5 * STEP, y0 + 10 * STEP)]
            ),
        }
    )
    gpd.GeoDataFrame(rows, crs=4326).to_file(path, driver="GeoJSON")
    return path
