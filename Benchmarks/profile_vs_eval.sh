#!/usr/bin/env bash
# `layerlens profile` beside `layerlens eval` over the Kaggle-size letters CSV
# (372,450 rows, ~700 MB, made by make_kaggle_csv.py, never committed), in one
# run: whole processes, wall time and peak memory from GNU time. The issue's goal:
# profile within 1.5× of eval's time, in constant memory; and eval writing the
# profile in the same pass (--save-profile). Then the first 37,245
# rows alone, to show that the memory does not grow with the data.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
model=Fixtures/models/seed_tf2.h5
data=Benchmarks/data/letters_372k.csv
[ -f "$data" ] || .venv/bin/python Benchmarks/make_kaggle_csv.py "$data"
make_work

release_bin layerlens
for run in 1 2; do
    /usr/bin/time -f "run $run: layerlens eval --no-report --json: %e s wall, %U s user, peak %M KB" \
        "$bin/layerlens" eval "$model" "$data" --labels A-Z --no-report --json >/dev/null
    /usr/bin/time -f "run $run: layerlens profile:                %e s wall, %U s user, peak %M KB" \
        "$bin/layerlens" profile "$model" "$data" --labels A-Z -o "$work/profile.json" >/dev/null 2>"$work/progress"
    tail -n 1 "$work/progress"
    /usr/bin/time -f "run $run: layerlens eval --save-profile:   %e s wall, %U s user, peak %M KB" \
        "$bin/layerlens" eval "$model" "$data" --labels A-Z --no-report --save-profile "$work/profile_eval.json" >/dev/null
done
/usr/bin/time -f "layerlens profile of the first 37,245 rows: %e s wall, peak %M KB" \
    "$bin/layerlens" profile "$model" "$data" --labels A-Z --limit 37245 -o "$work/profile_small.json" >/dev/null 2>"$work/progress"
tail -n 1 "$work/progress"
echo "profile size: $(stat -c %s "$work/profile.json") bytes"
