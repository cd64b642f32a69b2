# Shared by the benchmark scripts, sourced from the repository root.

# `median_ms RUNS command…` runs the command RUNS times (output discarded) and
# prints the median and the fastest wall time in ms.
median_ms() {
    local runs=$1; shift
    local times=()
    for _ in $(seq "$runs"); do
        local start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        times+=($(( ($(date +%s%N) - start) / 1000 )))
    done
    local sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    local median=${sorted[$(( runs / 2 ))]}
    printf 'median %d.%d ms, fastest %d.%d ms over %d runs' $(( median / 1000 )) $(( (median % 1000) / 100 )) \
        $(( sorted[0] / 1000 )) $(( (sorted[0] % 1000) / 100 )) "$runs"
}

# `release_bin PRODUCT…` builds the products in release mode with Swift's runtime
# linked in, prints the machine line, and sets `bin` to the folder they are in.
release_bin() {
    for product in "$@"; do swift build -c release --static-swift-stdlib --product "$product" >/dev/null; done
    bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
    echo "machine: $(nproc) cores, $(uname -m); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
}

# `make_work` sets `work` to a fresh temporary folder, removed when the script exits.
make_work() {
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
}

# `applications_data` sets `data` to the folder of the keras.applications models
# at 224×224 (ResNet50, MobileNetV2, EfficientNetB0, seeded random weights, .h5
# and .keras) and their input, making them once with the fixtures venv.
applications_data() {
    data=Benchmarks/data/applications
    [ -f "$data/input.npy" ] || .venv/bin/python Benchmarks/keras_applications.py make "$data"
}
