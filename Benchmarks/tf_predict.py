"""TensorFlow's side of Benchmarks/foundation.sh: model.predict over the same
inputs, the same with every layer's output kept (as keract does), and the
whole-process time of loading the model and predicting one input."""
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
first = np.load(inputs_path)[:1].reshape((1,) + tuple(model.input_shape[1:]))
model.predict(first, verbose=0)
whole = time.perf_counter() - start

x = np.load(inputs_path).reshape((-1,) + tuple(model.input_shape[1:]))


def sorted_times(predictor, runs):
    """Wall times of `runs` batched predicts after one warm-up, fastest first."""
    predictor.predict(x, batch_size=1024, verbose=0)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        predictor.predict(x, batch_size=1024, verbose=0)
        times.append(time.perf_counter() - t)
    return sorted(times)


times = sorted_times(model, 5)
print(f"tensorflow import+load+predict one input {whole * 1e3:.0f} ms | {len(x)} inputs: model.predict median "
      f"{times[2] * 1e3:.1f} ms = {len(x) / times[2]:.0f} inputs/s (best {len(x) / times[0]:.0f})")

# The Python way to keep every layer's output, as keract does: a model whose outputs are all layers'.
times = sorted_times(tf_keras.Model(model.inputs, [layer.output for layer in model.layers]), 3)
print(f"tensorflow every layer kept (Model(inputs, [l.output for l in layers]).predict): median {times[1] * 1e3:.1f} ms "
      f"= {len(x) / times[1]:.0f} inputs/s")
