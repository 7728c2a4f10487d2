"""One real up / up / status / down cycle on a private home and ports, then backup and restore.

Starting Neo4j takes seconds, so the module runs the cycle once (the ``cycle`` fixture) and
each test checks one promise about what it recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
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
    nodes_written: int
    status_json: Result
    refused_backup: StackRunning
    refused_move: StackRunning
    stopped: list[Stopped]
    after: StackStatus
    leftovers: list[int]


@pytest.fixture(scope="module")
def cycle(
    tmp_path_factory: pytest.TempPathFactory,
    private_settings: Callable[[Path, int, int], StackSettings],
    run_cli: Callable[[list[str], StackSettings], Result],
    free_port: Callable[[], int],
) -> Iterator[Cycle]:
    home = tmp_path_factory.mktemp("stack")
    settings = private_settings(home, NEO4J_PORT, REDIS_PORT)
    try:
        first = up(settings)
        second = up(settings)
        nodes = _write_a_node(settings)
        status_json = run_cli(["stack", "status", "--json"], settings)
        with pytest.raises(StackRunning) as refused:
            backup(home.parent / "refused-backup", settings)
        with pytest.raises(StackRunning) as moved:
            up(private_settings(home, NEO4J_PORT, free_port()))
        stopped = down(settings)
        yield Cycle(
            settings=settings,
            first=first,
            second=second,
            nodes_written=nodes,
            status_json=status_json,
            refused_backup=refused.value,
            refused_move=moved.value,
            stopped=stopped,
            after=status(settings),
            leftovers=_processes_mentioning(settings.stack_home),
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


def test_second_up_reuses_the_running_services(cycle: Cycle) -> None:
    assert cycle.second.neo4j.pid == cycle.first.neo4j.pid
    assert cycle.second.redis.pid == cycle.first.redis.pid


def test_status_json_shape(cycle: Cycle) -> None:
    assert cycle.status_json.exit_code == 0, cycle.status_json.output
    shown = json.loads(cycle.status_json.stdout)
    assert shown["neo4j"]["uri"] == f"bolt://127.0.0.1:{NEO4J_PORT}"
    assert shown["neo4j"]["running"] is True
    assert shown["redis"]["url"] == f"redis://127.0.0.1:{REDIS_PORT}/0"
    assert shown["redis"]["running"] is True
    assert shown["neo4j"]["pid"] == cycle.first.neo4j.pid


def test_backup_is_refused_while_running(cycle: Cycle) -> None:
    message = str(cycle.refused_backup)
    assert "orthograph stack down" in message
    assert str(cycle.first.neo4j.pid) in message


def test_up_with_a_moved_port_is_refused_while_running(cycle: Cycle) -> None:
    message = str(cycle.refused_move)
    assert message.startswith(f"redis of this stack already runs (pid {cycle.first.redis.pid})")
    assert "ORTHOGRAPH_REDIS_URL" in message


def test_down_stops_both_and_leaves_no_process(cycle: Cycle) -> None:
    assert sorted((s.name, s.pid) for s in cycle.stopped) == sorted(
        [("neo4j", cycle.first.neo4j.pid), ("redis", cycle.first.redis.pid)]
    )
    assert not cycle.after.neo4j.running and cycle.after.neo4j.pid is None
    assert not cycle.after.redis.running and cycle.after.redis.pid is None
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
