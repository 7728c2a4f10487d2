#!/usr/bin/env bash
# Fine-tune the shipped dense model end to end on a CUDA GPU (configs/finetune-gpu.yaml), then
# evaluate it on the held-out area next to the shipped one. The CPU recipe
# (scripts/retrain-default.sh) stays the default; this needs a GPU and ../shared/data.
#   scripts/finetune-gpu.sh            # into .orthograph/runs/finetune-gpu
set -euo pipefail
cd "$(dirname "$0")/.."

ORTHOGRAPH=${ORTHOGRAPH:-.venv/bin/orthograph}
PYTHON=${PYTHON:-.venv/bin/python}
SOURCE=${SOURCE:-../shared/data/training/dubai-6class}
DATASET=.orthograph/datasets/dubai-6class
RUN=${RUN:-.orthograph/runs/finetune-gpu}

if ! "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    echo "no CUDA device: end-to-end fine-tuning needs a GPU (scripts/retrain-default.sh trains on the CPU)" >&2
    exit 1
fi
if [ ! -f "$DATASET/manifest.json" ]; then
    "$ORTHOGRAPH" dataset import-masks "$SOURCE" --out "$DATASET"
fi
"$ORTHOGRAPH" train --config configs/finetune-gpu.yaml --out "$RUN"
"$ORTHOGRAPH" evaluate --data "$DATASET" --model "$RUN/best.pt" --split test \
    --device cuda --batch 8 --json "$RUN/model.json"
echo "compare $RUN/model.json with bench/results/model.json (the shipped model)"
