#!/usr/bin/env bash
# Real networks, LayerLens beside Keras in one run: ResNet50, MobileNetV2 and
# EfficientNetB0 at 224×224 (seeded random weights), whole process each time:
#   layerlens trace --dump (every layer's output to .npy, no picture),
#   layerlens trace with the PNG report,
#   Keras: load + one per-layer forward pass (a model whose outputs are every layer's).
# The models are made once under the git-ignored Benchmarks/data/applications.
# Needs the fixtures venv (.venv, see Fixtures/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
applications_data
make_work
release_bin layerlens
runs=${RUNS:-5}
for family in ResNet50 MobileNetV2 EfficientNetB0; do
    for extension in h5 keras; do
        model="$data/$family.$extension"
        dump=("$bin/layerlens" trace "$model" "$data/input.npy" --dump "$work/dump" --no-report)
        report=("$bin/layerlens" trace "$model" "$data/input.npy" -o "$work/report.png")
        "${dump[@]}" >/dev/null
        echo "$family .$extension  layerlens trace --dump:   $(median_ms "$runs" "${dump[@]}")"
        if "${report[@]}" >/dev/null 2>"$work/error"; then
            echo "$family .$extension  layerlens trace → PNG:    $(median_ms "$runs" "${report[@]}")"
        else
            echo "$family .$extension  layerlens trace → PNG:    fails: $(cat "$work/error")"
        fi
        keras=(.venv/bin/python Benchmarks/keras_applications.py trace "$model" "$data/input.npy")
        echo "$family .$extension  keras load + per-layer forward: $(median_ms 3 "${keras[@]}")  ($("${keras[@]}" 2>/dev/null | tail -1))"
    done
done
