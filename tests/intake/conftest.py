"""Fixtures of the bad-input suite: the bad files (built once), a seeded graph, the served API.

The graph holds one committed state, ingested through the real CLI from a valid file (the
control: the same command that must refuse each bad input succeeds on a good one), so "the
graph is unchanged" compares a graph with content, not an empty one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from config.connections import PROJECT_ROOT
from stack.settings import StackSettings
from tests.api.support import Api, api_settings, serve_api
from tests.intake.bad_files import BUILDERS
from tests.intake.graph_state import GraphSnapshot, snapshot

ORTHOGRAPH = str(PROJECT_ROOT / ".venv" / "bin" / "orthograph")
CLEAR_GRAPH = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def run_cli(args: list[str], temp: Path) -> subprocess.CompletedProcess[str]:
    """``orthograph *args`` as a real process on the test stack, its temporary folder ``temp``."""
    env = {**os.environ, "TMPDIR": str(temp), "CPL_TMPDIR": str(temp)}
    return subprocess.run(
        [ORTHOGRAPH, *args], env=env, capture_output=True, text=True, cwd=PROJECT_ROOT
    )


@pytest.fixture(scope="session")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every bad (and control) input of ``tests.intake.bad_files``, by builder name."""
    folder = tmp_path_factory.mktemp("bad-inputs")
    return {name: build(folder) for name, build in BUILDERS.items()}


@pytest.fixture(scope="module")
def seeded(
    neo4j_driver: Driver, neo4j_database: str, bad_files: dict[str, Path], tmp_path_factory
) -> GraphSnapshot:
    """An emptied graph with one committed state ingested by the CLI from the good map."""
    with neo4j_driver.session(database=neo4j_database) as session:
        session.run(CLEAR_GRAPH).consume()
    temp = tmp_path_factory.mktemp("seed-tmp")
    done = run_cli(
        [
            "ingest",
            "vector",
            str(bad_files["good_map"]),
            "--state",
            "seed",
            "--as-of",
            "2024-06-01",
        ],
        temp,
    )
    assert done.returncode == 0, done.stderr
    return snapshot(neo4j_driver, neo4j_database)


@pytest.fixture(scope="module")
def served(
    local_stack: object,
    stack_settings: StackSettings,
    bad_files: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:
    """The API, with the bad files copied under its data root (a FIFO cannot be copied)."""
    root = tmp_path_factory.mktemp("intake-data-root").resolve()
    for path in bad_files.values():
        if path.is_dir():
            (root / path.name).mkdir()
        elif path.is_file():
            shutil.copyfile(path, root / path.name)
    with serve_api(api_settings(stack_settings, root)) as api:
        yield api
