"""What importing the worker and CLI modules pulls in: no torch in a worker's parent process,
nothing heavy for ``orthograph --help``."""

from __future__ import annotations

import json
import subprocess
import sys

from config.connections import PROJECT_ROOT

HEAVY = ("torch", "celery", "geopandas", "rasterio", "neo4j")


def loaded_after(statement: str) -> list[str]:
    """Which of ``HEAVY`` a fresh interpreter has imported after running ``statement``."""
    report = f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    probe = f"{statement}; import json, sys; {report}"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_worker_parent_never_imports_torch() -> None:
    assert "torch" not in loaded_after("import workers.tasks")


def test_job_and_worker_commands_import_nothing_heavy() -> None:
    assert loaded_after("import cli.jobs, cli.worker") == []
