"""The alert feed: most severe first, then newest; filters by state, scale and decision beside
area, time and severity; a cursor that keeps paging exact across severities; `totalCount`."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import pytest

from graphdb.repository import Neo4jGraph
from tests.api.support import HEADERS, Api, Town, error_codes

FEED = """
query Feed($state: String, $scale: Int, $decision: AlertDecisionState, $minSeverity: Severity,
           $first: Int, $after: String) {
  alerts(state: $state, scale: $scale, decision: $decision, minSeverity: $minSeverity,
         first: $first, after: $after) {
    totalCount
    edges { node { id kind severity scale createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
DECIDE = "mutation($id: ID!, $d: AlertDecision!) { acknowledgeAlert(id: $id, decision: $d) { id } }"
RANK = {"LOW": 1, "MEDIUM": 2, "HIGH": 3}


@pytest.fixture
def feed(repo: Neo4jGraph, town: Town) -> dict[str, str]:
    """The town's alerts, the 1:10,000 diff recorded before the 1:2,000 one, so the newest
    alerts hold a HIGH and a MEDIUM one and the oldest a HIGH one; their ids by kind."""
    ids = {}
    for scale in (10000, 2000):
        for alert in repo.record_alerts(repo.diff(town.old, town.new, scale=scale)):
            ids[alert.kind.value] = alert.id
    return ids


def nodes(api: Api, **variables: Any) -> list[dict[str, Any]]:
    return [e["node"] for e in api.data(FEED, first=50, **variables)["alerts"]["edges"]]


def test_most_severe_first_then_newest(api: Api, feed: dict[str, str]) -> None:
    listed = nodes(api)
    assert [(n["kind"], n["severity"], n["scale"]) for n in listed] == [
        ("DISAPPEARED", "HIGH", 2000),
        ("RECLASSIFIED", "HIGH", 10000),
        ("APPEARED", "MEDIUM", 2000),
    ]
    assert listed == sorted(
        listed,
        key=lambda n: (-RANK[n["severity"]], -datetime.fromisoformat(n["createdAt"]).timestamp()),
    )
    older_high, newer_medium = (datetime.fromisoformat(n["createdAt"]) for n in listed[1:])
    assert older_high < newer_medium, "a newer MEDIUM comes after an older HIGH"


def test_pages_one_by_one_match_the_whole_list(api: Api, feed: dict[str, str]) -> None:
    whole = [n["id"] for n in nodes(api)]
    seen, after = [], None
    while True:
        page = api.data(FEED, first=1, after=after)["alerts"]
        assert page["totalCount"] == 3
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == whole


def test_a_cursor_holds_severity_and_time(api: Api, feed: dict[str, str]) -> None:
    cursor = api.data(FEED, first=1)["alerts"]["pageInfo"]["endCursor"]
    rank, when, alert_id = base64.urlsafe_b64decode(cursor).decode().split(":", 1)[1].split("|")
    assert rank == "3" and datetime.fromisoformat(when) and alert_id == feed["disappeared"]
    old_style = base64.urlsafe_b64encode(f"alert:{when}|{alert_id}".encode()).decode()
    assert error_codes(api.gql(FEED, after=old_style)) == ["BAD_USER_INPUT"]


def test_filters_by_state_scale_and_severity(api: Api, town: Town, feed: dict[str, str]) -> None:
    assert {n["id"] for n in nodes(api, state=town.new)} == set(feed.values())
    assert nodes(api, state=town.old) == []
    assert nodes(api, state="no-such-state") == []
    assert {n["kind"] for n in nodes(api, scale=2000)} == {"DISAPPEARED", "APPEARED"}
    assert [n["kind"] for n in nodes(api, scale=10000)] == ["RECLASSIFIED"]
    assert [n["kind"] for n in nodes(api, scale=2000, minSeverity="HIGH")] == ["DISAPPEARED"]
    assert error_codes(api.gql(FEED, scale=1234)) == ["BAD_USER_INPUT"]
    counted = api.data(FEED, first=1, state=town.new, scale=2000)["alerts"]
    assert counted["totalCount"] == 2 and len(counted["edges"]) == 1


def test_filters_by_decision(api: Api, feed: dict[str, str]) -> None:
    api.data(DECIDE, HEADERS, id=feed["disappeared"], d="ACCEPT")
    api.data(DECIDE, HEADERS, id=feed["appeared"], d="REJECT")
    assert [n["id"] for n in nodes(api, decision="ACCEPTED")] == [feed["disappeared"]]
    assert [n["id"] for n in nodes(api, decision="REJECTED")] == [feed["appeared"]]
    assert [n["id"] for n in nodes(api, decision="UNDECIDED")] == [feed["reclassified"]]
    assert api.data(FEED, decision="UNDECIDED")["alerts"]["totalCount"] == 1
    assert len(nodes(api)) == 3
