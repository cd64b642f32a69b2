#!/usr/bin/env bash
# The logits benchmark, LayerLens beside Keras in one run: `layerlens logits` over a
# folder of 1,000 PNGs (decoded on both cores, one batched forward pass, softmax,
# entropy and margin) against the same in Python (OpenCV reads, one Keras predict,
# NumPy), whole processes, median of several runs each.
# Needs the fixtures venv (.venv, see Fixtures/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
model=Fixtures/models/seed_tf2.h5
make_work

release_bin layerlens
.venv/bin/python Benchmarks/make_png_folder.py "$work/png" 1000
layerlens=("$bin/layerlens" logits "$model" "$work/png" --labels A-Z --json)
"${layerlens[@]}" >/dev/null
echo "layerlens  logits over 1,000 PNGs: $(median_ms 10 "${layerlens[@]}")"
keras=(.venv/bin/python Benchmarks/keras_logits.py "$model" "$work/png")
"${keras[@]}" 2>/dev/null | tail -1
echo "keras      cv2 reads + predict + NumPy softmax/entropy/margin: $(median_ms 5 "${keras[@]}")"
