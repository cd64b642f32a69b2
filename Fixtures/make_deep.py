#!/usr/bin/env python3
"""Writes Fixtures/deep/: a 1,002-layer Keras 3 model, for reports at any depth.

`deep1000_k3.keras`: 16×16×3 input → a stem Conv2D → 333 blocks of Conv2D(8, 3×3,
"same") → BatchNormalization → ReLU, with stride 2 at blocks 83, 166 and 249
(16 → 8 → 4 → 2 pixels) → GlobalAveragePooling2D → Dense(10, softmax). The
layers keep Keras's automatic names (conv2d_17, batch_normalization_17, …), so
the model carries no block names: reports must group it by its own structure.
Each convolution is near the identity (see `near_identity_kernel`) and each
BatchNormalization's moving statistics are its input's mean and variance on
the fixture input, with a scale and offset that undo them up to ±10% and a
little noise, so the activations neither vanish nor explode over 333 blocks and
the output is a real function of the input.

`deep1000_golden.npz`: `input` (1×16×16×3, seeded) and `output` (1×10), the
model's prediction as Keras computes it, so a test can check the depth end to
end; `deep1000_input.npy` is the same input, for the command line.

Run from the repository root, in the fixtures virtual environment (see
Fixtures/README.md):

    .venv/bin/python Fixtures/make_deep.py
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras
import numpy as np

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "deep")
SEED = 20261203
BLOCKS = 333
STRIDED = {83, 166, 249}


def near_identity_kernel(rng):
    """A 3×3×8×8 kernel that passes each channel on through its centre tap, plus
    noise: deep stacks of such blocks stay well-conditioned, so float32 round-off
    does not grow into a different prediction (a random He-initialised stack of
    333 blocks is chaotic: Keras itself drifts from its float64 result)."""
    kernel = rng.normal(0, 0.02, (3, 3, 8, 8)).astype("float32")
    kernel[1, 1] += np.eye(8, dtype="float32")
    return kernel


def main():
    sys.setrecursionlimit(20000)  # Keras walks the graph recursively, a frame or more per layer
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(SEED)
    rng = np.random.default_rng(SEED)
    sample = rng.uniform(0, 1, (1, 16, 16, 3)).astype("float32")
    # Calibrate while building: each BatchNormalization gets its input's statistics.
    inputs = keras.Input((16, 16, 3))
    layers = [keras.layers.Conv2D(8, 3, padding="same", kernel_initializer="he_normal")]
    value = layers[0](sample)
    tensor = layers[0](inputs)
    for block in range(BLOCKS):
        conv = keras.layers.Conv2D(8, 3, strides=2 if block in STRIDED else 1, padding="same")
        norm = keras.layers.BatchNormalization()
        relu = keras.layers.ReLU()
        conv.build(value.shape)
        conv.set_weights([near_identity_kernel(rng), rng.normal(0, 0.05, 8).astype("float32")])
        value = conv(value)
        norm.build(value.shape)
        mean = np.mean(np.asarray(value), axis=(0, 1, 2))
        variance = np.var(np.asarray(value), axis=(0, 1, 2)) + 0.5
        norm.set_weights([np.sqrt(variance).astype("float32") * rng.uniform(0.9, 1.1, 8).astype("float32"),
                          mean + rng.normal(0, 0.05, 8).astype("float32"), mean, variance])
        value = relu(norm(value, training=False))
        tensor = relu(norm(conv(tensor), training=False))
    tensor = keras.layers.GlobalAveragePooling2D()(tensor)
    outputs = keras.layers.Dense(10, activation="softmax")(tensor)
    model = keras.Model(inputs, outputs, name="deep1000")
    model.save(os.path.join(OUT, "deep1000_k3.keras"))
    output = model.predict(sample, verbose=0)
    np.savez(os.path.join(OUT, "deep1000_golden.npz"), input=sample, output=output)
    np.save(os.path.join(OUT, "deep1000_input.npy"), sample)
    print(f"{len(model.layers) - 1} layers, output {np.round(output, 4)}")


if __name__ == "__main__":
    main()
