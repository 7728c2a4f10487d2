"""``orthograph stack``: every command documents itself; bad settings end in one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from stack.settings import StackSettings


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ([], "up"),
        (["up"], "Start Neo4j and Redis"),
        (["up"], "--worker"),
        (["up"], "ORTHOGRAPH_API_PORT"),
        (["down"], "Stop the Neo4j and Redis"),
        (["status"], "--json"),
        (["backup"], "--out"),
        (["restore"], "--from"),
    ],
)
def test_help(command: list[str], expected: str) -> None:
    result = CliRunner().invoke(app, ["stack", *command, "--help"])
    assert result.exit_code == 0
    assert expected in result.stdout


def test_non_loopback_uri_is_one_line_and_non_zero(
    tmp_path: Path, run_cli: Callable[[list[str], StackSettings], Result]
) -> None:
    settings = StackSettings(home=tmp_path, neo4j_uri="bolt://db.example.com:7687")

    result = run_cli(["stack", "status"], settings)

    assert result.exit_code == 2
    assert result.stderr.startswith("orthograph stack: ORTHOGRAPH_NEO4J_URI=")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_restore_from_a_folder_that_is_no_backup(
    tmp_path: Path, run_cli: Callable[[list[str], StackSettings], Result]
) -> None:
    settings = StackSettings(home=tmp_path / "home")

    result = run_cli(["stack", "restore", "--from", str(tmp_path)], settings)

    assert result.exit_code != 0
    assert "is not an orthograph backup" in result.stderr
    assert not (tmp_path / "home" / "neo4j").exists()
