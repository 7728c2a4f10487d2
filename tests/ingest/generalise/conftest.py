"""Hand-built maps for the generaliser: shapes in metres (UTM 32N) around a local origin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from shapely import affinity
from shapely.geometry.base import BaseGeometry

from ingest.geo import WGS84, reproject_one
from ingest.ontology import get_class
from ingest.records import MapObject

EPSG = 32632
ORIGIN = (760_000.0, 5_230_000.0)


@pytest.fixture
def epsg() -> int:
    """The metric CRS the maps are drawn in."""
    return EPSG


@pytest.fixture
def source() -> Callable[..., MapObject]:
    """``source(key, cls, local_geometry, name=None, **tags)``: a source object as the vector
    reader makes it (WGS84, at its class's finest scale)."""

    def build(
        key: str, cls: str, geom: BaseGeometry, name: str | None = None, **tags: str
    ) -> MapObject:
        shifted = affinity.translate(geom, *ORIGIN)
        return MapObject(
            key=key,
            cls=cls,
            scale=min(get_class(cls).scales),
            geometry=reproject_one(shifted, EPSG, WGS84),
            source_crs=EPSG,
            name=name,
            provenance=dict(tags),
        )

    return build


@pytest.fixture
def local() -> Callable[[BaseGeometry], BaseGeometry]:
    """A WGS84 geometry back in the local metric frame of the fixtures."""
    return lambda geom: affinity.translate(reproject_one(geom, WGS84, EPSG), *(-c for c in ORIGIN))
