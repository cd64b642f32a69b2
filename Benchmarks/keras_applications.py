"""The Keras side of Benchmarks/applications_vs_keras.sh.

`make DIR`: builds ResNet50, MobileNetV2 and EfficientNetB0 at 224×224 with
seeded random weights (nothing can be downloaded), saves each as Keras 3 `.keras`
and `.h5` into DIR, with one 224×224 RGB input in 0..255 as `input.npy`.

`trace MODEL INPUT`: what a Keras user runs to see every layer's output for one
input: load the model, build a model whose outputs are every layer's, run it
once. Prints the time of a second, warm run of that forward pass.

`predict MODEL INPUTS BATCH`: Keras `predict` over every input at that batch
size, after one warm-up batch; prints the time of the predict alone.

`inputs DIR COUNT`: COUNT random 224×224 RGB images in 0..255 as `DIR/x.npy`,
with random ImageNet labels in `DIR/y.npy` (for `layerlens eval`)."""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras

FAMILIES = ("ResNet50", "MobileNetV2", "EfficientNetB0")


def make(folder):
    os.makedirs(folder, exist_ok=True)
    keras.utils.set_random_seed(20261203)
    for family in FAMILIES:
        model = getattr(keras.applications, family)(weights=None, input_shape=(224, 224, 3))
        for extension in (".keras", ".h5"):
            model.save(os.path.join(folder, family + extension))
    image = np.random.default_rng(7).uniform(0, 255, (1, 224, 224, 3)).astype(np.float32)
    np.save(os.path.join(folder, "input.npy"), image)


def trace(model_path, input_path):
    model = keras.saving.load_model(model_path, compile=False)
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    probe = keras.Model(model.inputs, [layer.output for layer in layers])
    x = np.load(input_path)
    probe.predict(x, verbose=0)
    start = time.perf_counter()
    probe.predict(x, verbose=0)
    print(f"warm per-layer forward pass {1000 * (time.perf_counter() - start):.0f} ms")


def predict(model_path, input_path, batch_size):
    model = keras.saving.load_model(model_path, compile=False)
    x = np.load(input_path, mmap_mode="r")
    model.predict(np.asarray(x[:batch_size]), batch_size=batch_size, verbose=0)
    start = time.perf_counter()
    model.predict(x, batch_size=batch_size, verbose=0)
    elapsed = time.perf_counter() - start
    print(f"predict {len(x)} inputs at batch {batch_size}: {1000 * elapsed:.0f} ms = {len(x) / elapsed:.1f} inputs/s")


def inputs(folder, count):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(11)
    np.save(os.path.join(folder, "x.npy"), rng.uniform(0, 255, (count, 224, 224, 3)).astype(np.float32))
    np.save(os.path.join(folder, "y.npy"), rng.integers(0, 1000, count).astype(np.int64))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "make":
        make(arguments[0])
    elif command == "trace":
        trace(arguments[0], arguments[1])
    elif command == "predict":
        predict(arguments[0], arguments[1], int(arguments[2]))
    else:
        inputs(arguments[0], int(arguments[1]))
