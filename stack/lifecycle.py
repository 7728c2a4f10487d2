"""``up``, ``down`` and ``status`` of the local stack (Neo4j and Redis) as a whole.

Callers get plain dataclasses back; ``up`` and ``down`` hold the stack lock (``stack/lock.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stack.layout import Layout
from stack.lock import stack_lock
from stack.neo4j import Neo4jService
from stack.redis import RedisService
from stack.service import Service
from stack.settings import StackSettings, get_settings


@dataclass(frozen=True)
class ServiceStatus:
    """One service as seen now."""

    name: str
    address: str
    running: bool
    """Something answers on the service's port (ours when ``pid`` is set)."""
    pid: int | None
    """Our process of the service, if one runs."""
    log: Path


@dataclass(frozen=True)
class StackStatus:
    """The whole local stack as seen now."""

    home: Path
    neo4j: ServiceStatus
    redis: ServiceStatus


@dataclass(frozen=True)
class Stopped:
    """A service process that ``down`` stopped."""

    name: str
    pid: int


def services(settings: StackSettings) -> tuple[Neo4jService, RedisService]:
    """The stack's services, Neo4j first."""
    return Neo4jService(settings), RedisService(settings)


def up(settings: StackSettings | None = None) -> StackStatus:
    """Start what is not running yet, reuse what is; return once both serve clients."""
    settings = settings or get_settings()
    neo4j, redis = services(settings)
    with stack_lock(Layout(settings.stack_home)):
        for service in (neo4j, redis):
            service.check_startable()
        for service in (redis, neo4j):
            service.ensure_running()
    return status(settings)


def down(settings: StackSettings | None = None) -> list[Stopped]:
    """Stop the services we started (per pid file) and wait until they have exited."""
    settings = settings or get_settings()
    stopped = []
    with stack_lock(Layout(settings.stack_home)):
        for service in services(settings):
            pid = service.stop()
            if pid is not None:
                stopped.append(Stopped(name=service.name, pid=pid))
    return stopped


def status(settings: StackSettings | None = None) -> StackStatus:
    """Which services answer, and which of them are ours."""
    settings = settings or get_settings()
    neo4j, redis = services(settings)
    return StackStatus(
        home=settings.stack_home, neo4j=_service_status(neo4j), redis=_service_status(redis)
    )


def _service_status(service: Service) -> ServiceStatus:
    return ServiceStatus(
        name=service.name,
        address=service.address,
        running=service.answers(),
        pid=service.running_pid(),
        log=service.log_file,
    )
