"""The worker and the API as stack services: how they are run, marked and configured.

Their real start and stop is part of the one lifecycle cycle (``test_stack_lifecycle.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from stack.errors import ToolMissing
from stack.orthograph import ApiService, WorkerService
from stack.settings import StackSettings


@pytest.fixture
def settings(tmp_path: Path) -> StackSettings:
    return StackSettings(
        home=tmp_path,
        neo4j_uri="bolt://127.0.0.1:7801",
        neo4j_password=SecretStr("s3cret"),
        redis_url="redis://127.0.0.1:6401/3",
        api_port=8123,
    )


def test_api_port_setting(settings: StackSettings) -> None:
    endpoint = settings.api_endpoint
    assert (endpoint.host, endpoint.port, endpoint.setting) == (
        "127.0.0.1",
        8123,
        "ORTHOGRAPH_API_PORT",
    )
    assert StackSettings().api_port == 8000
    with pytest.raises(ValidationError, match="api_port"):
        StackSettings(api_port=0)


def test_api_runs_serve_on_the_loopback_port(settings: StackSettings) -> None:
    api = ApiService(settings)
    command = api.command()
    assert command[:2] == [sys.executable, "-X"]
    assert command[2] == f"orthograph-api={settings.stack_home}"
    assert Path(command[3]).name == "orthograph"
    assert command[4:] == ["serve", "--host", "127.0.0.1", "--port", "8123"]
    assert api.address == "http://127.0.0.1:8123"
    assert api.log_file == settings.stack_home / "logs" / "api.log"


def test_worker_runs_all_queues_under_its_node_name(settings: StackSettings) -> None:
    worker = WorkerService(settings)
    command = worker.command()
    assert command[1:3] == ["-X", f"orthograph-worker={settings.stack_home}"]
    assert command[4:] == [
        "worker",
        "--queues",
        "cpu,gpu,io",
        "--concurrency",
        "1",
        "--hostname",
        worker.node,
    ]
    assert worker.endpoint is None
    assert worker.log_file == settings.stack_home / "logs" / "worker.log"


def test_markers_differ_per_service_and_home(settings: StackSettings, tmp_path: Path) -> None:
    other = StackSettings(home=tmp_path / "other")
    markers = {
        WorkerService(settings).marker,
        ApiService(settings).marker,
        WorkerService(other).marker,
        ApiService(other).marker,
    }
    assert len(markers) == 4


def test_both_get_the_stack_connections(
    settings: StackSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORTHOGRAPH_NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("ORTHOGRAPH_DEV_MODE", "true")
    for service in (WorkerService(settings), ApiService(settings)):
        env = service.environment()
        assert env["ORTHOGRAPH_HOME"] == str(settings.stack_home)
        assert env["ORTHOGRAPH_NEO4J_URI"] == "bolt://127.0.0.1:7801"
        assert env["ORTHOGRAPH_NEO4J_PASSWORD"] == "s3cret"
        assert env["ORTHOGRAPH_REDIS_URL"] == "redis://127.0.0.1:6401/3"
        assert env["ORTHOGRAPH_DEV_MODE"] == "true", "other settings pass through"


def test_worker_without_redis_is_not_running(settings: StackSettings) -> None:
    worker = WorkerService(settings)
    assert not worker.pings()
    assert not worker.answers()


def test_missing_console_script_names_the_install(
    settings: StackSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    with pytest.raises(ToolMissing, match="pip install -e ."):
        WorkerService(settings).command()
