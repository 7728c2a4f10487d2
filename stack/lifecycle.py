"""``up``, ``down`` and ``status`` of the local stack as a whole.

Neo4j and Redis always start; one Celery worker and the API start on request, after them.
Callers get plain dataclasses back; ``up`` and ``down`` hold the stack lock (``stack/lock.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stack.layout import Layout
from stack.lock import stack_lock
from stack.neo4j import Neo4jService
from stack.orthograph import ApiService, WorkerService
from stack.redis import RedisService
from stack.service import Service
from stack.settings import StackSettings, get_settings


@dataclass(frozen=True)
class ServiceStatus:
    """One service as seen now."""

    name: str
    address: str
    running: bool
    """Something answers on the service's port (ours when ``pid`` is set); for the worker,
    our process answers a Celery ping."""
    pid: int | None
    """Our process of the service, if one runs."""
    log: Path


@dataclass(frozen=True)
class StackStatus:
    """The whole local stack as seen now."""

    home: Path
    neo4j: ServiceStatus
    redis: ServiceStatus
    worker: ServiceStatus
    api: ServiceStatus


@dataclass(frozen=True)
class Stopped:
    """A service process that ``down`` stopped."""

    name: str
    pid: int


@dataclass(frozen=True)
class Services:
    """The stack's services."""

    neo4j: Neo4jService
    redis: RedisService
    worker: WorkerService
    api: ApiService

    def stop_order(self) -> tuple[Service, ...]:
        """Clients first (they would log connection errors), then the servers."""
        return (self.worker, self.api, self.neo4j, self.redis)


def services(settings: StackSettings) -> Services:
    """The stack's services."""
    return Services(
        neo4j=Neo4jService(settings),
        redis=RedisService(settings),
        worker=WorkerService(settings),
        api=ApiService(settings),
    )


def up(
    settings: StackSettings | None = None, *, worker: bool = False, api: bool = False
) -> StackStatus:
    """Start what is not running yet, reuse what is; return once all serve clients.

    Neo4j and Redis always; with ``worker`` one Celery worker on all queues, with ``api`` the
    API on ``127.0.0.1:ORTHOGRAPH_API_PORT``, both started after (and connected to) them.
    Everything asked for is checked before anything starts.
    """
    settings = settings or get_settings()
    stack = services(settings)
    extras: list[Service] = []
    if worker:
        extras.append(stack.worker)
    if api:
        extras.append(stack.api)
    with stack_lock(Layout(settings.stack_home)):
        for service in (stack.neo4j, stack.redis, *extras):
            service.check_startable()
        for service in (stack.redis, stack.neo4j, *extras):
            service.ensure_running()
    return status(settings)


def down(settings: StackSettings | None = None) -> list[Stopped]:
    """Stop the services we started (per pid file) and wait until they have exited.

    The worker and the API go first, then Neo4j and Redis.
    """
    settings = settings or get_settings()
    stopped = []
    with stack_lock(Layout(settings.stack_home)):
        for service in services(settings).stop_order():
            pid = service.stop()
            if pid is not None:
                stopped.append(Stopped(name=service.name, pid=pid))
    return stopped


def status(settings: StackSettings | None = None) -> StackStatus:
    """Which services answer, and which of them are ours."""
    settings = settings or get_settings()
    stack = services(settings)
    return StackStatus(
        home=settings.stack_home,
        neo4j=_service_status(stack.neo4j),
        redis=_service_status(stack.redis),
        worker=_service_status(stack.worker),
        api=_service_status(stack.api),
    )


def _service_status(service: Service) -> ServiceStatus:
    return ServiceStatus(
        name=service.name,
        address=service.address,
        running=service.answers(),
        pid=service.running_pid(),
        log=service.log_file,
    )
