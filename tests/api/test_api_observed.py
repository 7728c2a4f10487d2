"""The classes each map state observes, and the classes a diff compared, through HTTP."""

from __future__ import annotations

from datetime import date

from shapely.geometry import box

from graphdb.repository import Neo4jGraph
from ingest.ontology import classes_at, graphql_enum_name
from ingest.records import MapObject, ObservedClasses
from tests.api.support import COVERAGE, Api

STATES = """
query States($area: String!) {
  mapStates(area: $area) { name observed { scale classes } }
}
"""

DIFF = """
query Diff($from: String!, $to: String!) {
  diff(from: $from, to: $to, scale: 2000) {
    comparedClasses
    objectChanges { kind oldClass newClass }
  }
}
"""

MODEL = {2000: ("building", "road", "water_body", "vegetation", "bare_ground")}


def _commit(
    repo: Neo4jGraph,
    name: str,
    day: date,
    objects: list[MapObject],
    observed: ObservedClasses | None,
) -> None:
    repo.begin_state(name, area="vaduz", as_of=day, coverage=COVERAGE, source="test")
    repo.write(name, objects)
    repo.commit(name, observed=observed)


def test_states_say_what_they_observe_and_a_diff_what_it_compared(
    api: Api, repo: Neo4jGraph
) -> None:
    house = MapObject("house", "building", 2000, box(9.51, 47.11, 9.511, 47.111))
    field = MapObject("field", "vegetation", 2000, box(9.52, 47.12, 9.53, 47.13))
    shed = MapObject("shed", "building", 2000, box(9.54, 47.14, 9.541, 47.141))
    _commit(repo, "old-survey", date(2020, 1, 1), [house], None)
    _commit(repo, "osm", date(2023, 1, 1), [house], {2000: ("building",), 10000: ()})
    _commit(repo, "image", date(2024, 1, 1), [house, field, shed], MODEL)

    states = {s["name"]: s["observed"] for s in api.data(STATES, area="vaduz")["mapStates"]}

    assert states["osm"] == [{"scale": 2000, "classes": ["BUILDING"]}]
    assert states["image"] == [
        {"scale": 2000, "classes": ["BUILDING", "ROAD", "WATER_BODY", "VEGETATION", "BARE_GROUND"]}
    ]
    # committed without saying: every class at every scale
    assert [s["scale"] for s in states["old-survey"]] == [2000, 10000, 50000]
    assert states["old-survey"][0]["classes"] == [graphql_enum_name(c) for c in classes_at(2000)]
    diff = api.data(DIFF, **{"from": "osm", "to": "image"})["diff"]
    assert diff["comparedClasses"] == ["BUILDING"]
    assert diff["objectChanges"] == [{"kind": "APPEARED", "oldClass": None, "newClass": "BUILDING"}]
