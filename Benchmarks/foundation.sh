#!/usr/bin/env bash
# The foundation benchmark, LayerLens beside TensorFlow in one run:
#  1. whole-process `layerlens trace` of the seed .h5 on one .npy input (median of 30 runs),
#     dumping the layers without and with the PNG report,
#  2. batched forward throughput over 10,000 inputs (every layer's output kept by LayerLens),
#     beside tf_keras model.predict of the same model on the same inputs, for the seed
#     model and for the letters CNN.
# Needs the fixtures venv (.venv, see Fixtures/README.md) for the TensorFlow side.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
model=Fixtures/models/seed_tf2.h5
input=Fixtures/letters/letter_A.npy
make_work

release_bin layerlens LayerLensBenchmarks

.venv/bin/python - "$work/inputs.npy" <<'PY'
import sys, numpy as np
rows = np.loadtxt("Fixtures/letters/letters_sample.csv", delimiter=",", dtype=np.float32)[:, 1:]
np.save(sys.argv[1], np.resize(rows, (10000, 784)))
PY

"$bin/layerlens" trace "$model" "$input" --dump "$work/dump" -o "$work/r.png" >/dev/null  # warm the page cache
echo "layerlens  whole process (trace --dump --no-report, one .npy input): $(median_ms 30 "$bin/layerlens" trace "$model" "$input" --dump "$work/dump" --no-report)"
echo "layerlens  whole process (trace --dump, one .npy input, with its PNG report): $(median_ms 30 "$bin/layerlens" trace "$model" "$input" --dump "$work/dump" -o "$work/r.png")"
"$bin/LayerLensBenchmarks" forward "$model" "$work/inputs.npy" 7
.venv/bin/python Benchmarks/tf_predict.py "$model" "$work/inputs.npy"
echo "the letters CNN (Conv2D, pooling, BatchNorm, Dense), every layer kept:"
"$bin/LayerLensBenchmarks" forward Fixtures/models/cnn_tf2.h5 "$work/inputs.npy" 5
.venv/bin/python Benchmarks/tf_predict.py Fixtures/models/cnn_tf2.h5 "$work/inputs.npy"
