"""Hostile GraphQL documents are refused with bounded work, and the server keeps answering.

Each document of ``tests/api/hostile.py`` goes to the served API and must come back refused
with one of its expected codes. The work the guard did on it is counted (``DocumentMeter
.visited``: syntax nodes visited) and must stay within twice the document's tokens, however much
the document would expand to. How fast refusals are is ``bench/api_hostile.py``'s business.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest
from graphql import GraphQLSyntaxError, parse
from graphql.language import Lexer, Source, TokenKind

from api.guard import DocumentMeter, Refused
from api.schema import build_schema, limits_of
from stack.settings import StackSettings
from tests.api.hostile import HOSTILE, fragment_bomb, query, relation_lists
from tests.api.support import Api, api_settings, error_codes, serve_api


def tokens(document: str) -> int:
    lexer = Lexer(Source(document))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_document_is_refused_with_its_code(api: Api, name: str) -> None:
    body, codes = HOSTILE[name]
    response = api.http.post("/graphql", json=body)
    assert 400 <= response.status_code < 500 or "errors" in response.json(), response.text[:300]
    found = set(error_codes(response.json()))
    assert found and found <= codes, (name, response.json()["errors"][:2])
    assert response.json().get("data") is None, "refused before anything ran"


@pytest.mark.parametrize(
    "name", sorted(n for n, (body, _) in HOSTILE.items() if len(body["query"]) < 100_000)
)
def test_the_guard_s_work_on_a_hostile_document_is_bounded_by_its_size(api: Api, name: str) -> None:
    body, _ = HOSTILE[name]
    try:
        document = parse(body["query"], max_tokens=api.settings.max_tokens)
    except GraphQLSyntaxError:
        return  # refused while parsing, by the token limit: no guard work at all
    meter = DocumentMeter(
        build_schema(api.settings)._schema, document, body["variables"], limits_of(api.settings)
    )
    with suppress(Refused):
        meter.check()
    assert 0 < meter.visited <= 2 * tokens(body["query"])


def test_the_fragment_bomb_is_measured_without_expanding_it(api: Api) -> None:
    limits = limits_of(api.settings)
    schema = build_schema(api.settings)._schema
    small = DocumentMeter(schema, parse(fragment_bomb(10)), None, limits)
    (shape,) = small.check()
    assert shape.selections == 2**10, "every spread expanded: 2^10 __typename fields"
    assert small.visited <= 2 * tokens(fragment_bomb(10)), "yet each fragment visited once"
    with pytest.raises(Refused, match="fragments are expanded"):
        DocumentMeter(schema, parse(fragment_bomb(15)), None, limits).check()


def test_the_standard_introspection_query_and_a_big_page_pass(api: Api) -> None:
    from graphql import get_introspection_query

    introspection = api.gql(get_introspection_query(descriptions=True))
    assert "errors" not in introspection and introspection["data"]["__schema"]["types"]
    page = api.gql(relation_lists(str(api.settings.max_page_size), 1).replace('"s"', '"none"'))
    assert set(error_codes(page)) <= {"NOT_FOUND"}, page.get("errors")


def test_healthz_answers_while_hostile_documents_are_being_refused(api: Api) -> None:
    bombs = [HOSTILE[n][0] for n in sorted(HOSTILE) if len(HOSTILE[n][0]["query"]) < 100_000]
    bombs = bombs * 4 + [query(fragment_bomb(15))] * 20

    def attack(body: dict[str, object]) -> set[str]:
        return set(error_codes(api.http.post("/graphql", json=body).json()))

    with ThreadPoolExecutor(max_workers=8) as pool:
        attacks = [pool.submit(attack, body) for body in bombs]
        health = [api.http.get("/healthz") for _ in range(20)]
        refused = [future.result() for future in attacks]
    assert all(r.status_code == 200 for r in health)
    assert all(codes for codes in refused), "every hostile document was refused"


def test_an_operation_past_the_request_timeout_is_stopped_with_a_503(
    local_stack: object, stack_settings: StackSettings, data_root: Path
) -> None:
    settings = api_settings(stack_settings, data_root, request_timeout_s=1e-6)
    with serve_api(settings) as hurried:
        response = hurried.http.post(
            "/graphql", json={"query": '{ mapStates(area: "a") { name } }'}
        )
        alive = hurried.http.get("/healthz")
    assert response.status_code == 503 and error_codes(response.json()) == ["SERVICE_UNAVAILABLE"]
    assert "ran longer than" in response.json()["errors"][0]["message"]
    assert alive.status_code == 200
