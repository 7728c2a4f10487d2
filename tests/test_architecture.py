"""The import contract of the project (``docs/architecture.md``), checked on every module.

:data:`CONTRACT` is the one statement of the rules; the architecture page states the same and
``tests.support.imports`` does the checking. A new top-level package fails here until it is
given a layer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config.connections import PROJECT_ROOT
from tests.support.imports import Contract, check

TORCH = ("torch", "torch_geometric", "torchvision")

CONTRACT = Contract(
    layers=(
        ("cli", "bench"),
        ("api", "workers", "stack"),
        ("cartography", "dispatch"),
        ("model", "graphdb"),
        ("ingest",),
        ("intake",),
        ("ingest.ontology",),
        ("ingest.errors",),
        ("config",),
    ),
    guarded=frozenset({"api", "workers"}),
    exceptions={
        ("cli.serve", "api"): "`orthograph serve` starts the API",
        ("cli.worker", "workers"): "`orthograph worker` starts the worker app",
        ("bench.api_hostile", "api"): "measures the API's cost guard in process",
        ("bench.finish_memory", "workers"): "measures the finish step as the workers run it",
        ("bench.jobs", "workers"): "compares the queue with the workers' code in process",
        ("bench.chaos", "workers"): "kills and restarts real workers",
    },
    never={
        "api": (
            *TORCH,
            "model",
            "workers",
            "cartography.picture",
            "matplotlib",
            "cartography.glyphs",
            "scipy",
        ),
        "cartography": (*TORCH, "model"),
        "dispatch": (*TORCH, "model"),
        "graphdb": TORCH,
        "ingest": (*TORCH, "neo4j", "celery"),
        "intake": TORCH,
        "ingest.ontology": TORCH,
        "ingest.errors": TORCH,
        "config": TORCH,
        "model": ("neo4j", "celery"),
    },
)
"""Layers top first: a component imports its own modules and lower layers, never a higher
layer or a neighbour in its layer. Nothing imports ``api`` or ``workers`` except the modules
named in ``exceptions``. ``never`` adds what a component must not import although the layers
allow it: the API image has neither torch nor matplotlib (``cartography.picture`` draws with
it) nor SciPy (``cartography.glyphs`` draws the label font with it at setup time), ``model``
stays off Neo4j and Celery, ``ingest`` off Neo4j, Celery and torch."""


def test_the_project_keeps_its_import_contract() -> None:
    assert [str(v) for v in check(PROJECT_ROOT, CONTRACT)] == []


def test_every_python_package_has_a_layer() -> None:
    packages = {p.parent.name for p in PROJECT_ROOT.glob("*/__init__.py")}
    assert packages <= set(CONTRACT.packages)


def test_nothing_the_api_may_import_loads_torch() -> None:
    """The API image has no torch: every component below the API that it may import must ban
    torch itself, so the rule holds for the API's whole import graph, not only its own files."""
    below = CONTRACT.layer_of("api")
    reachable = [
        c
        for c in CONTRACT.components
        if CONTRACT.layer_of(c) > below and c not in CONTRACT.never["api"]
    ]
    assert reachable and all("torch" in CONTRACT.never.get(c, ()) for c in reachable)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


BASE = {
    "graphdb/__init__.py": "",
    "workers/__init__.py": "",
    "workers/app.py": "app = None\n",
    "api/__init__.py": "",
    "cli/__init__.py": "",
    "cli/worker.py": "def worker():\n    from workers.app import app\n",
    "ingest/__init__.py": "",
    "ingest/records.py": "",
    "ingest/ontology/__init__.py": "",
}


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "graphdb/jobs.py",
            "def run():\n    from workers.app import app\n",
            "graphdb/jobs.py:2: graphdb.jobs imports workers.app: only the contract's named "
            "exceptions may import workers",
        ),
        (
            "ingest/ontology/classes.py",
            "from .. import records\n",
            "ingest/ontology/classes.py:1: ingest.ontology.classes imports ingest.records: "
            "ingest is in a higher layer than ingest.ontology",
        ),
        (
            "api/tiles.py",
            "import torch\n",
            "api/tiles.py:1: api.tiles imports torch: api never imports torch",
        ),
        (
            "graphdb/jobs.py",
            "from cli import worker\n",
            "graphdb/jobs.py:1: graphdb.jobs imports cli.worker: cli is in a higher layer than "
            "graphdb",
        ),
        (
            "cli/jobs.py",
            "from workers.app import app\n",
            "cli/jobs.py:1: cli.jobs imports workers.app: only the contract's named exceptions "
            "may import workers",
        ),
    ],
)
def test_a_forbidden_import_is_reported_with_its_file_and_line(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    root = write(tmp_path, {**BASE, name: text})
    assert [str(v) for v in check(root, CONTRACT)] == [expected]


def test_the_named_exception_and_downward_imports_pass(tmp_path: Path) -> None:
    root = write(tmp_path, {**BASE, "api/graph.py": "from graphdb import jobs\n"})
    assert check(root, CONTRACT) == []
