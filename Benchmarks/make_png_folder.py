"""Writes the first N rows of the committed letters sample as 28×28 grey PNGs
into a folder, for Benchmarks/logits_vs_keras.sh (cycling through the rows when
N is larger than the sample)."""
import os
import sys

import numpy as np
from PIL import Image

folder, count = sys.argv[1], int(sys.argv[2])
rows = np.loadtxt("Fixtures/letters/letters_sample.csv", delimiter=",", dtype=np.uint8)
os.makedirs(folder, exist_ok=True)
for i in range(count):
    Image.fromarray(rows[i % len(rows), 1:].reshape(28, 28)).save(os.path.join(folder, f"letter_{i:04d}.png"))
