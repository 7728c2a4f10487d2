"""The local Redis: ``redis-server`` in the foreground of its own session, data in ``<home>/redis``.

It is the Celery broker and result backend and carries alert pub/sub; RDB snapshots (Redis's
default save points, and one on SIGTERM) keep queued jobs across ``down``/``up``.
"""

from __future__ import annotations

import shutil
from typing import ClassVar

import redis

from config.connections import REDIS_PROTOCOL
from stack.errors import ToolMissing
from stack.service import Service
from stack.settings import Endpoint


class RedisService(Service):
    """Redis on the loopback endpoint of ``ORTHOGRAPH_REDIS_URL``."""

    name: ClassVar[str] = "redis"
    stop_grace_s: ClassVar[float] = 30.0

    @property
    def endpoint(self) -> Endpoint:
        return self.settings.redis_endpoint

    @property
    def address(self) -> str:
        return self.settings.redis_url

    @property
    def marker(self) -> tuple[str, ...]:
        return ("--dir", str(self.layout.redis_dir))

    @property
    def listen_args(self) -> tuple[str, ...]:
        return ("--bind", self.endpoint.host, "--port", str(self.endpoint.port))

    def command(self) -> list[str]:
        program = shutil.which(self.settings.redis_server)
        if program is None:
            raise ToolMissing(
                f"{self.settings.redis_server} was not found: install Redis 7 "
                f"(e.g. `apt-get install redis-server`) or set ORTHOGRAPH_REDIS_SERVER to it."
            )
        return [
            program,
            *self.listen_args,
            *self.marker,
            "--daemonize",
            "no",
            # Keeps the command line (and so our marker) readable in /proc.
            "--set-proc-title",
            "no",
        ]

    def prepare(self) -> None:
        self.layout.redis_dir.mkdir(parents=True, exist_ok=True)

    def is_ready(self, log_offset: int) -> bool:
        client = redis.Redis(
            host=self.endpoint.host,
            port=self.endpoint.port,
            socket_timeout=1.0,
            protocol=REDIS_PROTOCOL,
        )
        try:
            return bool(client.ping())
        except (redis.ConnectionError, redis.TimeoutError):
            return False
        finally:
            client.close()
