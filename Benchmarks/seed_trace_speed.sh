#!/usr/bin/env bash
# The main command's whole-process time: `layerlens trace` of the seed .h5 on the
# 675×637 photo with the README's preprocessing, writing the PNG report, timed by
# hyperfine (installed with apt-get when missing) over RUNS runs (default 30) after
# 5 warm-up runs. Prints the mean ± standard deviation and the range in ms.
# BIN=folder measures the layerlens found there instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
runs=${RUNS:-30}

if ! command -v hyperfine >/dev/null; then
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
    "${as_root[@]}" apt-get install -y -q hyperfine >/dev/null
fi
if [[ -n ${BIN:-} ]]; then bin=$BIN; else release_bin layerlens; fi
make_work

command=("$bin/layerlens" trace Fixtures/models/seed_tf2.h5 Fixtures/images/photo_x.jpg
         --preprocess gray,resize=28x28:area,invert --labels A-Z -o "$work/report.png")
hyperfine --shell=none --warmup 5 --runs "$runs" --export-json "$work/times.json" "${command[*]}" \
    >/dev/null 2>"$work/hyperfine.log" || { cat "$work/hyperfine.log"; exit 1; }
python3 - "$work/times.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))["results"][0]
ms = lambda seconds: seconds * 1000
print("layerlens trace seed_tf2.h5 photo_x.jpg → PNG report: mean %.1f ± %.1f ms (range %.1f–%.1f ms, %d runs)"
      % (ms(result["mean"]), ms(result["stddev"]), ms(result["min"]), ms(result["max"]), len(result["times"])))
PY
