"""One background service of the local stack, and the rules for starting and stopping it.

The rules are the same for every service (Neo4j, Redis, the worker, the API), so they live here
once; ``stack/neo4j.py``, ``stack/redis.py`` and ``stack/orthograph.py`` only say how to run their
program and how to tell it is ready.

- A service is *ours* when the pid in ``<home>/run/<name>.pid`` is alive and its command line
  carries our marker arguments (pids are reused; pid files outlive reboots).
- Starting reuses a service of ours; it never starts a second one on the same home.
- A port held by anything that is not ours is refused with :class:`PortInUse`, naming the
  setting that moves the service. A service without a port (the Celery worker) skips the port
  rules and tells whether it answers its own way (:meth:`Service.answers`).
- Stopping touches only a process of ours, and returns once it has exited.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from stack.errors import PortInUse, StackRunning, StartupFailed
from stack.layout import Layout
from stack.process import (
    port_answers,
    port_bindable,
    read_pid,
    runs_with,
    spawn,
    terminate,
    wait_until_ready,
    write_pid,
)
from stack.settings import Endpoint, StackSettings


class Service(ABC):
    """A program of the local stack, listening on one loopback endpoint or on none."""

    name: ClassVar[str]
    stop_grace_s: ClassVar[float] = 60.0
    """How long a clean shutdown may take before SIGKILL (Neo4j checkpoints on the way out)."""
    stop_group_first: ClassVar[bool] = True
    """Send SIGTERM to the whole process group; False: to the leader only, which then stops its
    children itself (a Celery worker finishes its running tasks), the group being killed only
    when time runs out or leftovers remain."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.layout = Layout(settings.stack_home)

    @property
    @abstractmethod
    def endpoint(self) -> Endpoint | None:
        """Where the service listens; None for one that listens nowhere."""

    @property
    @abstractmethod
    def address(self) -> str:
        """The URI clients use, as configured."""

    @property
    @abstractmethod
    def marker(self) -> tuple[str, ...]:
        """Adjacent arguments that only this service of this home has on its command line."""

    @property
    @abstractmethod
    def listen_args(self) -> tuple[str, ...]:
        """Adjacent arguments that carry the endpoint, to spot a process started with another."""

    @abstractmethod
    def command(self) -> list[str]:
        """The program and its arguments; raises ToolMissing when something is not installed."""

    @abstractmethod
    def is_ready(self, log_offset: int) -> bool:
        """Whether the service started at ``log_offset`` of its log now serves clients."""

    def prepare(self) -> None:
        """Create what the program expects to exist before it starts."""
        self.layout.home.mkdir(parents=True, exist_ok=True)

    def environment(self) -> Mapping[str, str]:
        """The environment the program runs with."""
        return os.environ

    @property
    def pid_file(self) -> Path:
        return self.layout.pid_file(self.name)

    @property
    def log_file(self) -> Path:
        return self.layout.log_file(self.name)

    def running_pid(self) -> int | None:
        """The pid of our running process of this service, or None."""
        pid = read_pid(self.pid_file)
        return pid if pid is not None and runs_with(pid, self.marker) else None

    def answers(self) -> bool:
        """Whether anything accepts connections on the service's port.

        A service without a port overrides this with its own check.
        """
        endpoint = self.endpoint
        return endpoint is not None and port_answers(endpoint.host, endpoint.port)

    def check_startable(self) -> None:
        """Raise now what starting would raise later: taken port, missing program, moved port.

        ``up`` checks every service before it starts any, so a taken Redis port does not cost
        a Neo4j start first.
        """
        pid = self.running_pid()
        if pid is not None:
            self._refuse_other_endpoint(pid)
            return
        endpoint = self.endpoint
        if endpoint is not None and not port_bindable(endpoint.host, endpoint.port):
            raise PortInUse(
                f"{self.name} cannot listen on {endpoint.host}:{endpoint.port}: the port is "
                f"taken by a process this stack (home {self.layout.home}) did not start. Stop "
                f"that process, or move the local {self.name} to a free port with "
                f"{endpoint.setting}."
            )
        self.command()

    def ensure_running(self) -> int:
        """Start the service unless ours already runs; return its pid once it serves."""
        pid = self.running_pid()
        if pid is not None:
            self._refuse_other_endpoint(pid)
            wait_until_ready(
                self.name,
                pid,
                self.answers,
                log=self.log_file,
                offset=0,
                timeout_s=self.settings.start_timeout_s,
            )
            return pid
        self.check_startable()
        self.prepare()
        offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        pid = spawn(self.command(), self.log_file, self.environment())
        write_pid(self.pid_file, pid)
        try:
            wait_until_ready(
                self.name,
                pid,
                lambda: self.is_ready(offset),
                log=self.log_file,
                offset=offset,
                timeout_s=self.settings.start_timeout_s,
            )
        except StartupFailed:
            self._stop(pid)
            raise
        return pid

    def _refuse_other_endpoint(self, pid: int) -> None:
        endpoint = self.endpoint
        if endpoint is not None and not runs_with(pid, self.listen_args):
            raise StackRunning(
                f"{self.name} of this stack already runs (pid {pid}) but not on "
                f"{endpoint.host}:{endpoint.port}, where {endpoint.setting} now points. Run "
                f"`orthograph stack down`, then `up` again to move it."
            )

    def stop(self) -> int | None:
        """Stop our process of this service; returns its pid, or None if none of ours ran."""
        pid = self.running_pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return None
        self._stop(pid)
        return pid

    def _stop(self, pid: int) -> None:
        terminate(self.name, pid, self.stop_grace_s, group_first=self.stop_group_first)
        self.pid_file.unlink(missing_ok=True)
