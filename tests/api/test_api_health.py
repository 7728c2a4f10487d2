"""Liveness and readiness endpoints."""

from __future__ import annotations

from pathlib import Path

from stack.settings import StackSettings
from tests.api.support import Api, api_settings, free_port, serve_api


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
