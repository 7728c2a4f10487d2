"""Abuse through HTTP: query bombs, injection strings in every string argument, keys, CORS,
oversize bodies. Every refusal carries a clear code, and nothing is written."""

from __future__ import annotations

import pytest
from neo4j import Driver

from tests.api.support import HEADERS, Api, Town, error_codes

INJECTIONS = [
    "' OR 1=1 //",
    '"}) MATCH (n) DETACH DELETE n //',
    "x` RETURN 1 UNION MATCH (n) DETACH DELETE n //",
    "*:*",
    ".*",
    "%",
    "\\",
    "$state",
    "\x00",
    "town-2024\nMATCH (n) DETACH DELETE n",
]

STRING_ARGUMENTS = [
    ("query($s: String!) { objects(filter: {state: $s}) { edges { cursor } } }", False),
    (
        'query($s: String!) { objects(filter: {state: "town-2024", nameContains: $s}) '
        "{ edges { node { key } } } }",
        False,
    ),
    ("query($s: String!) { triplets(state: $s, predicate: PART_OF) { edges { cursor } } }", False),
    ("query($s: String!) { mapStates(area: $s) { name } }", False),
    ("query($s: String!) { mapState(name: $s) { name } }", False),
    ('query($s: String!) { diff(from: $s, to: "town-2025", scale: 2000) { scale } }', False),
    ('query($s: String!) { diff(from: "town-2024", to: $s, scale: 2000) { scale } }', False),
    ("query($s: String) { alerts(area: $s) { edges { cursor } } }", False),
    ("query($s: ID!) { object(id: $s) { key } }", False),
    ("query($s: ID!) { alert(id: $s) { id } }", False),
    ("query($s: ID!) { job(id: $s) { id } }", False),
    ('query($s: String) { objects(filter: {state: "town-2024"}, after: $s) { edges { cursor } } }',
     False),
    ("mutation($s: String!) { retireState(name: $s) { name } }", True),
    ("query($s: String!) { stateVersions(name: $s) { id } }", False),
    ("mutation($s: String) { purgeReplacedVersions(name: $s, keep: 0, olderThanDays: 0) { id } }",
     True),
    ("mutation($s: ID!) { acknowledgeAlert(id: $s) { id } }", True),
]  # fmt: skip
"""Every string argument of the schema, in a document that passes it as ``$s`` (a decision's
comment is stored verbatim: ``test_api_changes.py`` checks it with an injection string)."""


def census(driver: Driver) -> tuple[int, int]:
    """Nodes and relationships in the database."""
    with driver.session() as session:
        nodes = session.run("MATCH (n) RETURN count(n) AS n").single(strict=True)["n"]
        rels = session.run("MATCH ()-[r]->() RETURN count(r) AS n").single(strict=True)["n"]
    return nodes, rels


@pytest.mark.parametrize(("document", "mutation"), STRING_ARGUMENTS)
def test_injection_strings_are_plain_values(
    api: Api, town: Town, graph: Driver, document: str, mutation: bool
) -> None:
    before = census(graph)
    for value in INJECTIONS:
        body = api.gql(document, HEADERS if mutation else None, s=value)
        codes = error_codes(body)
        assert set(codes) <= {"NOT_FOUND", "BAD_USER_INPUT"}, (value, body)
        if not codes:
            assert all(v in (None, [], {"edges": []}) for v in body["data"].values()), (value, body)
        assert "Traceback" not in str(body)
    assert census(graph) == before


def test_depth_bomb(api: Api, town: Town) -> None:
    nested = "partOf { object { " * 8 + "key" + " } }" * 8
    body = api.gql(f'{{ object(id: "{town.ids["b1"]}") {{ {nested} }} }}')
    assert error_codes(body) == ["QUERY_TOO_DEEP"]
    assert body["data"] is None


def test_alias_bomb(api: Api, town: Town) -> None:
    aliases = " ".join(f'a{i}: mapStates(area: "vaduz") {{ name }}' for i in range(50))
    body = api.gql(f"{{ {aliases} }}")
    assert error_codes(body) == ["TOO_MANY_ALIASES"]


def test_token_bomb(api: Api) -> None:
    fields = " ".join("__typename" for _ in range(3000))
    body = api.gql(f"{{ {fields} }}")
    assert error_codes(body) == ["QUERY_TOO_LARGE"]


def test_batches_cannot_multiply_a_request(api: Api) -> None:
    batch = [{"query": "{ areas { name } }"}] * 20
    response = api.http.post("/graphql", json=batch)
    assert response.status_code == 400


def test_oversize_json_body(api: Api) -> None:
    padding = "x" * (api.settings.request_max_bytes + 1)
    response = api.http.post("/graphql", json={"query": "{ areas { name } }", "pad": padding})
    assert response.status_code == 413
    assert error_codes(response.json()) == ["PAYLOAD_TOO_LARGE"]


def test_mutations_over_get_are_refused(api: Api, town: Town) -> None:
    response = api.http.get(
        "/graphql", params={"query": 'mutation { retireState(name: "town-2024") { name } }'},
        headers=HEADERS,
    )  # fmt: skip
    assert response.status_code == 400
    assert api.data('{ mapState(name: "town-2024") { status } }')["mapState"]["status"] == (
        "COMMITTED"
    )


def test_strict_server_needs_a_key_for_reads(strict_api: Api, town: Town) -> None:
    anonymous = strict_api.http.post("/graphql", json={"query": "{ areas { name } }"})
    assert anonymous.status_code == 401
    assert error_codes(anonymous.json()) == ["UNAUTHENTICATED"]
    ok = strict_api.data("{ areas { name } }", HEADERS)
    assert ok == {"areas": [{"name": "vaduz"}]}
    assert strict_api.http.get("/ogc/collections").status_code == 401
    assert strict_api.http.get("/ogc/collections", headers=HEADERS).status_code == 200
    assert strict_api.http.get("/healthz").status_code == 200


def test_cors_allows_only_the_configured_origin(strict_api: Api, api: Api) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key",
    }
    allowed = strict_api.http.options(
        "/graphql", headers={"Origin": "https://maps.example", **preflight}
    )
    assert allowed.headers["access-control-allow-origin"] == "https://maps.example"
    assert "x-api-key" in allowed.headers["access-control-allow-headers"].lower()
    other = strict_api.http.options(
        "/graphql", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in other.headers
    no_cors = api.http.post(
        "/graphql", json={"query": "{ areas { name } }"}, headers={"Origin": "https://maps.example"}
    )
    assert "access-control-allow-origin" not in no_cors.headers


def test_graphiql_only_in_development(api: Api) -> None:
    page = api.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 404
