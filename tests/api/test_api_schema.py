"""The committed schema export, the ontology enums, and what the API process may import."""

from __future__ import annotations

import subprocess
import sys

from api.schema import schema_sdl
from config.connections import PROJECT_ROOT
from ingest.ontology import CLASS_IDS, PREDICATE_IDS, graphql_enum_name

SCHEMA_FILE = PROJECT_ROOT / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == schema_sdl(), (
        "schema.graphql is out of date: run `.venv/bin/python -m api.schema > schema.graphql` "
        "and commit it"
    )


def test_enums_come_from_the_ontology() -> None:
    sdl = schema_sdl()
    block = sdl.split("enum ObjectClass {")[1].split("}")[0]
    assert [line.strip() for line in block.splitlines() if line.strip().isupper()] == [
        graphql_enum_name(c) for c in CLASS_IDS
    ]
    block = sdl.split("enum Predicate {")[1].split("}")[0]
    assert [line.strip() for line in block.splitlines() if line.strip().isupper()] == [
        graphql_enum_name(p) for p in PREDICATE_IDS
    ]
    assert "enum Severity {\n  LOW\n  MEDIUM\n  HIGH\n}" in sdl


def test_api_process_imports_neither_torch_nor_workers() -> None:
    probe = (
        "import sys\n"
        "import api.app, cli.main\n"
        "from api.settings import ApiSettings\n"
        "api.app.create_app(ApiSettings())\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'workers', 'model'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
