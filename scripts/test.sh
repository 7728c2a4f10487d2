#!/usr/bin/env bash
# Type-check the whole repository (mypy, configured in pyproject.toml), then run the whole test
# suite against a real, private test stack (Neo4j + Redis on their own ports and state folder, so
# the developer's own graph is never touched), then stop that stack. A type error fails the run
# before any stack starts.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/python -m mypy

export ORTHOGRAPH_HOME="${ORTHOGRAPH_HOME:-$PWD/.orthograph/test}"
export ORTHOGRAPH_NEO4J_URI="${ORTHOGRAPH_NEO4J_URI:-bolt://127.0.0.1:7688}"
export ORTHOGRAPH_REDIS_URL="${ORTHOGRAPH_REDIS_URL:-redis://127.0.0.1:6380/0}"

.venv/bin/orthograph stack up
trap '.venv/bin/orthograph stack down' EXIT
.venv/bin/python -m pytest "$@"
