"""A port held by something that is not ours is refused before anything starts."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from stack import status, up
from stack.errors import PortInUse
from stack.settings import StackSettings

Settings = Callable[..., StackSettings]

pytestmark = pytest.mark.integration


@pytest.fixture
def blocker() -> Iterator[socket.socket]:
    """A socket bound (not even listening) to a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock


def _port(sock: socket.socket) -> int:
    port: int = sock.getsockname()[1]
    return port


def test_taken_redis_port_is_refused(
    tmp_path: Path,
    blocker: socket.socket,
    private_settings: Settings,
    free_port: Callable[[], int],
) -> None:
    settings = private_settings(tmp_path, free_port(), _port(blocker))

    with pytest.raises(PortInUse) as refused:
        up(settings)

    message = str(refused.value)
    assert "redis" in message
    assert f":{_port(blocker)}" in message
    assert "ORTHOGRAPH_REDIS_URL" in message
    assert _nothing_of_ours(settings)


def test_taken_neo4j_port_is_refused(
    tmp_path: Path,
    blocker: socket.socket,
    private_settings: Settings,
    free_port: Callable[[], int],
) -> None:
    settings = private_settings(tmp_path, _port(blocker), free_port())

    with pytest.raises(PortInUse) as refused:
        up(settings)

    message = str(refused.value)
    assert "neo4j" in message
    assert f":{_port(blocker)}" in message
    assert "ORTHOGRAPH_NEO4J_URI" in message
    assert isinstance(refused.value, OSError)
    assert _nothing_of_ours(settings)


def test_taken_api_port_is_refused_before_anything_starts(
    tmp_path: Path,
    blocker: socket.socket,
    private_settings: Settings,
    free_port: Callable[[], int],
) -> None:
    settings = private_settings(tmp_path, free_port(), free_port(), _port(blocker))

    with pytest.raises(PortInUse) as refused:
        up(settings, worker=True, api=True)

    message = str(refused.value)
    assert message.startswith(f"api cannot listen on 127.0.0.1:{_port(blocker)}")
    assert "ORTHOGRAPH_API_PORT" in message
    assert _nothing_of_ours(settings)


def test_cli_up_reports_a_taken_port_in_one_line(
    tmp_path: Path,
    blocker: socket.socket,
    private_settings: Settings,
    free_port: Callable[[], int],
    run_cli: Callable[[list[str], StackSettings], Result],
) -> None:
    settings = private_settings(tmp_path, free_port(), _port(blocker))

    result = run_cli(["stack", "up"], settings)

    assert result.exit_code != 0
    assert result.stderr.startswith("orthograph stack: redis cannot listen on 127.0.0.1:")
    assert "ORTHOGRAPH_REDIS_URL" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert _nothing_of_ours(settings)


def _nothing_of_ours(settings: StackSettings) -> bool:
    current = status(settings)
    services = (current.neo4j, current.redis, current.worker, current.api)
    return all(service.pid is None for service in services)
