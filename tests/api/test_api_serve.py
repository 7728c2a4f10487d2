"""``orthograph serve``: the command starts the API, and bad settings stop it with a message."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.settings import get_settings
from cli.main import app
from stack.settings import StackSettings
from tests.api.support import free_port


def test_invalid_settings_exit_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORTHOGRAPH_API_KEYS", '{"editor": "the-key-in-clear"}')
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "ORTHOGRAPH_API_KEYS" in result.output and "SHA-256" in result.output


def test_serve_answers_health_checks(local_stack: object, stack_settings: StackSettings) -> None:
    port = free_port()
    command = [str(Path(sys.executable).with_name("orthograph")), "serve", "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if k != "ORTHOGRAPH_PUBLIC_URL"} | {
        "ORTHOGRAPH_HOME": str(stack_settings.home),
        "ORTHOGRAPH_NEO4J_URI": stack_settings.neo4j_uri,
        "ORTHOGRAPH_REDIS_URL": stack_settings.redis_url,
    }
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=None) as client:
            while True:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                try:
                    ready = client.get("/readyz")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            links = client.get("/ogc/").json()["links"]
        assert ready.json()["status"] == "ready"
        assert links and all(
            link["href"].startswith(f"http://127.0.0.1:{port}/ogc") for link in links
        ), "without ORTHOGRAPH_PUBLIC_URL the links name the address served"
    finally:
        server.terminate()
        server.wait()
