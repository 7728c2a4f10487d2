"""Liveness and readiness endpoints."""

from __future__ import annotations

from pathlib import Path

from stack.settings import StackSettings
from tests.api.proxy import CutProxy
from tests.api.support import Api, api_settings, error_codes, free_port, serve_api


def test_healthz_and_readyz(api: Api) -> None:
    assert api.http.get("/healthz").json() == {"status": "ok"}
    ready = api.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"neo4j": "ok", "redis": "ok"}}


def test_readyz_reports_what_is_down(
    local_stack: object, stack_settings: StackSettings, data_root: Path
) -> None:
    settings = api_settings(stack_settings, data_root)
    settings = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    with serve_api(settings) as api:
        assert api.http.get("/healthz").status_code == 200
        ready = api.http.get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["neo4j"] == "ok"
    assert body["checks"]["redis"].startswith("unavailable")


def test_with_neo4j_gone_readiness_queries_and_ogc_answer_unavailable(
    local_stack: object, stack_settings: StackSettings, data_root: Path
) -> None:
    settings = api_settings(stack_settings, data_root)
    neo4j_port = int(settings.neo4j_uri.rsplit(":", 1)[1])
    with CutProxy(neo4j_port) as proxy:
        through = f"bolt://127.0.0.1:{proxy.port}"
        with serve_api(settings.model_copy(update={"neo4j_uri": through})) as api:
            assert api.http.get("/readyz").status_code == 200
            proxy.cut()
            ready = api.http.get("/readyz")
            answer = api.gql('{ mapStates(area: "vaduz") { name } }')
            features = api.http.get("/ogc/collections")
            alive = api.http.get("/healthz")
    assert ready.status_code == 503 and ready.json()["checks"]["neo4j"].startswith("unavailable")
    assert error_codes(answer) == ["SERVICE_UNAVAILABLE"], answer
    assert "Neo4j" in answer["errors"][0]["message"]
    assert features.status_code == 503 and features.json()["code"] == "SERVICE_UNAVAILABLE"
    assert alive.status_code == 200, "liveness does not depend on the graph"
