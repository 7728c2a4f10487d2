"""Triplets through HTTP: BRIDGE PASSING_OVER RIVER, its inverse, filters and pages."""

from __future__ import annotations

from tests.api.support import Api, Town, error_codes

TRIPLETS = """
query Triplets(
  $state: String!, $predicate: Predicate!, $subject: ObjectClass, $object: ObjectClass,
  $bbox: BBox, $scale: Int, $first: Int, $after: String
) {
  triplets(
    state: $state, predicate: $predicate, subject: $subject, object: $object, bbox: $bbox,
    scale: $scale, first: $first, after: $after
  ) {
    edges { node { subject { key class } predicate object { key class name } confidence } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def pairs(api: Api, **args: object) -> list[tuple[str, str, str]]:
    found = api.data(TRIPLETS, state="town-2024", **args)["triplets"]["edges"]
    return sorted(
        (e["node"]["subject"]["key"], e["node"]["predicate"], e["node"]["object"]["key"])
        for e in found
    )


def test_bridges_passing_over_rivers(api: Api, town: Town) -> None:
    assert pairs(api, predicate="PASSING_OVER", subject="BRIDGE", object="RIVER") == [
        ("br1", "PASSING_OVER", "r1"),
        ("br2", "PASSING_OVER", "r2"),
    ]
    assert pairs(api, predicate="PASSING_OVER", subject="BRIDGE") == [
        ("br1", "PASSING_OVER", "r1"),
        ("br2", "PASSING_OVER", "r2"),
        ("br3", "PASSING_OVER", "rd1"),
    ]


def test_inverse_predicate_reads_edges_backwards(api: Api, town: Town) -> None:
    assert pairs(api, predicate="PASSING_UNDER", subject="RIVER", object="BRIDGE") == [
        ("r1", "PASSING_UNDER", "br1"),
        ("r2", "PASSING_UNDER", "br2"),
    ]
    assert pairs(api, predicate="CONSISTS_OF", subject="SETTLEMENT") == [
        ("S", "CONSISTS_OF", "B1"),
        ("S", "CONSISTS_OF", "B2"),
    ]


def test_bbox_and_scale_filter_the_subject(api: Api, town: Town) -> None:
    west = {"west": 9.50, "south": 47.10, "east": 9.53, "north": 47.20}
    assert pairs(api, predicate="PASSING_OVER", bbox=west) == [("br1", "PASSING_OVER", "r1")]
    assert pairs(api, predicate="PART_OF", scale=10000) == [
        ("B1", "PART_OF", "S"),
        ("B2", "PART_OF", "S"),
    ]
    bad_box = {"west": 10.0, "south": 47.0, "east": 9.0, "north": 48.0}
    body = api.gql(TRIPLETS, state="town-2024", predicate="PASSING_OVER", bbox=bad_box)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = api.gql(TRIPLETS, state="town-2024", predicate="PASSING_OVER", scale=12345)
    assert error_codes(body) == ["BAD_USER_INPUT"]


def test_pages_of_triplets(api: Api, town: Town) -> None:
    seen = []
    after = None
    while True:
        page = api.data(TRIPLETS, state="town-2024", predicate="PART_OF", first=2, after=after)[
            "triplets"
        ]
        seen += [(e["node"]["subject"]["key"], e["node"]["object"]["key"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == [("B1", "S"), ("B2", "S"), ("b1", "B1"), ("b2", "B1"), ("b3", "B2")]


def test_unknown_predicate_is_refused(api: Api, town: Town) -> None:
    body = api.gql(TRIPLETS, state="town-2024", predicate="FLYING_OVER")
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "PASSING_OVER" in body["errors"][0]["message"]
    not_an_int = api.gql(TRIPLETS, state="town-2024", predicate="PART_OF", first="ten")
    assert error_codes(not_an_int) == ["GRAPHQL_VALIDATION_FAILED"]
    inline = api.gql('{ triplets(state: "x", predicate: FLYING_OVER) { edges { cursor } } }')
    assert error_codes(inline) == ["GRAPHQL_VALIDATION_FAILED"]
