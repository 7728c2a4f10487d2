"""Real worker processes for the job tests, and bounded waits on them.

``Workers.start(...)`` runs ``orthograph worker`` in its own process group on the test stack,
with the colour segmenter of ``tests/workers/scenes.py`` and any setting overridden by keyword
(``visibility_timeout_s=20``), and waits until it answers a Celery ping. Waits are bounded and
fail with the workers' logs. A test on a stack of its own (``tests/workers/private_stack.py``)
gives ``Workers`` that stack's Celery app (for the ping) and connection settings as ``defaults``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psutil
import pytest
from celery import Celery

from config.connections import PROJECT_ROOT
from dispatch.submit import submit_job
from graphdb.jobs import Job, JobKind, JobStatus, JobStore, Submitted
from workers.app import DELIVERY_KEY
from workers.app import app as celery_app
from workers.settings import get_settings

BIN = Path(sys.executable).parent
SEGMENTER = "tests.workers.scenes:colour_segmenter"
READY_WAIT_S = 180.0
JOB_WAIT_S = 300.0
POLL_S = 0.3

TEST_SETTINGS: dict[str, object] = {
    "soft_time_limit_s": 240,
    "hard_time_limit_s": 270,
    "visibility_timeout_s": 300,
    "unacked_restore_interval_s": 1,
    "retry_backoff_s": 1,
    "retry_backoff_max_s": 15,
    "max_retries": 10,
    "segmenter": SEGMENTER,
}
"""Worker settings of the tests: short backoff; visibility and limits above any test job."""


def wait_until(
    condition: Callable[[], Any], timeout_s: float, what: str, log: Callable[[], str] = str
) -> Any:
    """Poll ``condition`` until it returns something truthy; fail saying ``what`` (and the
    worker logs that ``log`` returns) otherwise."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(POLL_S)
    pytest.fail(f"gave up after {timeout_s:.0f} s waiting for {what}\n{log()}")


@dataclass
class Worker:
    """One ``orthograph worker`` process (and its pool children)."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def children(self) -> list[psutil.Process]:
        """The live pool children."""
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def kill_child(self) -> int:
        """SIGKILL one pool child (as the OOM killer would); its pid."""
        (child, *_) = self.children()
        child.send_signal(signal.SIGKILL)
        return child.pid

    def kill(self) -> None:
        """SIGKILL the worker and all its children at once (a lost host)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL whatever is left after a bounded wait."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    def tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} log (last {lines} lines) ---\n" + "\n".join(
            text.splitlines()[-lines:]
        )


@dataclass
class Workers:
    """Starts workers for one test and remembers them for the teardown."""

    folder: Path
    app: Celery = celery_app
    """The app whose broker the workers use: it pings them."""
    defaults: dict[str, object] = field(default_factory=dict)
    """Settings of every worker started here (over ``TEST_SETTINGS``, under ``start``'s)."""
    started: list[Worker] = field(default_factory=list)

    def start(self, **settings: object) -> Worker:
        """A worker of one pool child serving every queue, with ``settings`` overridden."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])
        )
        for key, value in (TEST_SETTINGS | self.defaults | settings).items():
            env[f"ORTHOGRAPH_{key.upper()}"] = str(value)
        name = f"w{len(self.started)}-{uuid.uuid4().hex[:6]}@test"
        log = self.folder / f"{name.split('@')[0]}.log"
        command = [
            str(BIN / "orthograph"),
            "worker",
            "--queues=cpu,gpu,io",
            "--concurrency=1",
            f"--hostname={name}",
            "--loglevel=info",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(name, process, log)
        self.started.append(worker)

        def ready() -> bool:
            if process.poll() is not None:
                pytest.fail(f"worker {name} exited with {process.returncode}\n{worker.tail()}")
            # A connection of its own: a pooled one may date from before a broker restart.
            with self.app.connection_for_write() as connection:
                replies = self.app.control.ping(
                    destination=[name], timeout=1.0, connection=connection
                )
            return bool(replies) and len(worker.children()) >= 1

        wait_until(ready, READY_WAIT_S, f"worker {name} to answer a ping", worker.tail)
        return worker

    def logs(self) -> str:
        return "\n".join(w.tail() for w in self.started)

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


Submit = Callable[..., Submitted]
"""The signature of :func:`submit_now` (the ``submit`` fixture)."""


def submit_now(
    kind: str, path: Path, *, state: str, as_of: date, area: str = "vaduz-south", **options: Any
) -> Submitted:
    """Submit a job as the CLI does (stage, record, enqueue once)."""
    return submit_job(
        get_settings(),
        celery_app,
        kind=JobKind(kind),
        path=path,
        state=state,
        area=area,
        as_of=as_of,
        options=options,
    )


def wait_for_job(
    jobs: JobStore,
    job_id: str,
    workers: Workers,
    statuses: tuple[JobStatus, ...] = (JobStatus.COMMITTED, JobStatus.FAILED),
) -> Job:
    """The job once it reaches one of ``statuses`` (bounded wait, failing with the logs)."""

    def reached() -> Job | None:
        job = jobs.get(job_id)
        return job if job.status in statuses else None

    return wait_until(
        reached,
        JOB_WAIT_S,
        f"job {job_id} to reach {[s.value for s in statuses]}",
        workers.logs,
    )


@dataclass
class Hold:
    """The hold of ``ColourSegmenter`` (``tests/workers/scenes.py``): stops one tile mid-task."""

    folder: Path

    @classmethod
    def armed(cls, folder: Path) -> Hold:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "hold").touch()
        return cls(folder)

    @property
    def settings(self) -> dict[str, object]:
        """The worker setting that points the segmenter at this hold."""
        return {"test_hold": self.folder}

    def held_pid(self, workers: Workers) -> int:
        """The pid of the pool child waiting in the held tile (bounded wait)."""
        held = wait_until(
            lambda: sorted(self.folder.glob("held-*")), JOB_WAIT_S, "a held tile", workers.logs
        )
        return int(held[0].name.removeprefix("held-"))

    def release(self) -> None:
        (self.folder / "hold").unlink()


def deliveries(client: Any) -> list[int]:
    """How often each task message was delivered (the workers' poison-message counters)."""
    keys = client.keys(f"{DELIVERY_KEY}*")
    return sorted(int(v) for v in client.mget(keys)) if keys else []
