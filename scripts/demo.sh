#!/usr/bin/env bash
# The main job on the local default: install, start Neo4j and Redis, and show what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/orthograph stack up
.venv/bin/orthograph stack status
