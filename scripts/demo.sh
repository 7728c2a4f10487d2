#!/usr/bin/env bash
# The main job on the local default, from a clean clone: install everything, start the local
# stack (Neo4j, Redis, one Celery worker, the API), then run two real scenarios through jobs:
#   1. the Liechtenstein OpenStreetMap extract shipped in data/osm (ODbL) becomes a map state at
#      1:2,000, 1:10,000 and 1:50,000; the graph answers "bridges passing over rivers and
#      streams" and drills from the Rhine at 1:10,000 to the bridges over its 1:2,000 parts;
#   2. SpaceNet Atlanta (from the solaris 0.4.0 wheel): its OSM building footprints are the
#      previous map state, the image is ingested with the default model, and the graph answers
#      "what changed". The API stays up afterwards, with GraphiQL.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

og=.venv/bin/orthograph
export ORTHOGRAPH_DEV_MODE="${ORTHOGRAPH_DEV_MODE:-true}"
home=${ORTHOGRAPH_HOME:-$PWD/.orthograph}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "starting the local stack"
$og stack up --worker --api

run_job() {  # run_job KIND PATH ARGS...: submit through Celery, follow it to the end
  local id
  id=$($og jobs submit "$@" --json | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  $og jobs status "$id" --follow
}

say "1. Liechtenstein OSM extract as a map state"
run_job vector data/osm/liechtenstein.osm.pbf --state liechtenstein-osm --area liechtenstein
say "bridges passing over rivers and streams at 1:2,000"
$og query triplets --state liechtenstein-osm --subject bridge --predicate passing_over \
  --object river --object stream --scale 2000 --limit 20
say "across scales: the Rhine at 1:10,000, its 1:2,000 parts and the bridges over them"
$og query hierarchy --state liechtenstein-osm --name Rhein --class river --scale 10000 \
  --predicate passing_under --limit 1

say "2. SpaceNet Atlanta: previous map state from OSM footprints, then new imagery"
demo="$home/demo"
./scripts/fetch-demo-data.sh "$demo"
run_job vector "$demo/geotiff_labels.geojson" --state atlanta-osm --area atlanta --as-of 2019-01-01
run_job imagery "$demo/sample_geotiff.tif" --state atlanta-imagery --area atlanta --as-of 2020-01-01
$og query alerts --state atlanta-imagery --limit 15

levir=../shared/data/change/levir-cd-dev/val_27_0000_0256
if [ -d "$levir" ]; then  # research-use data, never shipped: only where ../shared is beside the clone
  say "3. A real building-change pair (LEVIR-CD, 2012 -> 2016, read in place from ../shared)"
  run_job imagery "$levir/before.tif" --state levir-2012 --area levir-val-27 --as-of 2012-01-01
  run_job imagery "$levir/after.tif" --state levir-2016 --area levir-val-27 --as-of 2016-01-01
  $og query alerts --state levir-2016 --limit 10
fi

say "done"
$og stack status
echo "GraphQL (GraphiQL in the browser): http://127.0.0.1:${ORTHOGRAPH_API_PORT:-8000}/graphql"
echo "Stop everything with: $og stack down"
