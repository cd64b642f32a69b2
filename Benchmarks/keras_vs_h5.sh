#!/usr/bin/env bash
# What a .keras archive costs against the same model as .h5: whole-process wall
# time and peak memory (/usr/bin/time -v's "Maximum resident set size") of
# `layerlens summary` (the load alone) and `layerlens trace --dump DIR --no-report`,
# for Keras 3's VGG16 and ResNet50 (random weights), the median of RUNS runs
# each (wall time; CPU time, user + system, is steadier on a busy machine).
# The four model files are made under the git-ignored Benchmarks/data/ with the
# fixtures venv (PYTHON, default .venv/bin/python; see Fixtures/README.md) when
# missing. BIN=folder measures the layerlens found there instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
python=${PYTHON:-.venv/bin/python}
runs=${RUNS:-5}
data=Benchmarks/data
models=(vgg16 resnet50)
image=Fixtures/images/flower.jpg

mkdir -p "$data"
for model in "${models[@]}"; do
    for format in keras h5; do
        [[ -f "$data/$model.$format" ]] && continue
        echo "making $data/$model.$format ..."
        TF_CPP_MIN_LOG_LEVEL=3 "$python" - "$model" "$data/$model.$format" <<'EOF' 2>/dev/null
import sys
import keras
builders = {"vgg16": keras.applications.VGG16, "resnet50": keras.applications.ResNet50}
builders[sys.argv[1]](weights=None).save(sys.argv[2])
EOF
    done
done

if [[ -n ${BIN:-} ]]; then bin=$BIN; else release_bin layerlens; fi
make_work

# `median FILE COLUMN` prints the median of a column of numbers.
median() { cut -d' ' -f"$2" "$1" | sort -n | sed -n "$(( runs / 2 + 1 ))p"; }

# `measure COMMAND…` runs the command RUNS times and prints the medians of its
# wall time (s), CPU time (s) and peak resident memory (MB).
measure() {
    : > "$work/runs"
    for _ in $(seq "$runs"); do
        rm -rf "$work/dump"
        /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>&1
        read -r wall user system kilobytes < "$work/time"
        echo "$wall $(printf "%.2f" "$(echo "$user + $system" | bc)") $(( kilobytes / 1024 ))" >> "$work/runs"
    done
    echo "$(median "$work/runs" 1) $(median "$work/runs" 2) $(median "$work/runs" 3)"
}

ratio() { printf '%.2f' "$(echo "$2 / $1" | bc -l)"; }

printf '\n%-9s %-8s %-22s %-22s %-22s\n' "" "" "wall s (h5, keras, ×)" "CPU s (h5, keras, ×)" "peak MB (h5, keras, ×)"
for model in "${models[@]}"; do
    for command in summary trace; do
        declare -A wall=() cpu=() peak=()
        for format in h5 keras; do
            arguments=(summary "$data/$model.$format")
            [[ $command == trace ]] && arguments=(trace "$data/$model.$format" "$image" --dump "$work/dump" --no-report)
            read -r "wall[$format]" "cpu[$format]" "peak[$format]" <<< "$(measure "$bin/layerlens" "${arguments[@]}")"
        done
        printf '%-9s %-8s %-22s %-22s %-22s\n' "$model" "$command" \
            "${wall[h5]} ${wall[keras]} $(ratio "${wall[h5]}" "${wall[keras]}")" \
            "${cpu[h5]} ${cpu[keras]} $(ratio "${cpu[h5]}" "${cpu[keras]}")" \
            "${peak[h5]} ${peak[keras]} $(ratio "${peak[h5]}" "${peak[keras]}")"
    done
done
