#!/bin/sh
# Median wall time of 41 process starts: plain C, + libdnnl (engine create), + libXNNPACK (xnn_initialize).
set -eu
here=$(cd "$(dirname "$0")" && pwd); out=${1:-/tmp/convbench-startup}; mkdir -p "$out"
gcc -O2 -o "$out/plain" "$here/startup.c"
gcc -O2 -DUSE_DNNL -o "$out/dnnl" "$here/startup.c" -ldnnl
gcc -O2 -DUSE_XNN -o "$out/xnn" "$here/startup.c" -lXNNPACK -lpthreadpool
for b in plain dnnl xnn; do
    python3 - "$out/$b" <<'PY'
import statistics, subprocess, sys, time
ts = []
for _ in range(41):
    t = time.perf_counter(); subprocess.run([sys.argv[1]], check=True); ts.append(time.perf_counter() - t)
print(f"{sys.argv[1].rsplit('/', 1)[1]:6s} median {statistics.median(ts) * 1e3:.2f} ms  min {min(ts) * 1e3:.2f} ms")
PY
done
