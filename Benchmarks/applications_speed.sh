#!/usr/bin/env bash
# Real networks at 224×224, LayerLens beside Keras in one run (issue: real networks
# at the machine's speed, in bounded memory): ResNet50, MobileNetV2 and EfficientNetB0
# (seeded random weights, Benchmarks/data/applications), over COUNT random images
# (default 64) with random ImageNet labels. Per model:
#   logits  — `layerlens logits MODEL x.npy --json`, whole process, beside Keras
#             `predict` at batch 32 timed alone (load and warm-up left out);
#   eval    — `layerlens eval MODEL x.npy --no-report` (accuracy, confusion,
#             every layer's statistics), whole process, beside the same Keras predict;
#   trace   — one input, every layer's output kept (LayerLensBenchmarks forward, the
#             median forward pass), beside Keras's warm per-layer forward pass.
# Peak memory is the whole process's (GNU time), LayerLens under its default 1 GiB budget.
# Prints a Markdown table. Needs the fixtures venv (.venv, see Fixtures/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
applications_data
make_work
count=${COUNT:-64}
release_bin layerlens LayerLensBenchmarks
.venv/bin/python Benchmarks/keras_applications.py inputs "$work" "$count"

# `timed VAR command…` runs the command under GNU time, setting VAR_s (wall seconds) and VAR_mb (peak MB).
timed() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
    read -r seconds kilobytes < "$work/time"
    printf -v "${name}_s" '%s' "$seconds"
    printf -v "${name}_mb" '%d' $(( kilobytes / 1024 ))
}

ratio() { .venv/bin/python -c "print(f'{$1 / $2:.2f}×')"; }

echo "| model | task | LayerLens | Keras | Keras ÷ LayerLens | LayerLens peak memory |"
echo "|---|---|---|---|---|---|"
for family in ResNet50 MobileNetV2 EfficientNetB0; do
    model="$data/$family.h5"
    timed logits "$bin/layerlens" logits "$model" "$work/x.npy" --json
    timed eval "$bin/layerlens" eval "$model" "$work/x.npy" --no-report
    keras_ms=$(.venv/bin/python Benchmarks/keras_applications.py predict "$model" "$work/x.npy" 32 2>/dev/null | tail -1 | sed -E 's/.*: ([0-9]+) ms.*/\1/')
    keras_s=$(.venv/bin/python -c "print($keras_ms / 1000)")
    echo "| $family | logits, $count images | ${logits_s} s | ${keras_s} s (predict, batch 32) | $(ratio "$keras_s" "$logits_s") | ${logits_mb} MB |"
    echo "| $family | eval, $count images | ${eval_s} s | ${keras_s} s (predict, batch 32) | $(ratio "$keras_s" "$eval_s") | ${eval_mb} MB |"
    ours_ms=$("$bin/LayerLensBenchmarks" forward "$model" "$data/input.npy" 1 | sed -E 's/.*one input, all layers kept: median ([0-9.]+) ms.*/\1/')
    theirs_ms=$(.venv/bin/python Benchmarks/keras_applications.py trace "$model" "$data/input.npy" 2>/dev/null | tail -1 | sed -E 's/.* ([0-9]+) ms/\1/')
    echo "| $family | trace forward, 1 image, every layer kept | ${ours_ms} ms | ${theirs_ms} ms (warm per-layer forward) | $(ratio "$theirs_ms" "$ours_ms") | |"
done
