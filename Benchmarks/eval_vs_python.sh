#!/usr/bin/env bash
# `layerlens eval` over a Kaggle-size letters CSV (372,450 rows, ~700 MB, generated
# by make_kaggle_csv.py, never committed) beside the Python way in the same run:
# numpy.loadtxt + Keras predict + NumPy accuracy and confusion (and, as a second
# line, the per-layer statistics eval also gives). Whole processes; peak memory
# from GNU time. Needs the fixtures venv (.venv, see Fixtures/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
model=Fixtures/models/seed_tf2.h5
data=Benchmarks/data/letters_372k.csv
[ -f "$data" ] || .venv/bin/python Benchmarks/make_kaggle_csv.py "$data"
make_work

release_bin layerlens LayerLensBenchmarks
"$bin/LayerLensBenchmarks" csv "$data"
.venv/bin/python -c "import numpy as np; x = np.loadtxt('$data', delimiter=',', dtype=np.float32, max_rows=10000)[:, 1:]; np.save('$work/x.npy', x)"
"$bin/LayerLensBenchmarks" forward "$model" "$work/x.npy"
eval_run=("$bin/layerlens" eval "$model" "$data" --labels A-Z -o "$work/eval.png")
eval_json=("$bin/layerlens" eval "$model" "$data" --no-report --json)
/usr/bin/time -f "layerlens  eval with report: %e s wall, peak %M KB" "${eval_run[@]}" >/dev/null
echo "layerlens  eval with report: $(median_ms 3 "${eval_run[@]}")"
echo "layerlens  eval, numbers only (--json): $(median_ms 3 "${eval_json[@]}")"
/usr/bin/time -f "python     loadtxt + predict: %e s wall, peak %M KB" .venv/bin/python Benchmarks/keras_eval.py "$model" "$data"
/usr/bin/time -f "python     loadtxt + predict (batch 1024): %e s wall, peak %M KB" .venv/bin/python Benchmarks/keras_eval.py "$model" "$data" --batch-size=1024
/usr/bin/time -f "python     with every layer's statistics: %e s wall, peak %M KB" .venv/bin/python Benchmarks/keras_eval.py "$model" "$data" --layers
cnn_run=("$bin/layerlens" eval Fixtures/models/cnn_k3.keras "$data" --labels A-Z -o "$work/eval_cnn.png")
/usr/bin/time -f "layerlens  eval of the letters CNN with report: %e s wall, peak %M KB" "${cnn_run[@]}" >/dev/null
