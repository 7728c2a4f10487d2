"""One real up / up / status / down cycle on a private home and ports, then backup and restore.

Starting Neo4j takes seconds, so the module runs the cycle once (the ``cycle`` fixture) and
each test checks one promise about what it recorded. The cycle starts Neo4j and Redis first,
then adds the worker and the API to the running stack (``up --worker --api``), then asks again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from celery import Celery
from neo4j import GraphDatabase
from typer.testing import Result

from stack import StackStatus, Stopped, backup, down, restore, status, up
from stack.errors import StackRunning
from stack.settings import StackSettings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NEO4J_PORT = 7698
REDIS_PORT = 6390


@dataclass(frozen=True)
class Cycle:
    """What one up / up / status / down cycle returned."""

    settings: StackSettings
    first: StackStatus
    second: StackStatus
    third: Result
    """``orthograph stack up --worker --api`` once all four run."""
    nodes_written: int
    status_json: Result
    health: httpx.Response
    pings: list[dict[str, object]]
    groups: list[int]
    """Every process in the process groups of our services, before ``down``."""
    refused_backup: StackRunning
    refused_move: StackRunning
    stopped: list[Stopped]
    after: StackStatus
    leftovers: list[int]
    survivors: list[int]


@pytest.fixture(scope="module")
def cycle(
    tmp_path_factory: pytest.TempPathFactory,
    private_settings: Callable[..., StackSettings],
    run_cli: Callable[[list[str], StackSettings], Result],
    free_port: Callable[[], int],
) -> Iterator[Cycle]:
    home = tmp_path_factory.mktemp("stack")
    settings = private_settings(home, NEO4J_PORT, REDIS_PORT, free_port())
    try:
        first = up(settings)
        second = up(settings, worker=True, api=True)
        third = run_cli(["stack", "up", "--worker", "--api"], settings)
        nodes = _write_a_node(settings)
        status_json = run_cli(["stack", "status", "--json"], settings)
        health = httpx.get(f"{second.api.address}/healthz", timeout=30, trust_env=False)
        pings = _ping(settings, second.worker.address)
        groups = _group_members(second)
        with pytest.raises(StackRunning) as refused:
            backup(home.parent / "refused-backup", settings)
        with pytest.raises(StackRunning) as moved:
            up(private_settings(home, NEO4J_PORT, free_port()))
        stopped = down(settings)
        yield Cycle(
            settings=settings,
            first=first,
            second=second,
            third=third,
            nodes_written=nodes,
            status_json=status_json,
            health=health,
            pings=pings,
            groups=groups,
            refused_backup=refused.value,
            refused_move=moved.value,
            stopped=stopped,
            after=status(settings),
            leftovers=_processes_mentioning(settings.stack_home),
            survivors=[pid for pid in groups if _alive(pid)],
        )
    finally:
        down(settings)


def _write_a_node(settings: StackSettings) -> int:
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver:
        summary = driver.execute_query(
            "CREATE (:LifecycleProbe {id: 'one'})", database_=settings.neo4j_database
        ).summary
    return summary.counters.nodes_created


def _ping(settings: StackSettings, node: str) -> list[dict[str, object]]:
    """The replies of ``node`` to a Celery ping through the stack's Redis."""
    app = Celery("stack-test", broker=settings.redis_url, set_as_current=False)
    try:
        replies: list[dict[str, object]] = app.control.ping(destination=[node], timeout=10.0)
    finally:
        app.close()
    return replies


def _group_members(current: StackStatus) -> list[int]:
    """Pids of live processes in the process groups (sessions) of the services' pids."""
    leaders = {s.pid for s in (current.neo4j, current.redis, current.worker, current.api) if s.pid}
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) in leaders:
            members.append(int(stat.parent.name))
    return members


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}


def _processes_mentioning(home: Path) -> list[int]:
    """Pids of live processes with ``home`` in their command line."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(home).encode() in cmdline.read_bytes():
                pids.append(int(cmdline.parent.name))
        except OSError:
            continue
    return pids


def test_up_starts_both_services(cycle: Cycle) -> None:
    assert cycle.first.neo4j.running and cycle.first.neo4j.pid is not None
    assert cycle.first.redis.running and cycle.first.redis.pid is not None
    assert cycle.nodes_written == 1


def test_plain_up_starts_no_worker_and_no_api(cycle: Cycle) -> None:
    assert not cycle.first.worker.running and cycle.first.worker.pid is None
    assert not cycle.first.api.running and cycle.first.api.pid is None


def test_second_up_reuses_the_running_services(cycle: Cycle) -> None:
    assert cycle.second.neo4j.pid == cycle.first.neo4j.pid
    assert cycle.second.redis.pid == cycle.first.redis.pid


def test_up_with_worker_and_api_starts_both(cycle: Cycle) -> None:
    worker, api = cycle.second.worker, cycle.second.api
    assert worker.running and worker.pid is not None
    assert api.running and api.pid is not None
    assert api.address == f"http://127.0.0.1:{cycle.settings.api_port}"
    assert worker.log == cycle.settings.stack_home / "logs" / "worker.log"
    assert b" ready." in worker.log.read_bytes()


def test_api_answers_health(cycle: Cycle) -> None:
    assert cycle.health.status_code == 200
    assert cycle.health.json() == {"status": "ok"}


def test_worker_answers_a_celery_ping(cycle: Cycle) -> None:
    assert cycle.pings == [{cycle.second.worker.address: {"ok": "pong"}}]


def test_third_up_through_the_cli_reuses_everything(cycle: Cycle) -> None:
    assert cycle.third.exit_code == 0, cycle.third.output
    for service in (cycle.second.neo4j, cycle.second.redis, cycle.second.worker, cycle.second.api):
        assert f"{service.name:<6} {service.address}  (pid {service.pid})" in cycle.third.stdout


def test_status_json_shape(cycle: Cycle) -> None:
    assert cycle.status_json.exit_code == 0, cycle.status_json.output
    shown = json.loads(cycle.status_json.stdout)
    assert shown["neo4j"]["uri"] == f"bolt://127.0.0.1:{NEO4J_PORT}"
    assert shown["neo4j"]["running"] is True
    assert shown["redis"]["url"] == f"redis://127.0.0.1:{REDIS_PORT}/0"
    assert shown["redis"]["running"] is True
    assert shown["neo4j"]["pid"] == cycle.first.neo4j.pid
    assert shown["worker"] == {
        "node": cycle.second.worker.address,
        "running": True,
        "pid": cycle.second.worker.pid,
        "log": str(cycle.second.worker.log),
    }
    assert shown["api"]["url"] == f"http://127.0.0.1:{cycle.settings.api_port}"
    assert shown["api"]["running"] is True
    assert shown["api"]["pid"] == cycle.second.api.pid


def test_backup_is_refused_while_running(cycle: Cycle) -> None:
    message = str(cycle.refused_backup)
    assert "orthograph stack down" in message
    assert str(cycle.first.neo4j.pid) in message


def test_up_with_a_moved_port_is_refused_while_running(cycle: Cycle) -> None:
    message = str(cycle.refused_move)
    assert message.startswith(f"redis of this stack already runs (pid {cycle.first.redis.pid})")
    assert "ORTHOGRAPH_REDIS_URL" in message


def test_down_stops_everything_clients_first_and_leaves_no_process(cycle: Cycle) -> None:
    started = cycle.second
    assert [(s.name, s.pid) for s in cycle.stopped] == [
        ("worker", started.worker.pid),
        ("api", started.api.pid),
        ("neo4j", started.neo4j.pid),
        ("redis", started.redis.pid),
    ]
    for service in (cycle.after.neo4j, cycle.after.redis, cycle.after.worker, cycle.after.api):
        assert not service.running and service.pid is None, service
    assert len(cycle.groups) > 4, "the worker's pool process belongs to its group"
    assert cycle.survivors == []
    assert cycle.leftovers == []


def test_backup_and_restore_round_trip(cycle: Cycle, tmp_path: Path) -> None:
    settings = cycle.settings
    data = settings.stack_home / "neo4j"
    files_before = _files(data)

    written = backup(tmp_path / "backup", settings)
    (data / "data" / "server_id").unlink()
    restore(written, settings)

    assert _files(written / "neo4j") == files_before
    assert _files(data) == files_before
    assert any(path.startswith("data/databases/neo4j/") for path in files_before)


def _files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
