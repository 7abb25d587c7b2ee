#!/usr/bin/env bash
# Train the vision models on labelled digital-twin frames, export them to ONNX with model cards
# in models/, and score them on fresh twin frames (recorded in each card's metrics.twinTest).
#
#   bash training/train.sh            # both models (about 16 min of training on two idle cores)
#   bash training/train.sh stem       # or just one: stem | pfm
#
# Needs python3-torch and python3-onnx (Debian: apt-get install -y python3-torch python3-onnx) and
# the repository's node_modules. Downloads nothing. Generated data and the TypeScript build of the
# data generator stay in training/.cache/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=training/.cache
PYTHON=${PYTHON:-/usr/bin/python3}
TASKS=${1:-all}
[ "$TASKS" = all ] && TASKS="stem pfm"

node node_modules/typescript/bin/tsc -p training/tsconfig.json --outDir "$CACHE/build"
node node_modules/tsc-alias/dist/bin/index.js -p training/tsconfig.json --outDir "$CACHE/build"

for task in $TASKS; do
  case "$task" in
    # STEM frames are 256 px so crops include the edge smear that scan-line shear builds up down a
    # full-size frame; PFM frames need less.
    stem) frames=2000; pixels=256; name=stem-atoms-v1 ;;
    pfm) frames=2000; pixels=144; name=pfm-domains-v1 ;;
    *) echo "unknown task $task (stem | pfm)" >&2; exit 2 ;;
  esac
  # Training frames use seeds 1000.. ; the benchmark uses 900000.. so they never overlap.
  node "$CACHE/build/training/generate-data.js" --task "$task" --frames "$frames" --pixels "$pixels" --first-seed 1000 --out "$CACHE/data"
  "$PYTHON" training/train.py --task "$task" --data "$CACHE/data" --out models --seed 7
  node "$CACHE/build/training/evaluate.js" --card "models/$name.card.json" --frames 20
done
