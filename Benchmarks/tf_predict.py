"""TensorFlow's side of Benchmarks/run.sh: the seed model's model.predict over the
same inputs, and the whole-process time of loading the model and predicting one
input, as a Python user would run it."""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("GLOG_minloglevel", "3")
start = time.perf_counter()
import numpy as np
import tf_keras

model_path, inputs_path = sys.argv[1], sys.argv[2]
model = tf_keras.models.load_model(model_path)
first = np.load(inputs_path)[:1]
model.predict(first, verbose=0)
whole = time.perf_counter() - start

x = np.load(inputs_path)
model.predict(x, batch_size=1024, verbose=0)  # warm-up
times = []
for _ in range(5):
    t = time.perf_counter()
    model.predict(x, batch_size=1024, verbose=0)
    times.append(time.perf_counter() - t)
times.sort()
print(f"tensorflow import+load+predict one input {whole * 1e3:.0f} ms | {len(x)} inputs: model.predict median "
      f"{times[2] * 1e3:.1f} ms = {len(x) / times[2]:.0f} inputs/s (best {len(x) / times[0]:.0f})")
