"""Background processes: start one in its own session, tell whether it lives, stop it.

A service runs in its own session (and so its own process group) so that a Ctrl-C in the
terminal that ran ``orthograph stack up`` or pytest does not reach it, and so that stopping it
signals everything it forked. Liveness reads ``/proc`` (Linux): a pid alone can be reused, so a
process counts as ours only if its command line still carries the marker arguments we gave it.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from stack.errors import StartupFailed, StopFailed

_POLL_S = 0.2
_KILL_WAIT_S = 10.0
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}
"""Services this process started, kept so that they are reaped (poll) and never warned about."""


def read_pid(pid_file: Path) -> int | None:
    """The pid in ``pid_file``, or None when there is none or it is not a number."""
    try:
        text = pid_file.read_text().strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else None


def write_pid(pid_file: Path, pid: int) -> None:
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{pid}\n")


def is_alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (an exited child of ours is reaped here)."""
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _CHILDREN[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _state(pid) not in {"Z", "X"}


def _state(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[0]


def command_line(pid: int) -> list[str]:
    """The arguments ``pid`` was started with; empty if it is gone or not readable."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def runs_with(pid: int, marker: Sequence[str]) -> bool:
    """Whether ``pid`` is alive and ``marker`` occurs, in order and adjacent, in its arguments."""
    if not is_alive(pid):
        return False
    args = command_line(pid)
    width = len(marker)
    return any(args[i : i + width] == list(marker) for i in range(len(args) - width + 1))


def port_answers(host: str, port: int) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def port_bindable(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now (as servers do, with SO_REUSEADDR).

    Binding, not connecting, is the test: a socket that is bound but not listening takes the
    port as surely as a server does, and does not answer connections.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in {errno.EADDRINUSE, errno.EACCES}:
                return False
            raise
    return True


def spawn(argv: Sequence[str], log: Path, env: Mapping[str, str]) -> int:
    """Start ``argv`` in a new session, output appended to ``log``; returns its pid."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(env),
            start_new_session=True,
        )
    _CHILDREN[process.pid] = process
    return process.pid


def last_line(log: Path, offset: int) -> str:
    """The last non-empty line written to ``log`` after ``offset``: usually the reason."""
    try:
        with log.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode(errors="replace")
    except FileNotFoundError:
        return "(no output)"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:400] if lines else "(no output)"


def wait_until_ready(
    service: str,
    pid: int,
    ready: Callable[[], bool],
    *,
    log: Path,
    offset: int,
    timeout_s: float,
) -> None:
    """Block until ``ready()``; raise StartupFailed if ``pid`` exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        if not is_alive(pid):
            raise StartupFailed(
                f"{service} exited while starting: {last_line(log, offset)} (full output in {log})"
            )
        if time.monotonic() > deadline:
            raise StartupFailed(
                f"{service} did not become ready within {timeout_s:.0f} s; see {log}. "
                f"On a slow machine raise ORTHOGRAPH_START_TIMEOUT_S."
            )
        time.sleep(_POLL_S)


def terminate(service: str, pid: int, grace_s: float, *, group_first: bool = True) -> None:
    """SIGTERM the process group of ``pid``, SIGKILL it after ``grace_s``; return once gone.

    With ``group_first=False`` the first SIGTERM goes to ``pid`` alone (a parent that stops its
    own children, like a Celery worker), and whatever is left of its group once it has exited
    is killed.
    """
    if group_first:
        _signal_group(pid, signal.SIGTERM)
    else:
        _signal(pid, signal.SIGTERM)
    if _wait_gone(pid, grace_s):
        if not group_first:
            _signal_group(pid, signal.SIGKILL)
        return
    _signal_group(pid, signal.SIGKILL)
    if not _wait_gone(pid, _KILL_WAIT_S):
        raise StopFailed(
            f"{service} (pid {pid}) survived SIGTERM and SIGKILL; check it with "
            f"`ps -o pid,stat,cmd -p {pid}` and stop it by hand."
        )


def _signal_group(pid: int, signum: signal.Signals) -> None:
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        return


def _signal(pid: int, signum: signal.Signals) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        return


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while is_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(_POLL_S)
    return True
