"""The heartbeat of a running job, and how a running task notices that its job was cancelled.

Each pool child keeps one :class:`JobWatch`. While a job's task runs in the child (inside
:meth:`JobWatch.running`), a daemon thread of the child records the job's heartbeat every
``heartbeat_interval_s``: the worker's node name and the child's pid, with the database's time
(``JobStore.heartbeat``). The reconciler (``workers.reconcile``) takes a RUNNING job whose
heartbeat stopped, and that has no message waiting, for one whose worker died.

Why a thread in the pool child rather than in the worker's parent or a periodic task: the child
is the process that does the work, so its heartbeat stops exactly when the work stops (the
child or the whole worker killed), while a parent survives a lost child and a periodic task
runs wherever the broker sends it. A task stuck in native code that holds the GIL stops the
heartbeat too; that costs at most a duplicate execution, which idempotent tasks absorb.

The same beat reads the job's status back. When a job the task saw QUEUED or RUNNING is
FAILED at a later beat (cancelled, or failed by a sibling task), the thread interrupts the task
with ``SIGUSR2`` to the child's main thread; the handler, installed when a task starts, raises
:class:`~workers.errors.JobCancelled` there if that job's task is still the one running, and the
task's error handling cleans up as for any failure (``workers.app.JobTask``). A task that
starts on a job that has already ended is not interrupted: every task checks its job's status
first and returns at once. Like Celery's soft time limit, the exception can surface inside a
library call (a Neo4j read), so the task drops its process's connections before cleaning up.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from types import FrameType

from graphdb.jobs import LIVE, JobStatus
from workers.context import context
from workers.errors import TRANSIENT, JobCancelled
from workers.settings import get_settings

log = logging.getLogger(__name__)

INTERRUPT = signal.SIGUSR2
"""The signal that interrupts a cancelled job's task (billiard uses SIGUSR1 for soft limits)."""

Beat = Callable[[str, str, int], JobStatus | None]
"""``beat(job_id, worker, pid)``: record a heartbeat, answer the job's status
(``JobStore.heartbeat``)."""


@dataclass
class _Running:
    job_id: str
    worker: str
    seen_live: bool = False
    interrupted: bool = False


class JobWatch:
    """Heartbeats and cancel notices for the job task running in this process."""

    def __init__(self, beat: Beat, interval_s: float) -> None:
        self._beat = beat
        self._interval_s = interval_s
        self._lock = threading.RLock()
        """Reentrant: the signal handler runs in the main thread, maybe inside its own lock."""
        self._running: _Running | None = None
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._main = 0

    @contextmanager
    def running(self, job_id: str, worker: str) -> Iterator[None]:
        """Watch ``job_id`` while the block runs (call from the main thread, as a task does)."""
        signal.signal(INTERRUPT, self._interrupted)
        self._main = threading.get_ident()
        with self._lock:
            self._running = _Running(job_id, worker)
        self._ensure_thread()
        self._wake.set()
        try:
            yield
        finally:
            with self._lock:
                self._running = None

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="job-heartbeat", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            self._wake.wait(self._interval_s)
            self._wake.clear()
            with self._lock:
                current = self._running
            if current is None:
                continue
            try:
                self._check(current)
            except Exception:
                # The heartbeat must outlive one bad beat (a connection closed under it while
                # the process drops its context); the next interval tries again.
                log.exception("job %s: heartbeat failed", current.job_id)

    def _check(self, current: _Running) -> None:
        try:
            status = self._beat(current.job_id, current.worker, os.getpid())
        except TRANSIENT as exc:
            log.warning("job %s: heartbeat not recorded: %s", current.job_id, exc)
            return
        with self._lock:
            if status in LIVE:
                current.seen_live = True
            if status is not JobStatus.FAILED or not current.seen_live:
                return
            if self._running is not current or current.interrupted:
                return
            current.interrupted = True
        log.info("job %s was cancelled or failed elsewhere; stopping its task", current.job_id)
        signal.pthread_kill(self._main, INTERRUPT)

    def _interrupted(self, signum: int, frame: FrameType | None) -> None:
        """The signal handler (main thread): stop the task if its job is the cancelled one."""
        with self._lock:
            current = self._running
            if current is None or not current.interrupted:
                return
            self._running = None
        raise JobCancelled(f"job {current.job_id} was cancelled or failed while this task ran")


@cache
def job_watch() -> JobWatch:
    """This process's watch, beating through its context (``workers.context``)."""

    def beat(job_id: str, worker: str, pid: int) -> JobStatus | None:
        return context().jobs.heartbeat(job_id, worker, pid)

    return JobWatch(beat, get_settings().heartbeat_interval_s)
