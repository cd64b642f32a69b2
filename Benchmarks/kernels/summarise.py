#!/usr/bin/env python3
"""Summarise convbench raw output: median over runs of per-run medians, min of mins, worst error."""
import statistics, sys
from collections import OrderedDict

rows = OrderedDict()
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 12:
        continue
    run, layer, n, impl, thr, med, mn, gf, err, create, first, note = f[:12]
    key = (layer, int(n), impl, int(thr))
    r = rows.setdefault(key, {"med": [], "min": [], "err": 0.0, "create": [], "note": note})
    r["med"].append(float(med)); r["min"].append(float(mn)); r["create"].append(float(create))
    r["err"] = max(r["err"], float(err))

def flops(layer, n):
    # recomputed from the layer label so that GFLOP/s uses the median of medians
    table = {"1": (56, 56, 9, 64, 64), "2": (56, 56, 1, 64, 256), "3": (112, 112, 49, 3, 64), "4": (14, 14, 9, 256, 256),
             "5": (28, 28, 1, 256, 512), "6": (56, 56, 9, 1, 144), "7": (56, 56, 9, 1, 96), "8": (14, 14, 25, 1, 480)}
    oh, ow, kk, c, f = table[layer.split()[0]]
    return 2.0 * n * oh * ow * kk * c * f

print("| layer | N | impl | thr | ms median | ms min | GFLOP/s (median) | max rel err | create ms | runs |")
print("|---|---|---|---|---|---|---|---|---|---|")
order = sorted(rows, key=lambda k: (int(k[0].split()[0]), k[1], k[3], k[2]))
for key in order:
    r = rows[key]; layer, n, impl, thr = key
    m = statistics.median(r["med"])
    print(f"| {layer} | {n} | {impl} | {thr} | {m:.3f} | {min(r['min']):.3f} | {flops(layer, n) / m * 1e-6:.1f} | {r['err']:.1e} | "
          f"{statistics.median(r['create']):.2f} | {len(r['med'])} |")
notes = OrderedDict()
for key in order:
    if key[2].startswith("dnnl"):
        notes.setdefault((key[0], key[1], key[3]), rows[key]["note"])
print("\noneDNN implementation / layouts chosen (src/dst 'any'):")
for (layer, n, thr), note in notes.items():
    print(f"- {layer} N={n} t={thr}: {note}")
