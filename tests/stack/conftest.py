"""Fixtures for the stack's own tests: private stacks on temporary homes, the CLI in-process.

These tests start and stop stacks of their own, never the session's test stack: each gets a
temporary home and its own ports.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from stack.settings import StackSettings, get_settings


@pytest.fixture(scope="session")
def private_settings() -> Callable[..., StackSettings]:
    """Makes settings of a stack on ``home`` with the given Neo4j, Redis (and API) ports."""

    def make(home: Path, neo4j_port: int, redis_port: int, api_port: int = 8000) -> StackSettings:
        return StackSettings(
            home=home,
            neo4j_uri=f"bolt://127.0.0.1:{neo4j_port}",
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
            api_port=api_port,
        )

    return make


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """Finds a loopback port nothing is bound to right now."""

    def find() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
        return port

    return find


@pytest.fixture(scope="session")
def run_cli() -> Callable[[list[str], StackSettings], Result]:
    """Runs ``orthograph ARGS`` in-process, in the environment that selects ``settings``.

    The settings accessor is cached per process, so it is cleared around the call: the CLI
    must read the private stack's environment, and later tests the session's again.
    """

    def run(args: list[str], settings: StackSettings) -> Result:
        env = {
            "ORTHOGRAPH_HOME": str(settings.home),
            "ORTHOGRAPH_NEO4J_URI": settings.neo4j_uri,
            "ORTHOGRAPH_REDIS_URL": settings.redis_url,
            "ORTHOGRAPH_API_PORT": str(settings.api_port),
        }
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(app, args, env=env)
        finally:
            get_settings.cache_clear()

    return run
