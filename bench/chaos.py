"""Chaos: a batch of jobs under random faults: nothing lost, nothing duplicated, nothing stuck.

Run: ``python -m bench.chaos [--jobs N] [--faults N] [--seed S] [--quick]`` (outside CI; about
20-30 minutes). Uses its own stack (``.orthograph/chaos``, Bolt 7690, Redis 6490; the usual
``ORTHOGRAPH_*`` variables override), started if needed and left running unless ``--stop``.

The batch: ``--jobs`` submissions to distinct state names, alternately imagery and vector.
Imagery jobs ingest the synthetic scene of ``tests/workers/scenes.py`` with one extra building
per job (so every input differs), cut into 64 px tiles and segmented by that module's colour
segmenter; each lands in an area that already holds a committed state of the scene without the
extra building, so its diff raises alerts. Vector jobs ingest ``bench.jobs.write_town`` maps.

The batch runs twice, each time in an emptied graph and broker, after the same seed states:

- ``baseline``: no faults. Its snapshot of each job's state (ids, properties, relationships;
  ``tests.workers.canonical``) and its alert count are the reference.
- ``chaos``: the same submissions, so the same job ids and object ids, with ``--faults`` faults
  injected at random (seeded) moments while jobs run: SIGKILL of a pool child, SIGKILL of a
  whole worker (started again), SIGKILL of Neo4j (started again after a random pause), a Redis
  restart.

Then, per job of the chaos run: ``lost`` when it is not COMMITTED, its state is missing, or the
state differs from the baseline's; ``duplicated`` when its state has more objects,
relationships, versions or alerts than the baseline's, or a relationship twice; ``stuck`` when
it is not terminal at the deadline. Each lost or duplicated job is listed with the faults that
fell while it ran. Results go to ``bench/results/chaos.json``.

One run per seed (about 9 minutes with its baseline), not the median of
``bench._common.MIN_RUNS``: the verdict is a count that must be 0 in every run, so more evidence
comes from more seeds (``--seed``), each its own result.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psutil
import redis
from neo4j import Driver, GraphDatabase

from bench._common import begin, parser, write_result
from bench.jobs import write_town
from config.connections import PROJECT_ROOT, REDIS_PROTOCOL
from dispatch.submit import submit_job
from graphdb.client import GraphClient
from graphdb.jobs import Job, JobKind, JobStatus, JobStore
from graphdb.schema import apply_schema
from stack import down, up
from stack.neo4j import Neo4jService
from stack.process import is_alive
from stack.redis import RedisService
from stack.settings import StackSettings
from tests.workers.canonical import Snapshot, job_state_id, snapshot
from tests.workers.scenes import BUILDINGS, write_scene
from workers.app import app as celery_app
from workers.settings import get_settings

CHAOS_ENV = {
    "ORTHOGRAPH_HOME": str(PROJECT_ROOT / ".orthograph" / "chaos"),
    "ORTHOGRAPH_NEO4J_URI": "bolt://127.0.0.1:7690",
    "ORTHOGRAPH_REDIS_URL": "redis://127.0.0.1:6490/0",
}
WORKER_ENV = {
    "ORTHOGRAPH_SEGMENTER": "tests.workers.scenes:colour_segmenter",
    "ORTHOGRAPH_SOFT_TIME_LIMIT_S": "240",
    "ORTHOGRAPH_HARD_TIME_LIMIT_S": "270",
    "ORTHOGRAPH_VISIBILITY_TIMEOUT_S": "300",
    "ORTHOGRAPH_UNACKED_RESTORE_INTERVAL_S": "2",
    "ORTHOGRAPH_MAX_RETRIES": "12",
    "ORTHOGRAPH_RETRY_BACKOFF_S": "1",
    "ORTHOGRAPH_RETRY_BACKOFF_MAX_S": "10",
    "ORTHOGRAPH_TILE_WAIT_RETRIES": "60",
    "ORTHOGRAPH_MAX_DELIVERIES": "6",
    "ORTHOGRAPH_HEARTBEAT_INTERVAL_S": "2",
    "ORTHOGRAPH_RUNNING_STALE_S": "30",
    "ORTHOGRAPH_QUEUED_STALE_S": "30",
    "ORTHOGRAPH_RECONCILE_INTERVAL_S": "5",
    "ORTHOGRAPH_MAX_REQUEUES": "10",
}
"""Worker settings of both runs: short retry backoff and reconciler thresholds, so a fault costs
seconds, not the production defaults' minutes; everything else as in production."""
WORKERS = 2
TILES = {"scales": [2000, 10000], "tile_size": 64, "overlap": 8}
"""106 tiles per imagery job (81 at 1:2000, 25 at 1:10000; 64 px is the least tile size)."""
SEED_DATE, BATCH_DATE = date(2024, 1, 1), date(2024, 6, 1)
FAULTS = ("child", "worker", "neo4j", "redis")
GAP_S = (1.0, 6.0)
"""Random pause between two faults (uniform, seconds)."""
NEO4J_PAUSE_S = (0.0, 20.0)
"""How long Neo4j stays dead before it is started again (uniform, seconds)."""
READY_WAIT_S = 300.0
CLEAR = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
ALERTS = """
MATCH (al:Alert)-[:TO_STATE]->(:MapState {id: $state_id})
RETURN count(al) AS alerts, count(DISTINCT al.id) AS distinct_alerts
"""
VERSIONS = "MATCH (s:MapState) WHERE s.name = $name OR s.pending_name = $name RETURN count(s) AS n"


@dataclass(frozen=True)
class Submission:
    """One job of the batch (and the seed state its diff compares with, for imagery)."""

    kind: JobKind
    path: Path
    state: str
    area: str
    options: dict[str, Any]
    seed: Path | None = None


@dataclass(frozen=True)
class Fault:
    """One injected fault: what, when (seconds into the run) and what it hit."""

    kind: str
    at_s: float
    detail: str


@dataclass
class Outcome:
    """A job of one run as it ended: its record, and its state if it committed."""

    job: Job
    snapshot: Snapshot | None = None
    versions: int = 0
    alerts: int = 0
    distinct_alerts: int = 0


@dataclass
class Run:
    """One pass over the batch."""

    started_epoch: float
    """When the batch was submitted (epoch seconds); fault times count from here."""
    seconds: float
    outcomes: list[Outcome]
    faults: list[Fault] = field(default_factory=list)


def chaos_settings() -> StackSettings:
    """The chaos stack's settings: CHAOS_ENV unless the environment says otherwise."""
    for name, value in CHAOS_ENV.items():
        os.environ.setdefault(name, value)
    return StackSettings()


class Stack:
    """The chaos stack's services and clients, and the faults that hit Neo4j and Redis."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.driver: Driver = GraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        self.client = GraphClient(self.driver, settings.neo4j_database)
        self.jobs = JobStore(self.client)
        self.redis = redis.Redis.from_url(settings.redis_url, protocol=REDIS_PROTOCOL)

    def clear(self) -> None:
        with self.driver.session(database=self.settings.neo4j_database) as session:
            session.run(CLEAR).consume()
        self.redis.flushdb()
        apply_schema(self.client)

    def kill_neo4j(self, pause_s: float) -> str:
        service = Neo4jService(self.settings)
        pid = service.running_pid()
        if pid is None:
            raise RuntimeError("the chaos stack's Neo4j is not running")
        os.kill(pid, signal.SIGKILL)
        while is_alive(pid):
            time.sleep(0.1)
        time.sleep(pause_s)
        service.ensure_running()
        return f"pid {pid}, down {pause_s:.1f} s"

    def restart_redis(self) -> str:
        service = RedisService(self.settings)
        pid = service.stop()
        service.ensure_running()
        return f"pid {pid}"

    def close(self) -> None:
        self.redis.close()
        self.driver.close()


class WorkerPool:
    """``WORKERS`` worker processes (concurrency 1 each); a killed one is started again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {**os.environ, **WORKER_ENV, "PYTHONPATH": str(PROJECT_ROOT)}
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        self.processes = [self._spawn() for _ in range(WORKERS)]

    def _spawn(self) -> subprocess.Popen[bytes]:
        name = f"chaos-{uuid.uuid4().hex[:6]}@chaos"
        with (self.folder / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "orthograph"),
                    "worker",
                    "--queues=cpu,gpu,io",
                    "--concurrency=1",
                    f"--hostname={name}",
                    "--loglevel=info",
                ],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + READY_WAIT_S
        try:
            while not _answers(name):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"worker {name} did not start; see {self.folder}")
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
            raise
        return process

    def kill_child(self, rng: random.Random) -> str:
        children = [c for p in self.processes for c in psutil.Process(p.pid).children()]
        if not children:
            return "no pool child alive"
        child = rng.choice(children)
        child.send_signal(signal.SIGKILL)
        return f"pool child {child.pid}"

    def kill_worker(self, rng: random.Random) -> str:
        slot = rng.randrange(len(self.processes))
        victim = self.processes[slot]
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=60)
        self.processes[slot] = self._spawn()
        return f"worker {victim.pid}, restarted"

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def _answers(name: str) -> bool:
    """Whether worker ``name`` answers a ping, asked over a fresh broker connection (a pooled
    one may date from before a Redis restart)."""
    with celery_app.connection_for_write() as connection:
        return bool(celery_app.control.ping(destination=[name], timeout=1.0, connection=connection))


def batch(folder: Path, count: int) -> list[Submission]:
    """``count`` distinct submissions (see the module docstring)."""
    seed_scene = write_scene(folder / "seed.tif", buildings=[b for b in BUILDINGS if b != "hall"])
    result = []
    for i in range(count):
        if i % 2 == 0:
            extra = (470, 10 + 8 * i, 20, 6)
            path = write_scene(folder / f"scene-{i}.tif", extra=[extra])
            result.append(
                Submission(JobKind.IMAGERY, path, f"chaos-{i}", f"chaos-{i}", TILES, seed_scene)
            )
        else:
            path = write_town(folder / f"town-{i}.geojson", i)
            result.append(Submission(JobKind.VECTOR, path, f"chaos-{i}", f"chaos-{i}", {}))
    return result


def submit(item: Submission, *, seed: bool = False) -> str:
    """Submit the job (or its seed state) and return the job id."""
    path = item.seed if seed and item.seed else item.path
    return submit_job(
        get_settings(),
        celery_app,
        kind=item.kind,
        path=path,
        state=f"{item.state}-seed" if seed else item.state,
        area=item.area,
        as_of=SEED_DATE if seed else BATCH_DATE,
        options=item.options,
    ).job.id


def wait_terminal(stack: Stack, ids: list[str], deadline: float) -> list[Job]:
    """The jobs once all are terminal, or as they are at ``deadline`` (monotonic)."""
    while True:
        jobs = [stack.jobs.get(i) for i in ids]
        if all(j.terminal for j in jobs) or time.monotonic() > deadline:
            return jobs
        time.sleep(0.5)


def outcome(stack: Stack, job: Job) -> Outcome:
    """What the job left in the graph."""
    database = stack.settings.neo4j_database
    result = Outcome(job)
    with stack.driver.session(database=database) as session:
        result.versions = session.run(VERSIONS, name=job.state).single(strict=True)["n"]
    if job.status is not JobStatus.COMMITTED:
        return result
    try:
        state = job_state_id(stack.driver, database, job.id, job.state)
    except AssertionError:
        return result
    result.snapshot = snapshot(stack.driver, database, state)
    with stack.driver.session(database=database) as session:
        row = session.run(ALERTS, state_id=state).single(strict=True)
    result.alerts, result.distinct_alerts = row["alerts"], row["distinct_alerts"]
    return result


def run_batch(
    stack: Stack, items: list[Submission], folder: Path, faults: int, seed: int, deadline_s: float
) -> Run:
    """Seed states, then the batch with ``faults`` faults injected while it runs."""
    stack.clear()
    workers = WorkerPool(folder)
    workers.start()
    try:
        seeds = [submit(item, seed=True) for item in items if item.seed]
        failed = [j for j in wait_terminal(stack, seeds, time.monotonic() + deadline_s)
                  if j.status is not JobStatus.COMMITTED]  # fmt: skip
        if failed:
            raise RuntimeError(f"seed jobs did not commit: {[j.reason for j in failed]}")
        started, started_epoch = time.monotonic(), time.time()
        ids = [submit(item) for item in items]
        injected = inject(stack, workers, ids, faults, random.Random(seed), started)
        jobs = wait_terminal(stack, ids, started + deadline_s)
        seconds = time.monotonic() - started
    finally:
        workers.stop()
    return Run(started_epoch, seconds, [outcome(stack, job) for job in jobs], injected)


def inject(
    stack: Stack,
    workers: WorkerPool,
    ids: list[str],
    count: int,
    rng: random.Random,
    started: float,
) -> list[Fault]:
    """Up to ``count`` faults at random moments, while any job of ``ids`` is not terminal."""
    done: list[Fault] = []
    while len(done) < count:
        time.sleep(rng.uniform(*GAP_S))
        if all(stack.jobs.get(i).terminal for i in ids):
            break
        kind = rng.choice(FAULTS)
        at_s = time.monotonic() - started
        if kind == "child":
            detail = workers.kill_child(rng)
        elif kind == "worker":
            detail = workers.kill_worker(rng)
        elif kind == "neo4j":
            detail = stack.kill_neo4j(rng.uniform(*NEO4J_PAUSE_S))
        else:
            detail = stack.restart_redis()
        done.append(Fault(kind, round(at_s, 1), detail))
        print(f"fault {len(done)}: {kind} at {at_s:.0f} s ({detail})", flush=True)
    return done


def judge(chaos: Run, baseline: Run) -> dict[str, list[dict[str, Any]]]:
    """The lost, duplicated and stuck jobs of the chaos run, each with the faults it saw."""
    verdict: dict[str, list[dict[str, Any]]] = {"lost": [], "duplicated": [], "stuck": []}
    reference = {o.job.id: o for o in baseline.outcomes}
    for got in chaos.outcomes:
        want = reference[got.job.id]
        seen = faults_during(got.job, chaos)
        entry = {"job": got.job.id, "state": got.job.state, "faults": seen}
        if not got.job.terminal:
            verdict["stuck"].append(entry | {"status": got.job.status.value})
            continue
        if got.snapshot is None or want.snapshot is None:
            verdict["lost"].append(entry | {"reason": got.job.reason or "no committed state"})
            continue
        extra = (
            len(got.snapshot.objects) > len(want.snapshot.objects)
            or len(got.snapshot.relations) > len(want.snapshot.relations)
            or len(set(got.snapshot.relations)) < len(got.snapshot.relations)
            or got.versions > want.versions
            or got.alerts > want.alerts
            or got.alerts > got.distinct_alerts
        )
        if extra:
            verdict["duplicated"].append(entry | {"versions": got.versions, "alerts": got.alerts})
        elif got.snapshot.differences(want.snapshot) or got.alerts != want.alerts:
            differences = got.snapshot.differences(want.snapshot)
            verdict["lost"].append(entry | {"reason": f"differs: {differences}, alerts "
                                            f"{got.alerts} != {want.alerts}"})  # fmt: skip
    return verdict


def faults_during(job: Job, run: Run) -> list[str]:
    """The faults injected between the job's start and its end (or the end of the run)."""
    if job.started_at is None:
        return []
    start = _epoch(job.started_at)
    end = _epoch(job.finished_at) if job.finished_at else float("inf")
    return [f"{f.kind}@{f.at_s}" for f in run.faults if start <= run.started_epoch + f.at_s <= end]


def _epoch(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


@contextmanager
def chaos_stack(stop: bool) -> Iterator[Stack]:
    settings = chaos_settings()
    up(settings)
    stack = Stack(settings)
    try:
        yield stack
    finally:
        stack.close()
        if stop:
            down(settings)


def main() -> None:
    begun = begin()
    args = parser(__doc__ or "")
    args.add_argument("--jobs", type=int, default=60, help="jobs in the batch")
    args.add_argument("--faults", type=int, default=32, help="faults to inject")
    args.add_argument("--seed", type=int, default=0, help="seed of the fault schedule")
    args.add_argument("--deadline-s", type=float, default=1_500.0, help="per run")
    options = args.parse_args()
    jobs, faults = (4, 6) if options.quick else (options.jobs, options.faults)
    with tempfile.TemporaryDirectory() as tmp, chaos_stack(options.stop) as stack:
        folder = Path(tmp)
        items = batch(folder, jobs)
        baseline = run_batch(stack, items, folder, 0, options.seed, options.deadline_s)
        chaos = run_batch(stack, items, folder, faults, options.seed, options.deadline_s)
    verdict = judge(chaos, baseline)
    base_failed = [o.job.id for o in baseline.outcomes if o.job.status is not JobStatus.COMMITTED]
    write_result(
        "chaos",
        {
            "jobs": jobs,
            "faults": len(chaos.faults),
            "faults_by_kind": {k: sum(f.kind == k for f in chaos.faults) for k in FAULTS},
            "lost": len(verdict["lost"]),
            "duplicated": len(verdict["duplicated"]),
            "stuck": len(verdict["stuck"]),
            "seconds": chaos.seconds,
            "baseline": {
                "lost": len(base_failed),
                "seconds": baseline.seconds,
                "objects": sum(len(o.snapshot.objects) for o in baseline.outcomes if o.snapshot),
                "alerts": sum(o.alerts for o in baseline.outcomes),
            },
            "details": verdict,
            "fault_log": [asdict(f) for f in chaos.faults],
            "seed": options.seed,
            "worker_settings": WORKER_ENV,
        },
        started=begun,
        stack=chaos_settings(),
    )


if __name__ == "__main__":
    main()
