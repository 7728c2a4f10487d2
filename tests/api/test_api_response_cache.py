"""Answers to reads of committed data are kept per generation of the graph, and only those."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from graphdb.repository import Neo4jGraph
from tests.api.support import TOWN, Api, Town

STATES = '{ mapStates(area: "vaduz") { name version } }'
PAGE = "query($s: String!) { objects(filter: {state: $s}, first: 3) { edges { node { id } } } }"


def test_a_repeated_read_is_answered_from_the_cache_with_an_etag_and_304(
    api: Api, town: Town
) -> None:
    body = {"query": PAGE, "variables": {"s": town.old}}
    first = api.http.post("/graphql", json=body)
    again = api.http.post("/graphql", json=body)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and len(first.json()["data"]["objects"]["edges"]) == 3
    etag = again.headers["etag"]
    assert etag == first.headers["etag"] and etag.startswith('"')
    unchanged = api.http.post("/graphql", json=body, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.headers["etag"] == etag
    other = api.http.post("/graphql", json={"query": PAGE, "variables": {"s": town.new}})
    assert other.headers["etag"] != etag, "another body, another key"


def test_a_commit_moves_the_generation_so_no_stale_answer_is_served(
    api: Api, town: Town, publish: Callable[..., dict[str, str]]
) -> None:
    before = api.http.post("/graphql", json={"query": STATES})
    assert {s["name"] for s in before.json()["data"]["mapStates"]} == {town.old, town.new}
    publish("town-2026", TOWN, [], as_of=date(2026, 6, 1))
    after = api.http.post("/graphql", json={"query": STATES})
    assert "town-2026" in {s["name"] for s in after.json()["data"]["mapStates"]}
    assert after.headers["etag"] != before.headers["etag"]


def test_alerts_errors_and_mutations_are_never_kept(api: Api, town: Town) -> None:
    alerts = {"query": "{ alerts(first: 5) { edges { node { id } } } }"}
    assert "etag" not in api.http.post("/graphql", json=alerts).headers
    missing = {"query": '{ mapState(name: "nowhere") { name } }'}
    first = api.http.post("/graphql", json=missing)
    assert first.json()["errors"] and "etag" not in first.headers
    assert "etag" not in api.http.post("/graphql", json=missing).headers


def test_renaming_an_area_moves_the_generation(api: Api, town: Town, repo: Neo4jGraph) -> None:
    before = api.http.post("/graphql", json={"query": STATES})
    assert len(before.json()["data"]["mapStates"]) == 2
    repo.rename_area("vaduz", "vaduz-nord")
    after = api.http.post("/graphql", json={"query": STATES}).json()
    assert after.get("errors") or after["data"]["mapStates"] == [], "not the old answer"
