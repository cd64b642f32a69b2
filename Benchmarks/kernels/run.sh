#!/bin/sh
# Build and run the Conv2D kernel benchmark (convbench.c) several times per thread count,
# then summarise (median over runs of each run's median; min over all repetitions).
#
# Installs nothing. Needs these Debian bookworm packages:
#   apt-get install gcc libopenblas-dev libdnnl-dev libxnnpack-dev libpthreadpool-dev
# (libxnnpack-dev does NOT pull in libpthreadpool-dev, although xnnpack.h includes pthreadpool.h.)
#
# Usage: Benchmarks/kernels/run.sh [runs] [reps] [outdir]      defaults: 3 runs, 9 reps, /tmp/convbench-out
set -eu
here=$(cd "$(dirname "$0")" && pwd)
runs=${1:-3}; reps=${2:-9}; out=${3:-/tmp/convbench-out}
mkdir -p "$out"
nice -n 10 gcc -std=c11 -O3 -march=native -fopenmp -o "$out/convbench" "$here/convbench.c" \
    -l:libopenblas.a -ldnnl -lXNNPACK -lpthreadpool -lpthread -lm
: > "$out/raw.tsv"
for t in 1 2; do
    i=1
    while [ "$i" -le "$runs" ]; do
        # oneDNN's Debian build uses the OpenMP runtime: OMP_NUM_THREADS (and omp_set_num_threads in the program) set its threads.
        OMP_NUM_THREADS=$t "$out/convbench" -t "$t" -r "$reps" -i blas,dnnl-any,dnnl-nhwc,xnn > "$out/run$i-t$t.tsv"
        # Forced nChw16c, without the stem: with 3 input channels oneDNN 2.6 falls back to "ref:any" (~6 s per image).
        OMP_NUM_THREADS=$t "$out/convbench" -t "$t" -r "$reps" -i dnnl-blk16 -l 1,2,4,5,6,7,8 | tail -n +2 >> "$out/run$i-t$t.tsv"
        tail -n +2 "$out/run$i-t$t.tsv" | sed "s/^/run$i\t/" >> "$out/raw.tsv"
        i=$((i + 1))
    done
done
python3 "$here/summarise.py" "$out/raw.tsv" | tee "$out/summary.md"
