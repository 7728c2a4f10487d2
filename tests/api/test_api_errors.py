"""Every failure is JSON with a code: malformed requests are client errors (400 /
``BAD_USER_INPUT``) that name the problem, troubles of the graph or Redis are
``SERVICE_UNAVAILABLE`` without their internals, and refusals for a missing key say what to do
on this server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLError
from neo4j.exceptions import ServiceUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError

from api.app import GraphQLView
from api.errors import UNAVAILABLE_MESSAGE, ErrorCode, translate
from graphdb.errors import GraphError, GraphUnavailable, InvalidQuery, StateNotFound
from stack.settings import StackSettings
from tests.api.support import HEADERS, Api, Town, api_settings, error_codes, serve_api

LONE_SURROGATE = "\\ud800"
"""A lone UTF-16 surrogate as JSON spells it: valid JSON, not Unicode text."""

STRING_VARIABLES = [
    ("query($s: String!) { mapState(name: $s) { name } }", None),
    ("query($s: String!) { objects(filter: {state: $s}) { edges { cursor } } }", None),
    ('query($s: String!) { objects(filter: {state: "town-2024", nameContains: $s}) '
     "{ edges { cursor } } }", None),
    ("query($s: String) { alerts(area: $s) { edges { cursor } } }", None),
    ("query($s: ID!) { object(id: $s) { key } }", None),
    ("mutation($s: ID!, $c: String) { acknowledgeAlert(id: $s, comment: $c) { id } }", HEADERS),
]  # fmt: skip

SUBMIT_VECTOR = """
mutation Submit($input: VectorJobInput!) { submitVectorJob(input: $input) { job { id } } }
"""


def post_raw(api: Api, body: bytes, headers: dict[str, str] | None = None) -> Any:
    """POST ``body`` as it is, as JSON."""
    return api.http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json", **(headers or {})}
    )


def refusal(response: Any, status: int = 400) -> str:
    """The message of a JSON refusal with ``status`` and ``BAD_USER_INPUT``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    return str(body["errors"][0]["message"])


@pytest.mark.parametrize(("document", "headers"), STRING_VARIABLES)
def test_a_lone_surrogate_in_a_string_variable_is_a_client_error(
    api: Api, town: Town, document: str, headers: dict[str, str] | None
) -> None:
    body = json.dumps({"query": document, "variables": {"s": "x@y", "c": None}})
    message = refusal(post_raw(api, body.replace("@", LONE_SURROGATE).encode("ascii"), headers))
    assert "surrogate" in message and "variables.s" in message


def test_a_lone_surrogate_in_the_document_is_a_client_error(api: Api) -> None:
    body = json.dumps({"query": '{ mapState(name: "@") { name } }'})
    assert "request.query" in refusal(post_raw(api, body.replace("@", LONE_SURROGATE).encode()))


@pytest.mark.parametrize(("body", "shown"), [(b"42", "int"), (b"null", "null"), (b"true", "bool"),
                                             (b'"query"', "str")])  # fmt: skip
def test_a_json_body_that_is_no_object_is_a_client_error(api: Api, body: bytes, shown: str) -> None:
    message = refusal(post_raw(api, body))
    assert "expected a JSON object" in message and shown in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "JSON"),
        (b'{"query": "{ areas { name } }"' + b"\xff}", "JSON"),
        (b'{"variables": {}}', "No GraphQL query"),
        (b'{"query": "{ areas { name } }", "variables": 7}', "variables"),
    ],
)
def test_malformed_requests_are_json_refusals(api: Api, body: bytes, expected: str) -> None:
    assert expected in refusal(post_raw(api, body))


def test_an_unsupported_content_type_is_a_json_refusal(api: Api) -> None:
    response = api.http.post(
        "/graphql", content=b"{ areas { name } }", headers={"Content-Type": "text/plain"}
    )
    assert "content type" in refusal(response).lower()


def test_a_subscription_over_http_post_is_a_client_error(api: Api) -> None:
    response = api.http.post("/graphql", json={"query": "subscription { alerts { id } }"})
    assert "subscription" in refusal(response).lower()


def test_a_mutation_over_get_is_a_json_refusal(api: Api) -> None:
    response = api.http.get(
        "/graphql", params={"query": 'mutation { retireState(name: "x") { name } }'}
    )
    assert "mutation" in refusal(response).lower()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a" * 5_000, "at most 4096 characters"),
        ("n" * 300 + ".geojson", "not a usable path"),
    ],
)
def test_an_impossible_path_is_bad_user_input(api: Api, path: str, expected: str) -> None:
    inputs = {"state": "s", "area": "vaduz", "asOf": "2024-06-01", "path": path}
    body = api.gql(SUBMIT_VECTOR, HEADERS, input=inputs)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert expected in body["errors"][0]["message"]


def _code_and_message(error: Exception) -> tuple[str, str]:
    translated = translate(GraphQLError("wrapped", original_error=error))
    assert translated.extensions is not None
    return translated.extensions["code"], translated.message


@pytest.mark.parametrize(
    "error",
    [
        GraphUnavailable("Neo4j (database 'neo4j') at bolt://10.1.2.3:7687 is unreachable"),
        GraphError("the graph refused at bolt://10.1.2.3:7687"),
        ServiceUnavailable("Couldn't connect to 10.1.2.3:7687"),
        RedisConnectionError("Error 111 connecting to 10.1.2.3:6379"),
        TimeoutError("read timed out after 2.0 s from 10.1.2.3"),
    ],
)
def test_server_side_graph_errors_are_service_unavailable_without_internals(
    error: Exception,
) -> None:
    code, message = _code_and_message(error)
    assert code == ErrorCode.SERVICE_UNAVAILABLE
    assert message == UNAVAILABLE_MESSAGE and "10.1.2.3" not in message


def test_input_errors_of_the_graph_stay_client_errors() -> None:
    assert _code_and_message(InvalidQuery("bbox must be WGS84")) == (
        ErrorCode.BAD_USER_INPUT,
        "bbox must be WGS84",
    )
    assert _code_and_message(StateNotFound("no state 'x'"))[0] == ErrorCode.NOT_FOUND
    assert _code_and_message(KeyError("secret internals")) == (
        ErrorCode.INTERNAL_SERVER_ERROR,
        "internal error; the server log has the details",
    )


def test_without_configured_keys_refusals_say_so(
    local_stack: object, stack_settings: StackSettings, tmp_path: Path
) -> None:
    mutation = 'mutation { retireState(name: "town-2024") { name } }'
    with serve_api(api_settings(stack_settings, tmp_path, api_keys={})) as keyless:
        body = keyless.gql(mutation, HEADERS)
        assert error_codes(body) == ["UNAUTHENTICATED"]
        assert body["errors"][0]["message"].startswith("no API keys are configured on this server")
    strict = api_settings(stack_settings, tmp_path, api_keys={}, require_api_key=True)
    with serve_api(strict) as keyless:
        response = keyless.http.post("/graphql", json={"query": "{ areas { name } }"})
        assert response.status_code == 401
        assert "no API keys are configured" in response.json()["errors"][0]["message"]
        tile = keyless.http.get(f"/tiles/{'0' * 64}/0/0/0.png")
        assert "no API keys are configured" in tile.json()["description"]


def test_with_keys_a_refusal_says_to_send_one(api: Api, town: Town) -> None:
    body = api.gql('mutation { retireState(name: "town-2024") { name } }')
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert "X-API-Key" in body["errors"][0]["message"]


def test_an_unexpected_failure_is_a_generic_json_500(
    local_stack: object,
    stack_settings: StackSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(GraphQLView, "get_context", broken)
    with serve_api(api_settings(stack_settings, tmp_path)) as served:
        response = served.http.post("/graphql", json={"query": "{ areas { name } }"})
    assert response.status_code == 500
    assert error_codes(response.json()) == ["INTERNAL_SERVER_ERROR"]
    assert "secret" not in response.text
