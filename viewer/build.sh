#!/usr/bin/env bash
# Build the map viewer's front-end assets: install MapLibre GL JS exactly as pinned in
# package-lock.json (npm ci, from the npm registry) and copy its distribution files into
# api/viewer/vendor/ (git-ignored), which the API serves at /map/vendor/. Idempotent; offline
# once node_modules is there. Usage: bash viewer/build.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vendor="$here/../api/viewer/vendor"
dist="$here/node_modules/maplibre-gl/dist"

command -v npm >/dev/null || { echo "viewer/build.sh: npm not found; install Node.js 20+" >&2; exit 1; }
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

mkdir -p "$vendor"
for file in maplibre-gl.mjs maplibre-gl-worker.mjs maplibre-gl-shared.mjs maplibre-gl.css; do
    cp "$dist/$file" "$vendor/$file"
done
cp "$here/node_modules/maplibre-gl/LICENSE.txt" "$vendor/MAPLIBRE-LICENSE.txt"
echo "viewer assets: MapLibre GL JS $(node -p "require('$here/node_modules/maplibre-gl/package.json').version") in $vendor"
