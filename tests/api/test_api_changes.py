"""Map states, diffs, the alert feed and decisions, and retiring a state, through HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from graphdb.repository import Neo4jGraph
from tests.api.support import COVERAGE, HEADERS, Api, Town, error_codes

DIFF = """
query Diff($from: String!, $to: String!, $scale: Int!, $bbox: BBox) {
  diff(from: $from, to: $to, scale: $scale, bbox: $bbox) {
    from { name } to { name } scale
    counts { appeared disappeared reclassified geometryChanged unchanged }
    objectChanges { kind oldClass newClass location oldObject { key } newObject { key } }
  }
}
"""

ALERTS = """
query Alerts(
  $area: String, $since: DateTime, $minSeverity: Severity!, $first: Int, $after: String
) {
  alerts(area: $area, since: $since, minSeverity: $minSeverity, first: $first, after: $after) {
    edges { node { id kind severity area scale message oldClass newClass
                   fromState { name } toState { name } oldObject { key } newObject { key }
                   location createdAt decision { decision comment decidedBy } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

COMMENT = "the bridge is still there'}) MATCH (n) DETACH DELETE n //"
"""A decision comment that would be Cypher if it were ever pasted into a query."""

ACKNOWLEDGE = """
mutation Ack($id: ID!, $decision: AlertDecision!, $comment: String) {
  acknowledgeAlert(id: $id, decision: $decision, comment: $comment) {
    id decision { decision comment decidedBy decidedAt }
  }
}
"""


@pytest.fixture
def alerts_recorded(repo: Neo4jGraph, town: Town) -> list[str]:
    """The alerts of the town's diff at 2000 and 10000, recorded as the workers would."""
    ids = []
    for scale in (2000, 10000):
        ids += [a.id for a in repo.record_alerts(repo.diff(town.old, town.new, scale=scale))]
    return ids


def test_map_states_of_an_area(api: Api, town: Town) -> None:
    found = api.data('{ mapStates(area: "vaduz") { name asOf status objectCount coverage } }')
    states = found["mapStates"]
    assert [(s["name"], s["asOf"], s["status"]) for s in states] == [
        ("town-2024", "2024-06-01", "COMMITTED"),
        ("town-2025", "2025-06-01", "COMMITTED"),
    ]
    assert states[0]["objectCount"] == 12
    assert states[0]["coverage"]["type"] == "Polygon"
    assert api.data("{ areas { name stateCount } }")["areas"] == [
        {"name": "vaduz", "stateCount": 2}
    ]


def test_diff_between_two_states(api: Api, town: Town) -> None:
    fine = api.data(DIFF, **{"from": town.old, "to": town.new, "scale": 2000})["diff"]
    assert (fine["from"]["name"], fine["to"]["name"], fine["scale"]) == (town.old, town.new, 2000)
    changes = {(c["kind"], c["oldClass"], c["newClass"]) for c in fine["objectChanges"]}
    assert changes == {("DISAPPEARED", "BRIDGE", None), ("APPEARED", None, "BUILDING")}
    gone = next(c for c in fine["objectChanges"] if c["kind"] == "DISAPPEARED")
    assert gone["oldObject"] == {"key": "br2"} and gone["newObject"] is None
    assert gone["location"]["type"] == "Point"
    assert fine["counts"]["appeared"] == 1 and fine["counts"]["disappeared"] == 1
    coarse = api.data(DIFF, **{"from": town.old, "to": town.new, "scale": 10000})["diff"]
    assert [(c["kind"], c["oldClass"], c["newClass"]) for c in coarse["objectChanges"]] == [
        ("RECLASSIFIED", "RESIDENTIAL_BLOCK", "INDUSTRIAL_SITE")
    ]
    west = {"west": 9.50, "south": 47.10, "east": 9.535, "north": 47.20}
    boxed = api.data(DIFF, **{"from": town.old, "to": town.new, "scale": 2000, "bbox": west})
    assert [c["kind"] for c in boxed["diff"]["objectChanges"]] == ["APPEARED"]


def test_diff_of_other_areas_is_refused(api: Api, town: Town, publish: object) -> None:
    body = api.gql(DIFF, **{"from": town.old, "to": town.old, "scale": 2000})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = api.gql(DIFF, **{"from": town.old, "to": "nowhere", "scale": 2000})
    assert error_codes(body) == ["NOT_FOUND"]


def test_alert_feed_filters(api: Api, alerts_recorded: list[str]) -> None:
    every = api.data(ALERTS, minSeverity="LOW", first=50)["alerts"]["edges"]
    assert sorted(e["node"]["id"] for e in every) == sorted(alerts_recorded)
    kinds = {(e["node"]["kind"], e["node"]["severity"], e["node"]["scale"]) for e in every}
    assert kinds == {
        ("DISAPPEARED", "HIGH", 2000),
        ("APPEARED", "MEDIUM", 2000),
        ("RECLASSIFIED", "HIGH", 10000),
    }
    node = next(e["node"] for e in every if e["node"]["kind"] == "DISAPPEARED")
    assert node["fromState"] == {"name": "town-2024"} and node["toState"] == {"name": "town-2025"}
    assert node["oldObject"] == {"key": "br2"} and node["decision"] is None
    assert node["area"] == "vaduz" and node["location"]["type"] == "Point"
    high = api.data(ALERTS, minSeverity="HIGH")["alerts"]["edges"]
    assert {e["node"]["kind"] for e in high} == {"DISAPPEARED", "RECLASSIFIED"}
    assert api.data(ALERTS, minSeverity="LOW", area="elsewhere")["alerts"]["edges"] == []
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert api.data(ALERTS, minSeverity="LOW", since=future)["alerts"]["edges"] == []
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert len(api.data(ALERTS, minSeverity="LOW", since=past)["alerts"]["edges"]) == 3


def test_alert_feed_pages(api: Api, alerts_recorded: list[str]) -> None:
    seen, after = [], None
    while True:
        page = api.data(ALERTS, minSeverity="LOW", first=1, after=after)["alerts"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(alerts_recorded)


def test_acknowledge_keeps_the_first_decision(api: Api, alerts_recorded: list[str]) -> None:
    alert = alerts_recorded[0]
    anonymous = api.gql(ACKNOWLEDGE, id=alert, decision="REJECT")
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    done = api.data(ACKNOWLEDGE, HEADERS, id=alert, decision="REJECT", comment=COMMENT)[
        "acknowledgeAlert"
    ]["decision"]
    assert (done["decision"], done["comment"], done["decidedBy"]) == (
        "REJECT",
        COMMENT,
        "editor",
    )
    again = api.gql(ACKNOWLEDGE, HEADERS, id=alert, decision="ACCEPT")
    assert error_codes(again) == ["CONFLICT"]
    kept = api.data("query($id: ID!) { alert(id: $id) { decision { decision } } }", id=alert)
    assert kept["alert"]["decision"] == {"decision": "REJECT"}
    default = api.data(
        "mutation($id: ID!) { acknowledgeAlert(id: $id) { decision { decision } } }",
        HEADERS,
        id=alerts_recorded[1],
    )
    assert default["acknowledgeAlert"]["decision"] == {"decision": "ACCEPT"}
    missing = api.gql(ACKNOWLEDGE, HEADERS, id="a-missing", decision="ACCEPT")
    assert error_codes(missing) == ["NOT_FOUND"]


def test_retire_state(api: Api, town: Town) -> None:
    query = 'mutation { retireState(name: "town-2024") { name status } }'
    assert error_codes(api.gql(query)) == ["UNAUTHENTICATED"]
    assert api.data('{ mapState(name: "town-2024") { status } }')["mapState"]["status"] == (
        "COMMITTED"
    )
    assert api.data(query, HEADERS)["retireState"] == {"name": "town-2024", "status": "RETIRED"}
    assert error_codes(api.gql(query, HEADERS)) == ["CONFLICT"]
    objects = api.data(
        '{ objects(filter: {state: "town-2024"}, first: 1) { edges { node { key } } } }'
    )
    assert len(objects["objects"]["edges"]) == 1


def test_a_replaced_version_reads_by_id_and_purges_by_retention(
    api: Api, town: Town, repo: Neo4jGraph
) -> None:
    first = api.data('{ mapState(name: "town-2025") { id version } }')["mapState"]
    newer = repo.begin_state(
        "town-2025", area="vaduz", as_of=date(2025, 7, 1), coverage=COVERAGE, replace=True
    )
    repo.commit(newer.id)

    versions = api.data('{ stateVersions(name: "town-2025") { id version status replacedBy } }')[
        "stateVersions"
    ]
    assert versions == [
        {"id": newer.id, "version": 2, "status": "COMMITTED", "replacedBy": None},
        {"id": first["id"], "version": 1, "status": "REPLACED", "replacedBy": newer.id},
    ]
    old = api.data("query($s: String!) { mapState(name: $s) { version } }", s=first["id"])
    assert old["mapState"] == {"version": 1}

    purge = (
        "mutation($d: Boolean!) "
        "{ purgeReplacedVersions(keep: 0, olderThanDays: 0, dryRun: $d) { id } }"
    )
    assert error_codes(api.gql(purge, d=True)) == ["UNAUTHENTICATED"]
    assert api.data(purge, HEADERS, d=True)["purgeReplacedVersions"] == [{"id": first["id"]}]
    assert len(api.data('{ stateVersions(name: "town-2025") { id } }')["stateVersions"]) == 2
    assert api.data(purge, HEADERS, d=False)["purgeReplacedVersions"] == [{"id": first["id"]}]
    assert api.data('{ stateVersions(name: "town-2025") { id } }')["stateVersions"] == [
        {"id": newer.id}
    ]
