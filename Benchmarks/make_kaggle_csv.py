"""Writes a Kaggle-size letters CSV (372,450 rows, ~700 MB, like the A-Z set)
by repeating the committed sample's rows, for Benchmarks/parse_vs_numpy.sh.
The file goes under Benchmarks/data/, which git ignores."""
import os
import sys

out = sys.argv[1]
rows = [line for line in open("Fixtures/letters/letters_sample.csv") if line.strip()]
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    for i in range(372450):
        f.write(rows[i % len(rows)])
