#!/usr/bin/env bash
# Parsing a Kaggle-size letters CSV (372,450 rows, ~700 MB, generated, not committed):
# LayerLens's streaming reader beside numpy.loadtxt, as the seed case's owner read it.
# Needs the fixtures venv (.venv, see Fixtures/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
data=Benchmarks/data/letters_372k.csv
[ -f "$data" ] || python3 Benchmarks/make_kaggle_csv.py "$data"
release_bin LayerLensBenchmarks
"$bin/LayerLensBenchmarks" csv "$data"
.venv/bin/python - "$data" <<'PY'
import sys, time, numpy as np
start = time.perf_counter()
rows = np.loadtxt(sys.argv[1], delimiter=",", dtype=np.uint8)
seconds = time.perf_counter() - start
print(f"numpy      loadtxt: {len(rows)} rows in {seconds:.2f} s = {len(rows) / seconds:.0f} rows/s")
PY
