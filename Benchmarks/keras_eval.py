"""The Python way to evaluate the seed model on a Kaggle-style CSV, as the seed
case's owner did it: numpy.loadtxt, Keras predict, NumPy accuracy and confusion.
With --layers, also what `layerlens eval` adds: every layer's output (one
multi-output predict) and its dead units, means and standard deviations.
Prints the stage times and the accuracy (to check both sides agree)."""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import numpy as np
import tf_keras

model_path, data_path = sys.argv[1], sys.argv[2]
layers, batch_size = "--layers" in sys.argv, 32
for argument in sys.argv[3:]:
    if argument.startswith("--batch-size="):
        batch_size = int(argument.split("=")[1])

start = time.perf_counter()
rows = np.loadtxt(data_path, delimiter=",", dtype=np.float32)
x, y = rows[:, 1:], rows[:, 0].astype(np.int64)
parsed = time.perf_counter()
model = tf_keras.models.load_model(model_path)
if layers:
    tracer = tf_keras.Model(model.inputs, [layer.output for layer in model.layers])
    outputs = tracer.predict(x, batch_size=batch_size, verbose=0)
    logits = outputs[-1]
else:
    logits = model.predict(x, batch_size=batch_size, verbose=0)
predicted = time.perf_counter()
labels = logits.argmax(axis=1)
confusion = np.zeros((26, 26), np.int64)
np.add.at(confusion, (y, labels), 1)
accuracy = np.trace(confusion) / len(y)
if layers:
    for out in outputs:
        flat = out.reshape(-1, out.shape[-1]).astype(np.float64)
        dead, mean, std = np.flatnonzero(~(flat > 0).any(axis=0)), flat.mean(axis=0), flat.std(axis=0)
done = time.perf_counter()
print(f"rows {len(y)}, accuracy {accuracy:.4f}; loadtxt {parsed - start:.2f} s, predict (batch {batch_size}) "
      f"{predicted - parsed:.2f} s, NumPy {done - predicted:.2f} s, total {done - start:.2f} s")
