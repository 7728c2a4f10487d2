"""Stack settings: loopback only, addresses parsed from the shared URIs, sizes validated."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import stack.neo4j
from stack.errors import InvalidAddress, ToolMissing
from stack.neo4j import Neo4jService
from stack.settings import StackSettings


def test_endpoints_come_from_the_uris() -> None:
    settings = StackSettings(neo4j_uri="neo4j://localhost:7690", redis_url="redis://[::1]:6400/2")
    assert (settings.neo4j_endpoint.host, settings.neo4j_endpoint.port) == ("127.0.0.1", 7690)
    assert (settings.redis_endpoint.host, settings.redis_endpoint.port) == ("::1", 6400)


def test_ports_default_to_the_standard_ones() -> None:
    settings = StackSettings(neo4j_uri="bolt://127.0.0.1", redis_url="redis://127.0.0.1")
    assert (settings.neo4j_endpoint.port, settings.redis_endpoint.port) == (7687, 6379)


@pytest.mark.parametrize("uri", ["bolt://db.example.com:7687", "neo4j://10.1.2.3:7687"])
def test_non_loopback_neo4j_is_refused(uri: str) -> None:
    with pytest.raises(InvalidAddress, match="only runs on loopback") as refused:
        _ = StackSettings(neo4j_uri=uri).neo4j_endpoint
    assert "ORTHOGRAPH_NEO4J_URI" in str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_non_loopback_redis_is_refused() -> None:
    with pytest.raises(InvalidAddress, match="only runs on loopback") as refused:
        _ = StackSettings(redis_url="redis://0.0.0.0:6379/0").redis_endpoint
    assert "ORTHOGRAPH_REDIS_URL" in str(refused.value)


def test_tls_schemes_are_refused() -> None:
    with pytest.raises(InvalidAddress, match="no TLS"):
        _ = StackSettings(neo4j_uri="bolt+s://127.0.0.1:7687").neo4j_endpoint


def test_memory_sizes_are_validated() -> None:
    with pytest.raises(ValidationError, match="neo4j_heap"):
        StackSettings(neo4j_heap="lots")


def test_unbuilt_launcher_names_the_build_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stack.neo4j, "LAUNCHER_JAR", tmp_path / "missing.jar")
    with pytest.raises(ToolMissing) as missing:
        Neo4jService(StackSettings(home=tmp_path)).command()
    assert stack.neo4j.BUILD_COMMAND in str(missing.value)
