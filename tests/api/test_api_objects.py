"""Objects through HTTP: Relay pages and filters, one object's hierarchy across scales and its
relations in either reading."""

from __future__ import annotations

from tests.api.support import Api, Town, error_codes

OBJECTS = """
query Objects($filter: ObjectFilter!, $first: Int, $after: String) {
  objects(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id key class scale name geometry state { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

OBJECT = """
query One($id: ID!, $depth: Int!, $predicate: Predicate, $direction: RelationDirection!) {
  object(id: $id) {
    key class scale
    partOf(depth: $depth) { depth via object { key class scale } }
    consistsOf(depth: $depth) { depth object { key scale } }
    relations(predicate: $predicate, direction: $direction) {
      subject { key } predicate object { key } crossScale origin
    }
  }
}
"""


def keys(api: Api, **filter: object) -> list[str]:
    edges = api.data(OBJECTS, filter={"state": "town-2024", **filter}, first=100)["objects"]
    return sorted(e["node"]["key"] for e in edges["edges"])


def test_pages_walk_every_object_once(api: Api, town: Town) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = api.data(OBJECTS, filter={"state": "town-2024"}, first=5, after=after)["objects"]
        seen += [e["node"]["key"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(town.ids)
    assert len(seen) == len(set(seen)) == 12


def test_filters_by_class_scale_bbox_and_name(api: Api, town: Town) -> None:
    assert keys(api, classes=["BRIDGE", "RIVER"]) == ["br1", "br2", "br3", "r1", "r2"]
    assert keys(api, scale=10000) == ["B1", "B2"]
    west = {"west": 9.50, "south": 47.10, "east": 9.53, "north": 47.20}
    assert keys(api, classes=["BRIDGE"], bbox=west) == ["br1"]
    assert "br1" in keys(api, bbox=west) and "br2" not in keys(api, bbox=west)
    assert keys(api, nameContains="brücke") == ["br1", "br2"]
    assert keys(api, nameContains="RHEIN", classes=["RIVER"]) == ["r1"]


def test_objects_carry_geojson_and_state(api: Api, town: Town) -> None:
    edges = api.data(OBJECTS, filter={"state": "town-2024", "nameContains": "alte"}, first=1)
    node = edges["objects"]["edges"][0]["node"]
    assert node["geometry"]["type"] == "LineString"
    assert node["geometry"]["coordinates"][0] == [9.515, 47.14]
    assert node["state"] == {"name": "town-2024"}


def test_hierarchy_crosses_scales_with_a_depth_cap(api: Api, town: Town) -> None:
    building = api.data(OBJECT, id=town.ids["b1"], depth=2, predicate=None, direction="BOTH")[
        "object"
    ]
    assert [(p["depth"], p["object"]["key"], p["object"]["scale"]) for p in building["partOf"]] == [
        (1, "B1", 10000),
        (2, "S", 50000),
    ]
    assert building["partOf"][1]["via"] == town.ids["B1"]
    one_step = api.data(OBJECT, id=town.ids["b1"], depth=1, predicate=None, direction="BOTH")
    assert [p["object"]["key"] for p in one_step["object"]["partOf"]] == ["B1"]
    settlement = api.data(OBJECT, id=town.ids["S"], depth=2, predicate=None, direction="BOTH")
    assert sorted(c["object"]["key"] for c in settlement["object"]["consistsOf"]) == [
        "B1", "B2", "b1", "b2", "b3",
    ]  # fmt: skip
    too_deep = api.gql(OBJECT, id=town.ids["b1"], depth=99, predicate=None, direction="BOTH")
    assert error_codes(too_deep) == ["BAD_USER_INPUT"]


def test_relations_in_stored_and_inverse_readings(api: Api, town: Town) -> None:
    river = api.data(
        OBJECT, id=town.ids["r1"], depth=1, predicate="PASSING_UNDER", direction="OUTGOING"
    )["object"]
    assert river["relations"] == [
        {
            "subject": {"key": "r1"},
            "predicate": "PASSING_UNDER",
            "object": {"key": "br1"},
            "crossScale": False,
            "origin": "rules",
        }
    ]
    incoming = api.data(
        OBJECT, id=town.ids["r1"], depth=1, predicate="PASSING_OVER", direction="INCOMING"
    )["object"]["relations"]
    assert [(t["subject"]["key"], t["object"]["key"]) for t in incoming] == [("br1", "r1")]
    wrong_way = api.data(
        OBJECT, id=town.ids["r1"], depth=1, predicate="PASSING_OVER", direction="OUTGOING"
    )
    assert wrong_way["object"]["relations"] == []
    everything = api.data(OBJECT, id=town.ids["b1"], depth=1, predicate=None, direction="BOTH")
    found = {(t["subject"]["key"], t["predicate"], t["object"]["key"], t["crossScale"])
             for t in everything["object"]["relations"]}  # fmt: skip
    assert found == {("b1", "PART_OF", "B1", True), ("b1", "NEARBY", "b2", False)}
    symmetric = api.data(OBJECT, id=town.ids["b2"], depth=1, predicate="NEARBY", direction="BOTH")
    assert [
        (t["subject"]["key"], t["object"]["key"]) for t in symmetric["object"]["relations"]
    ] == [("b2", "b1")]


def test_unknown_object_and_state(api: Api, town: Town) -> None:
    missing = api.data(OBJECT, id="o" + "0" * 32, depth=1, predicate=None, direction="BOTH")
    assert missing == {"object": None}
    body = api.gql(OBJECTS, filter={"state": "no-such-state"})
    assert error_codes(body) == ["NOT_FOUND"]
    assert "no-such-state" in body["errors"][0]["message"]


def test_page_size_and_cursor_are_checked(api: Api, town: Town) -> None:
    too_big = api.gql(OBJECTS, filter={"state": "town-2024"}, first=101)
    assert error_codes(too_big) == ["BAD_USER_INPUT"]
    forged = api.gql(OBJECTS, filter={"state": "town-2024"}, after="bm90LWEtY3Vyc29y")
    assert error_codes(forged) == ["BAD_USER_INPUT"]


def test_nested_fields_cost_the_same_for_any_page_size(
    api: Api, town: Town, graph_reads: list[str]
) -> None:
    calls = graph_reads
    nested = """
    query($first: Int!) {
      objects(filter: {state: "town-2024"}, first: $first) {
        edges { node { key state { name } partOf { object { key } } consistsOf { depth }
                       relations { predicate object { key } } } }
      }
    }
    """
    queries_per_page = {}
    for first in (2, 12):
        calls.clear()
        edges = api.data(nested, first=first)["objects"]["edges"]
        assert len(edges) == first
        queries_per_page[first] = len(calls)
    assert queries_per_page[2] == queries_per_page[12] <= 6
