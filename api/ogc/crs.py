"""Coordinate reference systems of OGC API - Features Part 2 (CRS by reference).

Objects are stored in WGS84 longitude/latitude, so the storage CRS is CRS84 and needs no
transformation. A collection also serves EPSG:4326 and the EPSG CRSs its objects were read in
(``source_crs``), both for the ``crs`` of the answer and the ``bbox-crs`` of the query. As Part 2
requires, coordinates in an EPSG CRS follow that CRS's axis order: latitude first for
EPSG:4326, easting first for most projected CRSs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TypeVar

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from api.errors import InvalidInput
from graphdb.models import BBox

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_PREFIX = "http://www.opengis.net/def/crs/EPSG/0/"
WGS84_EPSG = 4326

Shapes = TypeVar("Shapes", BaseGeometry, NDArray[np.object_])
"""One geometry or an array of them (shapely's functions take both)."""


def epsg_uri(code: int) -> str:
    return f"{EPSG_PREFIX}{code}"


def served_crs(source_crs: Sequence[int]) -> list[str]:
    """The CRS URIs a collection serves: CRS84 first (the default), EPSG:4326, the sources."""
    codes = [WGS84_EPSG, *(c for c in source_crs if c != WGS84_EPSG)]
    return [CRS84, *(epsg_uri(c) for c in codes)]


def chosen_crs(params: Mapping[str, str], name: str, served: Sequence[str]) -> int | None:
    """The EPSG code the parameter ``name`` (``crs`` or ``bbox-crs``) asks for; None: CRS84."""
    uri = params.get(name, CRS84)
    if uri not in served:
        raise InvalidInput(f"{name}: {uri!r} is not served by this collection; use one of {served}")
    return None if uri == CRS84 else int(uri.removeprefix(EPSG_PREFIX))


def to_crs84_bbox(numbers: Sequence[float], code: int | None) -> BBox:
    """A bbox (lower corner, upper corner in the axis order of ``code``) as CRS84 degrees."""
    low0, low1, high0, high1 = numbers
    if code is not None:
        if not (low0 <= high0 and low1 <= high1):
            raise InvalidInput("bbox: the lower corner must come first, then the upper corner")
        low0, low1, high0, high1 = _transformer(code, to_crs84=True).transform_bounds(
            low0, low1, high0, high1
        )
    box = (low0, low1, high0, high1)
    west, south, east, north = box
    if not (all(map(math.isfinite, box)) and -180 <= west <= east <= 180):
        raise InvalidInput("bbox: longitudes must lie in -180..180 with west <= east")
    if not -90 <= south <= north <= 90:
        raise InvalidInput("bbox: latitudes must lie in -90..90 with south <= north")
    return box


def from_crs84(geometry: Shapes, code: int | None) -> Shapes:
    """A CRS84 geometry, or an array of them, in the CRS of ``code`` (unchanged for None:
    CRS84)."""
    if code is None:
        return geometry
    transformer = _transformer(code, to_crs84=False)

    def move(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    return shapely.transform(geometry, move)


@cache
def _transformer(code: int, *, to_crs84: bool) -> Transformer:
    """CRS84 <-> EPSG:``code`` in the authority's axis order (cached: creating one is slow)."""
    other = f"EPSG:{code}"
    return (
        Transformer.from_crs(other, "OGC:CRS84")
        if to_crs84
        else Transformer.from_crs("OGC:CRS84", other)
    )
