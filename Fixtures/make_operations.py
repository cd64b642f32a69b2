#!/usr/bin/env python3
"""Writes the fixtures of operations inside models: what user code such as
`x * 2 + 1`, `tf.reshape(x, …)`, `x[:, 1:]` or `ops.mean(x, axis=1)` becomes in
a saved functional model (Keras 3 operation nodes, tf.keras 2 TFOpLambda and
SlicingOpLambda layers), merges that broadcast (squeeze-and-excite), and the
image preprocessing layers (Resizing, CenterCrop, Normalization with invert).

Each model is saved as Keras 3 `.keras`, Keras 3 `.h5` and tf.keras 2 `.h5`,
with goldens written by Keras itself: every node's output from one model whose
outputs are all the nodes, in config order (LayerLens's call order for these
graphs), and the model's own `predict`. The entries are added to
`goldens/manifest.json` as functional graphs, so the parity tests run them.

Run from the repository root, in the fixtures virtual environment (see
Fixtures/README.md), after make_fixtures.py:

    .venv/bin/python Fixtures/make_operations.py
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import keras
import tensorflow as tf
import tf_keras
from keras import ops

ROOT = os.path.dirname(os.path.abspath(__file__))
SEED = 20261203


# The functions each library's users call, by one name: Keras 3's `ops` (which
# become operation nodes) and TensorFlow's (which tf.keras 2 wraps in TFOpLambda).
OPERATIONS = {
    "keras": dict(maximum=ops.maximum, relu6=ops.relu6, reshape=ops.reshape, concatenate=ops.concatenate, mean=ops.mean,
                  sqrt=ops.sqrt, abs=ops.abs, transpose=ops.transpose, sigmoid=ops.sigmoid, sum=ops.sum, squeeze=ops.squeeze,
                  expand_dims=ops.expand_dims, exp=ops.exp, max=ops.max),
    "tf_keras": dict(maximum=tf.maximum, relu6=tf.nn.relu6, reshape=tf.reshape, concatenate=tf.concat, mean=tf.reduce_mean,
                     sqrt=tf.sqrt, abs=tf.abs, transpose=tf.transpose, sigmoid=tf.sigmoid, sum=tf.reduce_sum, squeeze=tf.squeeze,
                     expand_dims=tf.expand_dims, exp=tf.exp, max=tf.reduce_max),
}


def operations(lib):
    """Operations with scalar operands on either side, tensor operands,
    activations, reshapes, reductions and Python indexing: Keras 3 operation
    nodes, or tf.keras 2 TFOpLambda and SlicingOpLambda layers."""
    op = OPERATIONS[lib.__name__]
    x = lib.Input((8, 6, 3), name="image")
    a = x * 2.0 + 1.0
    b = 1.0 - a
    c = a / 3.0
    d = op["maximum"](b, 0.5)
    e = op["relu6"](c)
    f = op["reshape"](e, (-1, 48, 3))
    g = op["concatenate"]([f, f * 0.5], axis=1)
    h = op["mean"](g, axis=1)
    i = g[:, 1:9, ::2]
    j = op["sqrt"](op["abs"](h))
    k = op["transpose"](i, (0, 2, 1))
    m = op["sigmoid"](d)
    n = op["sum"](d, axis=[1, 2], keepdims=True)
    o = a - b
    p = x * x
    q = op["squeeze"](op["expand_dims"](j, 1), 1)
    r = x[:, -3:, 2, :]
    s = op["exp"](-op["abs"](r)) + op["max"](r, axis=-1, keepdims=True)
    return lib.Model(x, [q, k, m, n, o, p, s], name="operations")


def squeeze_excite(lib):
    """Merges whose inputs broadcast: a squeeze-and-excite gate ([H, W, C] × [1, 1, C]),
    Add, Subtract, Maximum of a map and a per-channel [1, 1, C], and Add of a map
    and a plain [C] vector (Keras inserts the missing axes after the batch axis)."""
    L = lib.layers
    x = lib.Input((9, 7, 4), name="image")
    features = L.Conv2D(6, 3, padding="same", activation="relu", name="features")(x)
    squeezed = L.GlobalAveragePooling2D(keepdims=True, name="squeeze")(features)
    gate = L.Conv2D(6, 1, activation="sigmoid", name="gate")(L.Conv2D(3, 1, activation="relu", name="reduce")(squeezed))
    excited = L.Multiply(name="excite")([features, gate])
    shifted = L.Add(name="shift")([excited, squeezed])
    centred = L.Subtract(name="centre")([shifted, squeezed])
    clipped = L.Maximum(name="clip")([centred, gate])
    biased = L.Add(name="bias")([clipped, L.GlobalMaxPooling2D(name="channel_max")(features)])
    return lib.Model(x, L.Dense(5, name="head")(L.GlobalMaxPooling2D(name="pool")(biased)), name="squeeze_excite")


def preprocessing(lib):
    """The image preprocessing layers, each on its own branch of a 20×30 RGB input."""
    L = lib.layers
    x = lib.Input((20, 30, 3), name="image")
    branches = [
        L.Resizing(16, 16, name="resize_bilinear")(x),
        L.Resizing(12, 10, interpolation="nearest", name="resize_nearest")(x),
        L.Resizing(16, 16, crop_to_aspect_ratio=True, name="resize_cropped")(x),
        L.CenterCrop(16, 16, name="crop")(x),
        L.Resizing(16, 16, name="resize_small")(L.CenterCrop(12, 24, name="crop_upsized")(x)),
    ]
    normalized = L.Normalization(mean=[100.0, 120.0, 140.0], variance=[400.0, 900.0, 1600.0], invert=True,
                                 name="denormalize")(L.Rescaling([0.01, 0.02, 0.03], offset=-1.0, name="per_channel")(branches[0]))
    joined = L.Concatenate(name="joined")([normalized, branches[2], branches[3], branches[4]])
    return lib.Model(x, [joined, branches[1]], name="preprocessing")


def unknown_classes_file():
    """`bad/unknown_classes_tf2.h5`: the squeeze-and-excite model with four layers
    renamed to classes LayerLens cannot run — a Lambda and three custom classes,
    one of them twice — which must all be listed in one error."""
    import h5py
    import shutil
    path = os.path.join(ROOT, "bad", "unknown_classes_tf2.h5")
    shutil.copy(os.path.join(ROOT, "models", "squeeze_excite_tf2.h5"), path)
    renamed = {"squeeze": "Lambda", "reduce": "MyBlock", "gate": "MyBlock", "excite": "Mystery", "shift": "Gizmo"}
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        for layer in config["config"]["layers"]:
            if layer["name"] in renamed:
                layer["class_name"] = renamed[layer["name"]]
        f.attrs["model_config"] = json.dumps(config)


def node_outputs(lib, model, inputs):
    """Every node's output (config order, InputLayers left out), by one model whose outputs they all are."""
    names = [entry.get("name", entry["config"]["name"]) for entry in model.get_config()["layers"] if entry["class_name"] != "InputLayer"]
    nodes = {node.name: node for node in (model.operations if lib is keras else model.layers)}
    probe = lib.Model(model.inputs, [nodes[name].output for name in names])
    values = probe.predict(inputs, verbose=0)
    return list(zip(names, values if isinstance(values, list) else [values]))


def write(manifest, name, lib, model, inputs, path):
    """Saves the goldens of `model` (already saved at `path`) and its manifest entry."""
    arrays = {"input_0": inputs}
    layers = []
    for index, (node, value) in enumerate(node_outputs(lib, model, inputs)):
        key = f"{index}_{node.replace('/', '.')}"
        arrays[key] = np.asarray(value, np.float32)
        layers.append({"index": index, "name": node, "key": key, "shape": list(arrays[key].shape), "class": "", "activation": ""})
    predicted = model.predict(inputs, verbose=0)
    for index, output in enumerate(predicted if isinstance(predicted, list) else [predicted]):
        arrays[f"output_{index}"] = np.asarray(output, np.float32)
    np.savez(os.path.join(ROOT, "goldens", f"{name}.npz"), **arrays)
    manifest["models"][name] = {"model": path, "golden": f"goldens/{name}.npz",
                                "keras_version": keras.__version__ if lib is keras else tf_keras.__version__,
                                "inputs": [f"sample_{i}" for i in range(len(inputs))], "accuracy_held_out": None,
                                "total_params": int(model.count_params()), "layers": layers, "graph": True}


def main():
    rng = np.random.default_rng(SEED)
    keras.utils.set_random_seed(SEED)
    tf_keras.utils.set_random_seed(SEED)
    manifest_path = os.path.join(ROOT, "goldens", "manifest.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    operation_inputs = rng.normal(0, 1.5, (4, 8, 6, 3)).astype(np.float32)
    map_inputs = rng.normal(0, 1, (4, 9, 7, 4)).astype(np.float32)
    images = rng.uniform(0, 255, (3, 20, 30, 3)).astype(np.float32)
    for name, lib, model, inputs, files in (
            ("operations", keras, operations(keras), operation_inputs, ("k3.keras", "k3.h5")),
            ("operations", tf_keras, operations(tf_keras), operation_inputs, ("tf2.h5",)),
            ("squeeze_excite", keras, squeeze_excite(keras), map_inputs, ("k3.keras", "k3.h5")),
            ("squeeze_excite", tf_keras, squeeze_excite(tf_keras), map_inputs, ("tf2.h5",)),
            ("preprocessing", keras, preprocessing(keras), images, ("k3.keras", "k3.h5")),
            ("preprocessing", tf_keras, preprocessing(tf_keras), images, ("tf2.h5",))):
        for file in files:
            path = f"models/{name}_{file}"
            model.save(os.path.join(ROOT, path))
            golden = name + "_" + {"k3.keras": "k3", "k3.h5": "k3_h5", "tf2.h5": "tf2"}[file]
            write(manifest, golden, lib, model, inputs, path)
            print(golden, model.count_params(), "params,", len(manifest["models"][golden]["layers"]), "nodes", flush=True)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
    unknown_classes_file()


if __name__ == "__main__":
    main()
