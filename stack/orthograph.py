"""The project's own programs in the local stack: one Celery worker and the API.

Both run the ``orthograph`` console script installed next to the running Python
(``orthograph worker`` / ``orthograph serve``) with the stack's connections in their
environment, so they reach the stack's Neo4j and Redis whatever the calling shell exports.

Neither command takes a ``--home``, so the marker that makes a process ours is an option of the
interpreter itself: ``python -X orthograph-worker=<home> .../orthograph worker ...``. Python keeps
unknown ``-X`` options in ``sys._xoptions`` and otherwise ignores them, and they stay readable in
``/proc/<pid>/cmdline`` (nothing here rewrites its process title).

- The worker consumes every queue (``cpu``, ``gpu``, ``io``) with one pool process, under the
  node name :attr:`WorkerService.node` so that a Celery ping reaches it and no other worker; it
  is ready, and running, when it answers that ping. It has no port.
- The API listens on ``127.0.0.1:ORTHOGRAPH_API_PORT`` and is ready when ``/healthz`` answers
  200.
"""

from __future__ import annotations

import http.client
import os
import socket
import sys
from abc import abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import redis

from stack.errors import ToolMissing
from stack.process import port_answers
from stack.service import Service
from stack.settings import Endpoint

WORKER_QUEUES = ("cpu", "gpu", "io")
WORKER_CONCURRENCY = 1
PING_TIMEOUT_S = 1.0
HEALTH_TIMEOUT_S = 1.0


def console_script() -> Path:
    """The ``orthograph`` script of the running environment."""
    return Path(sys.executable).with_name("orthograph")


class OrthographService(Service):
    """An ``orthograph`` sub-command run in the background on the stack's connections."""

    @property
    def marker(self) -> tuple[str, ...]:
        return ("-X", f"orthograph-{self.name}={self.layout.home}")

    @abstractmethod
    def arguments(self) -> list[str]:
        """The sub-command and its options."""

    def command(self) -> list[str]:
        script = console_script()
        if not script.is_file():
            raise ToolMissing(
                f"The orthograph command is not installed next to {sys.executable} ({script} "
                f"is missing): install the project into that environment with "
                f"`pip install -e .` (see scripts/setup.sh)."
            )
        return [sys.executable, *self.marker, str(script), *self.arguments()]

    def environment(self) -> Mapping[str, str]:
        settings = self.settings
        return {
            **os.environ,
            "ORTHOGRAPH_HOME": str(settings.stack_home),
            "ORTHOGRAPH_NEO4J_URI": settings.neo4j_uri,
            "ORTHOGRAPH_NEO4J_USER": settings.neo4j_user,
            "ORTHOGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
            "ORTHOGRAPH_NEO4J_DATABASE": settings.neo4j_database,
            "ORTHOGRAPH_REDIS_URL": settings.redis_url,
            "PYTHONUNBUFFERED": "1",
        }


class WorkerService(OrthographService):
    """One Celery worker on all queues, found by the node name it answers pings under."""

    name: ClassVar[str] = "worker"
    stop_group_first: ClassVar[bool] = False
    """SIGTERM to the worker alone is Celery's warm shutdown: running tasks finish first (its
    pool children would die at once on a SIGTERM of their own; acks-late requeues them)."""

    @property
    def endpoint(self) -> Endpoint | None:
        return None

    @property
    def node(self) -> str:
        """The Celery node name; one per host is enough, as each stack has its own Redis."""
        return f"orthograph-stack@{socket.gethostname()}"

    @property
    def address(self) -> str:
        return self.node

    @property
    def listen_args(self) -> tuple[str, ...]:
        return ()

    def arguments(self) -> list[str]:
        return [
            "worker",
            "--queues",
            ",".join(WORKER_QUEUES),
            "--concurrency",
            str(WORKER_CONCURRENCY),
            "--hostname",
            self.node,
        ]

    def answers(self) -> bool:
        """Whether our worker (a process of ours that answers a Celery ping) runs."""
        return self.running_pid() is not None and self.pings()

    def is_ready(self, log_offset: int) -> bool:
        return self.pings()

    def pings(self) -> bool:
        """Whether a worker named :attr:`node` answers a Celery ping through the stack's Redis."""
        broker = self.settings.redis_endpoint
        if not port_answers(broker.host, broker.port):
            return False
        from celery import Celery
        from kombu.exceptions import OperationalError

        app = Celery("orthograph-stack", broker=self.settings.redis_url, set_as_current=False)
        try:
            replies = app.control.ping(destination=[self.node], timeout=PING_TIMEOUT_S)
        except (OSError, OperationalError, redis.RedisError):
            return False
        finally:
            app.close()
        return any(self.node in reply for reply in replies)


class ApiService(OrthographService):
    """The GraphQL API (``orthograph serve``) on ``127.0.0.1:ORTHOGRAPH_API_PORT``."""

    name: ClassVar[str] = "api"
    stop_grace_s: ClassVar[float] = 30.0

    @property
    def endpoint(self) -> Endpoint:
        return self.settings.api_endpoint

    @property
    def address(self) -> str:
        return f"http://{self.endpoint.host}:{self.endpoint.port}"

    @property
    def listen_args(self) -> tuple[str, ...]:
        return ("--host", self.endpoint.host, "--port", str(self.endpoint.port))

    def arguments(self) -> list[str]:
        return ["serve", *self.listen_args]

    def is_ready(self, log_offset: int) -> bool:
        endpoint = self.endpoint
        connection = http.client.HTTPConnection(
            endpoint.host, endpoint.port, timeout=HEALTH_TIMEOUT_S
        )
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            connection.close()
