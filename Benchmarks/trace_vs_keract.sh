#!/usr/bin/env bash
# The report benchmark, LayerLens beside keract in one run: the whole process of
# tracing the seed .h5 on a 675×637 photo JPEG with OpenCV-style preprocessing
# and writing the activation pictures, median of several runs each.
# Needs the fixtures venv (.venv with keract, see Fixtures/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
model=Fixtures/models/seed_tf2.h5
image=Fixtures/images/photo_x.jpg
make_work

release_bin layerlens LayerLensBenchmarks
layerlens=("$bin/layerlens" trace "$model" "$image" --preprocess "gray,resize=28x28:area,invert" --labels A-Z -o "$work/report.png")
"${layerlens[@]}"
echo "layerlens  trace → PNG report: $(median_ms 20 "${layerlens[@]}")"
"$bin/LayerLensBenchmarks" report "$model" "$image" "gray,resize=28x28:area,invert"
keract=(env TF_USE_LEGACY_KERAS=1 .venv/bin/python Benchmarks/keract_trace.py "$model" "$image" "$work/keract")
"${keract[@]}" 2>/dev/null | tail -1
echo "keract     load + cv2 + get_activations + display_activations(save=True) + top-3: $(median_ms 10 "${keract[@]}")"
