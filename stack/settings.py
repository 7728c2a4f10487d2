"""Settings of the local stack: the shared connections plus JVM sizes, program paths, API port.

The stack runs only on loopback: it is a development and test convenience, and a Neo4j or Redis
listening on a public address with a default password would be a hazard. A remote server is
configured with the same ``ORTHOGRAPH_NEO4J_URI`` / ``ORTHOGRAPH_REDIS_URL`` but managed elsewhere.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field

from config.connections import Connections
from stack.errors import InvalidAddress

_MEMORY_SIZE = r"^[1-9][0-9]*[kKmMgG]$"
_LOOPBACK_NAMES = {"localhost": "127.0.0.1"}


@dataclass(frozen=True)
class Endpoint:
    """A loopback host and TCP port a service of the stack listens on."""

    host: str
    port: int
    setting: str
    """The environment variable that moves it, named in error messages."""


class StackSettings(Connections):
    """The local stack's settings; environment prefix ``ORTHOGRAPH_`` like all others."""

    neo4j_heap: str = Field(
        default="1g", pattern=_MEMORY_SIZE, description="JVM heap of the local Neo4j (-Xms, -Xmx)."
    )
    neo4j_page_cache: str = Field(
        default="512m", pattern=_MEMORY_SIZE, description="Neo4j page cache (store file cache)."
    )
    java: Path | None = Field(
        default=None, description="The java (17+) to run Neo4j with; default: JAVA_HOME, PATH."
    )
    redis_server: str = Field(default="redis-server", description="The redis-server program.")
    start_timeout_s: float = Field(
        default=180.0, gt=0, description="How long a service may take to become ready."
    )
    api_port: int = Field(
        default=8000,
        ge=1,
        le=65_535,
        description="Loopback port of the API that `orthograph stack up --api` starts.",
    )

    @property
    def stack_home(self) -> Path:
        """``home`` made absolute: it is matched against process command lines."""
        return self.home.expanduser().resolve()

    @property
    def neo4j_endpoint(self) -> Endpoint:
        """Where the local Neo4j listens for Bolt, from ``neo4j_uri``."""
        return _endpoint(self.neo4j_uri, ("bolt", "neo4j"), 7687, "ORTHOGRAPH_NEO4J_URI")

    @property
    def redis_endpoint(self) -> Endpoint:
        """Where the local Redis listens, from ``redis_url``."""
        return _endpoint(self.redis_url, ("redis",), 6379, "ORTHOGRAPH_REDIS_URL")

    @property
    def api_endpoint(self) -> Endpoint:
        """Where the local API listens, from ``api_port`` (always on 127.0.0.1)."""
        return Endpoint(host="127.0.0.1", port=self.api_port, setting="ORTHOGRAPH_API_PORT")


def _endpoint(url: str, schemes: tuple[str, ...], default_port: int, setting: str) -> Endpoint:
    parts = urlsplit(url)
    if parts.scheme not in schemes:
        raise InvalidAddress(
            f"{setting}={url!r}: the local stack serves {' or '.join(schemes)}:// addresses "
            f"only (no TLS); set {setting} to e.g. {schemes[0]}://127.0.0.1:{default_port}."
        )
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise InvalidAddress(f"{setting}={url!r} has an invalid port: {error}.") from error
    host = parts.hostname or "127.0.0.1"
    host = _LOOPBACK_NAMES.get(host, host)
    if not _is_loopback(host):
        raise InvalidAddress(
            f"{setting}={url!r} points at {host}, but the local stack only runs on loopback "
            f"(127.0.0.1, ::1, localhost). Use a loopback address, or run that server yourself "
            f"and leave the local stack stopped."
        )
    return Endpoint(host=host, port=port, setting=setting)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=1)
def get_settings() -> StackSettings:
    """The process's stack settings, read from the environment on first use."""
    return StackSettings()
