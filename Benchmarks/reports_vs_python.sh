#!/usr/bin/env bash
# Reports of a real network, LayerLens beside Keras + matplotlib in one run: ResNet50
# at 224×224 (seeded random weights, made once under the git-ignored
# Benchmarks/data/applications) on the bundled 300×300 flower photo, whole
# process each time:
#   layerlens trace → PNG report (the overview of every layer + the layers to look at first),
#   layerlens trace → HTML report (every layer in full, interactive),
#   Keras + matplotlib: load, resize, every layer's output, one figure per layer
#   drawn as keract draws them (keract itself needs the Keras 2 API, which cannot
#   load a Keras 3 file), top-3.
# Then the seed model's trace → PNG, the main job. Needs the fixtures venv (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
applications_data
make_work
release_bin layerlens
runs=${RUNS:-5}
image=Fixtures/images/flower.jpg
for format in png html; do
    report=("$bin/layerlens" trace "$data/ResNet50.h5" "$image" --preprocess resize=224x224 -o "$work/report.$format")
    "${report[@]}" >/dev/null
    echo "ResNet50 224  layerlens trace → $format: $(median_ms "$runs" "${report[@]}"), $(( $(stat -c %s "$work/report.$format") / 1024 )) KiB"
done
python=(.venv/bin/python Benchmarks/matplotlib_resnet50.py "$data/ResNet50.h5" "$image" "$work/matplotlib")
echo "ResNet50 224  keras + matplotlib (every layer plotted): $(median_ms 1 "${python[@]}")  ($("${python[@]}" 2>/dev/null | tail -1))"
seed=("$bin/layerlens" trace Fixtures/models/seed_tf2.h5 Fixtures/images/photo_x.jpg --preprocess gray,resize=28x28:area,invert --labels A-Z -o "$work/seed.png")
"${seed[@]}" >/dev/null
echo "seed model    layerlens trace → png: $(median_ms 20 "${seed[@]}")"
