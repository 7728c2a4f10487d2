"""A Neo4j and Redis of their own for tests that kill them: own home, own free loopback ports.

Killing a service of the shared test stack would break every other test that runs against it,
so the fault tests start this stack (:meth:`PrivateStack.start`) and point their workers,
submissions and reads at it; it is stopped at the end of the module. Nothing here reads the
cached settings of the test process, which keep pointing at the shared test stack.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import redis
from celery import Celery
from neo4j import Driver, GraphDatabase

from config.connections import REDIS_PROTOCOL
from dispatch.submit import submit_job
from graphdb.client import GraphClient
from graphdb.jobs import JobKind, JobStore, Submitted
from graphdb.schema import apply_schema
from stack import down, up
from stack.neo4j import Neo4jService
from stack.process import is_alive
from stack.redis import RedisService
from stack.settings import StackSettings
from workers.app import celery_config
from workers.settings import WorkerSettings

CLEAR = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
KILL_WAIT_S = 30.0


def free_port() -> int:
    """A loopback TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateStack:
    """A running private stack and clients on it (built by :meth:`start`)."""

    settings: StackSettings

    @classmethod
    def start(cls, home: Path) -> PrivateStack:
        """Start Neo4j and Redis under ``home`` on free ports (returns once both serve)."""
        settings = StackSettings(
            home=home,
            neo4j_uri=f"bolt://127.0.0.1:{free_port()}",
            redis_url=f"redis://127.0.0.1:{free_port()}/0",
        )
        up(settings)
        private = cls(settings)
        apply_schema(private.client)
        return private

    @property
    def connections(self) -> dict[str, object]:
        """The worker settings that point a worker process at this stack."""
        return {
            "home": self.settings.stack_home,
            "neo4j_uri": self.settings.neo4j_uri,
            "redis_url": self.settings.redis_url,
        }

    @cached_property
    def worker_settings(self) -> WorkerSettings:
        return WorkerSettings(**self.connections)  # type: ignore[arg-type]

    @cached_property
    def driver(self) -> Driver:
        return GraphDatabase.driver(
            self.settings.neo4j_uri,
            auth=(self.settings.neo4j_user, self.settings.neo4j_password.get_secret_value()),
        )

    @property
    def database(self) -> str:
        return self.settings.neo4j_database

    @cached_property
    def client(self) -> GraphClient:
        return GraphClient(self.driver, self.database)

    @cached_property
    def jobs(self) -> JobStore:
        return JobStore(self.client)

    @cached_property
    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.settings.redis_url, protocol=REDIS_PROTOCOL)

    @cached_property
    def app(self) -> Celery:
        """A Celery app on this stack's broker: it sends jobs and pings workers."""
        app = Celery("orthograph-private")
        app.conf.update(celery_config(self.worker_settings))
        return app

    def clear(self) -> None:
        """Empty the graph (schema kept) and the broker: the next submission runs afresh."""
        with self.driver.session(database=self.database) as session:
            session.run(CLEAR).consume()
        self.redis.flushdb()

    def submit(
        self, kind: str, path: Path, *, state: str, as_of: date, area: str, **options: Any
    ) -> Submitted:
        """Submit a job to this stack as the CLI does (stage, record, enqueue once)."""
        return submit_job(
            self.worker_settings,
            self.app,
            kind=JobKind(kind),
            path=path,
            state=state,
            area=area,
            as_of=as_of,
            options=options,
        )

    def kill_neo4j(self) -> int:
        """SIGKILL Neo4j (no checkpoint, no clean shutdown: a lost host); its pid."""
        return _kill(Neo4jService(self.settings).running_pid(), "neo4j")

    def start_neo4j(self) -> None:
        """Start Neo4j again (it recovers from its transaction log); returns once it serves."""
        Neo4jService(self.settings).ensure_running()

    def restart_redis(self) -> None:
        """Stop Redis (it saves its data on SIGTERM) and start it again; this process's own
        connections to the old server are dropped."""
        service = RedisService(self.settings)
        service.stop()
        service.ensure_running()
        self.redis.connection_pool.disconnect()

    def stop(self) -> None:
        """Close the clients and stop the stack."""
        self.app.close()
        self.redis.close()
        self.driver.close()
        down(self.settings)


def _kill(pid: int | None, name: str) -> int:
    if pid is None:
        raise RuntimeError(f"the private stack's {name} is not running")
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + KILL_WAIT_S
    while is_alive(pid):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} (pid {pid}) survived SIGKILL for {KILL_WAIT_S:.0f} s")
        time.sleep(0.1)
    return pid
