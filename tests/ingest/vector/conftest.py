"""Real sample data for the vector ingest tests: ``<repo>/../shared/data`` (skipped if absent)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from tests.ingest.vector.osm_reference import bridges_and_waterways

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
    """:func:`bridges_and_waterways` of the Liechtenstein extract."""
    return bridges_and_waterways(liechtenstein)
