#!/usr/bin/env bash
# Retrain the shipped default model (model/weights/default.pt) from configs/train-default.yaml
# and check that its held-out numbers match the committed ones (bench/results/model.json).
# Not run in CI: the frozen features are computed once into .orthograph/cache/dense-features
# (about 10 CPU-minutes), then the head trains in minutes, then a few minutes of evaluation.
#
#   scripts/retrain-default.sh            # retrain into .orthograph/runs/retrain-default, compare
#   INSTALL=1 scripts/retrain-default.sh  # ... and replace the shipped weights and numbers
#
# Training is seeded; another CPU, thread count or a GPU changes float rounding, so numbers are
# compared within TOLERANCE (absolute).
set -euo pipefail
cd "$(dirname "$0")/.."

ORTHOGRAPH=${ORTHOGRAPH:-.venv/bin/orthograph}
PYTHON=${PYTHON:-.venv/bin/python}
SOURCE=${SOURCE:-../shared/data/training/dubai-6class}
DATASET=.orthograph/datasets/dubai-6class   # the path configs/train-default.yaml reads
RUN=${RUN:-.orthograph/runs/retrain-default}
TOLERANCE=${TOLERANCE:-0.03}

if [ ! -f "$DATASET/manifest.json" ]; then
    # Default split of the dubai-6class table: tile-1 validates, tile-4 is the held-out test.
    "$ORTHOGRAPH" dataset import-masks "$SOURCE" --out "$DATASET"
fi
if [ -e "$RUN/last.pt" ]; then
    echo "$RUN already holds a run; remove it or set RUN=..." >&2
    exit 1
fi
nice "$ORTHOGRAPH" train --config configs/train-default.yaml --out "$RUN"
"$PYTHON" -m bench.model_report --model "$RUN/best.pt" --data "$DATASET" --out "$RUN/model.json"

status=0
"$PYTHON" - "$RUN/model.json" bench/results/model.json "$TOLERANCE" <<'PY' || status=$?
"""Compare the retrained model's held-out report with the committed one, number by number."""
import json
import sys

new, old = (json.load(open(path)) for path in sys.argv[1:3])
tolerance = float(sys.argv[3])


def numbers(block, prefix=""):
    if isinstance(block, dict):
        for key, value in block.items():
            yield from numbers(value, f"{prefix}{key}/")
    elif isinstance(block, (int, float)) and not isinstance(block, bool):
        yield prefix.rstrip("/"), float(block)


ours, shipped = dict(numbers(new["overall"])), dict(numbers(old["overall"]))
off = {k: (ours.get(k), v) for k, v in shipped.items() if abs(ours.get(k, -9) - v) > tolerance}
for key, (got, want) in sorted(off.items()):
    print(f"differs: {key}: retrained {got}, shipped {want}")
print(f"{len(shipped) - len(off)}/{len(shipped)} numbers within {tolerance} of the shipped ones")
sys.exit(1 if off else 0)
PY

if [ "${INSTALL:-0}" != 1 ]; then
    exit "$status"
fi
cp "$RUN/best.pt" model/weights/default.pt
cp "$RUN/config.yaml" model/weights/default.yaml
cp "$RUN/model.json" bench/results/model.json
echo "installed $RUN/best.pt as model/weights/default.pt"
