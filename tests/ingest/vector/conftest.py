"""Real sample data for the vector ingest tests, found through ``tests.support.sample_data``."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from tests.ingest.vector.osm_reference import bridges_and_waterways
from tests.support.sample_data import sample


@pytest.fixture(scope="session")
def liechtenstein() -> Path:
    """The Liechtenstein OSM extract (about 9,000 buildings, 200 bridges)."""
    return sample("osm/liechtenstein.osm.pbf")


@pytest.fixture(scope="session")
def gdal_ways(liechtenstein: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """:func:`bridges_and_waterways` of the Liechtenstein extract."""
    return bridges_and_waterways(liechtenstein)
