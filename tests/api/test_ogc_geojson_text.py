"""The OGC items page written as GeoJSON text (geometries encoded by GEOS in one call) says
what the dict-by-dict encoding said: same features, coordinates, properties and links."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import mapping

from api.ogc.crs import from_crs84
from api.ogc.features import ItemQuery, ItemsPage, feature, feature_collection
from graphdb.models import GraphObject

OBJECTS = [
    GraphObject(
        id="o" + "1" * 32,
        key="way/1",
        cls="building",
        scale=2000,
        geometry=shapely.Point(9.52, 47.14).buffer(1e-4, 4),
        state_id="s1",
        name="Rathaus \u00e4",
        area_m2=123.4,
    ),
    GraphObject(
        id="o" + "2" * 32,
        key="way/2",
        cls="road",
        scale=2000,
        geometry=shapely.LineString([(9.5, 47.1), (9.51, 47.11)]),
        state_id="s1",
        length_m=1234.5,
    ),
]


def query(crs: int | None) -> ItemQuery:
    return ItemQuery(
        limit=2, bbox=None, classes=(), datetime=None, cursor=None, before=None, crs=crs,
        echoed={"limit": "2"},
    )  # fmt: skip


@pytest.mark.parametrize("crs", [None, 2056])
def test_a_page_reads_back_as_the_objects(crs: int | None) -> None:
    page = ItemsPage(OBJECTS, 7, OBJECTS[-1].id, None)
    body = json.loads(feature_collection(page, query(crs), href="http://x/ogc/items"))
    assert body["type"] == "FeatureCollection"
    assert (body["numberMatched"], body["numberReturned"]) == (7, 2)
    assert [link["rel"] for link in body["links"]] == ["self", "next"]
    for obj, found in zip(OBJECTS, body["features"], strict=True):
        assert found["id"] == obj.id
        assert found["properties"]["class"] == obj.cls
        assert found["properties"]["name"] == obj.name
        expected = shapely.geometry.shape(mapping(from_crs84(obj.geometry, crs)))
        assert shapely.geometry.shape(found["geometry"]).equals_exact(expected, 1e-9)


def test_one_feature_and_an_empty_page() -> None:
    one = json.loads(feature(OBJECTS[1], None))
    assert one["geometry"] == {"type": "LineString", "coordinates": [[9.5, 47.1], [9.51, 47.11]]}
    assert one["properties"]["length_m"] == 1234.5
    empty = json.loads(feature_collection(ItemsPage([], 0, None, None), query(None), href="h"))
    assert empty["features"] == [] and empty["numberReturned"] == 0
