"""Writes Fixtures/hostile/config/: small Keras model files, one per hostile
number in a config or weight header, that LayerLens must refuse with a clear
error instead of trapping or allocating what the file merely declares.

Run with the fixtures venv: .venv/bin/python Fixtures/hostile/make_config_hostile.py

The .h5 files are written directly with h5py in tf.keras 2's layout (a
`model_config` attribute and a `model_weights` group), so each stays a few KB;
the .keras file is Fixtures/models/conv_zoo_k3.keras with its config.json edited.
"""
import json
import os
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "config")
MODELS = os.path.join(HERE, "..", "models")
HUGE = 1e300


def layer(class_name, name, inbound=None, **config):
    entry = {"class_name": class_name, "name": name, "config": {"name": name, "trainable": True, "dtype": "float32", **config}}
    if inbound is not None:
        entry["inbound_nodes"] = [[[source, 0, 0, {}] for source in inbound]]
    return entry


def input_layer(name, shape):
    return {"class_name": "InputLayer", "name": name, "config": {"batch_input_shape": [None, *shape], "dtype": "float32", "name": name}, "inbound_nodes": []}


def sequential(shape, layers):
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": [input_layer("input_1", shape)] + layers}}


def functional(layers, inputs, outputs):
    return {"class_name": "Functional", "config": {"name": "model", "layers": layers,
                                                   "input_layers": [[name, 0, 0] for name in inputs],
                                                   "output_layers": [[name, 0, 0] for name in outputs]}}


def write_h5(name, config, weights=None):
    """`weights`: {layer: [(weight name, array or a callable making the dataset)]}."""
    weights = weights or {}
    with h5py.File(os.path.join(OUT, name), "w", libver="latest") as f:
        f.attrs["keras_version"] = "2.21.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = np.array([n.encode() for n in weights], dtype="S")
        for layer_name, arrays in weights.items():
            layer_group = group.create_group(layer_name)
            layer_group.attrs["weight_names"] = np.array([f"{layer_name}/{n}:0".encode() for n, _ in arrays], dtype="S")
            for weight_name, value in arrays:
                path = f"{layer_name}/{weight_name}:0"
                if callable(value):
                    value(layer_group, path)
                else:
                    layer_group.create_dataset(path, data=np.asarray(value, dtype=np.float32))


def dense(name, units, inputs, **extra):
    config = sequential([inputs], [layer("Dense", name, units=units, activation="linear", use_bias=True, **extra)])
    return config, {name: [("kernel", np.zeros((inputs, units))), ("bias", np.zeros(units))]}


def declared_only(shape):
    """A float32 dataset whose dataspace is `shape` but which stores nothing:
    chunked, never written, read back as its fill value."""
    def make(group, path):
        group.create_dataset(path, shape=shape, dtype=np.float32, chunks=tuple(min(s, 64) for s in shape), fillvalue=0)
    return make


def main():
    os.makedirs(OUT, exist_ok=True)
    for stale in os.listdir(OUT):
        os.remove(os.path.join(OUT, stale))

    write_h5("shape_1e300.h5", sequential([HUGE], [layer("ReLU", "re_lu")]))
    write_h5("padding_1e300.h5", sequential([4, 4, 1], [layer("ZeroPadding2D", "zero_padding2d", padding=HUGE)]))
    write_h5("node_index_1e300.h5", functional(
        [input_layer("input_1", [4]), {**layer("ReLU", "re_lu"), "inbound_nodes": [[["input_1", HUGE, 0, {}]]]}],
        ["input_1"], ["re_lu"]))
    write_h5("axis_1e300.h5", sequential([4], [layer("Softmax", "softmax", axis=HUGE)]))
    write_h5("kernel_size_1e300.h5", sequential([8, 8, 1], [layer("Conv2D", "conv2d", filters=1, kernel_size=HUGE)]))
    write_h5("softmax_axis_99.h5", sequential([4], [layer("Softmax", "softmax", axis=99)]))
    write_h5("cropping_negative.h5", sequential([4, 4, 1], [layer("Cropping2D", "cropping2d", cropping=[[-3, 0], [0, 0]])]))
    write_h5("cropping_over_input.h5", sequential([4, 4, 1], [layer("Cropping2D", "cropping2d", cropping=[[3, 3], [0, 0]])]))
    write_h5("repeat_negative.h5", sequential([4], [layer("RepeatVector", "repeat_vector", n=-2)]))
    write_h5("units_zero.h5", *dense("dense", 0, 4))
    write_h5("reshape_overflow.h5", sequential([4], [layer("Reshape", "reshape", target_shape=[2 ** 31, 2 ** 31, 2 ** 31, -1])]))
    write_h5("upsampling_overflow.h5", sequential([1, 1, 1], [
        layer("UpSampling2D", "up_sampling2d", size=[2 ** 31, 2 ** 31], interpolation="nearest"),
        layer("Flatten", "flatten")]))
    # A Dense layer of 2^20 × 2^20 units: the config and the file agree on a
    # 4 TiB kernel that the file (a few KB) does not hold.
    write_h5("kernel_4tib.h5", sequential([2 ** 20], [layer("Dense", "dense", units=2 ** 20, activation="linear", use_bias=False)]),
             {"dense": [("kernel", declared_only((2 ** 20, 2 ** 20)))]})
    # 8 GiB declared (2^16 × 2^15 floats), never written: over the weight limit.
    write_h5("kernel_8gib.h5", sequential([2 ** 16], [layer("Dense", "dense", units=2 ** 15, activation="linear", use_bias=False)]),
             {"dense": [("kernel", declared_only((2 ** 16, 2 ** 15)))]})
    # 2 GiB declared (2^15 × 2^14 floats), under the weight limit, never written:
    # the file stores none of it.
    write_h5("kernel_2gib_unwritten.h5", sequential([2 ** 15], [layer("Dense", "dense", units=2 ** 14, activation="linear", use_bias=False)]),
             {"dense": [("kernel", declared_only((2 ** 15, 2 ** 14)))]})
    # Five Dense layers of 2^15 × 2^15 floats, each under the weight limit and
    # never written: 20 GiB declared in all, over the limit for a whole model.
    width = 2 ** 15
    write_h5("weights_20gib_in_all.h5",
             sequential([width], [layer("Dense", f"dense_{i}", units=width, activation="linear", use_bias=False) for i in range(5)]),
             {f"dense_{i}": [("kernel", declared_only((width, width)))] for i in range(5)})

    # 20,000 layers listed last first: ReLU, with a Dense(1) every 20th layer
    # (each Dense costs an HDF5 group and dataset; this keeps the file small).
    count = 20_000
    chain = [input_layer("input_1", [1])]
    weights = {}
    previous = "input_1"
    for index in range(count):
        name = f"l{index}"
        inbound = [[[previous, 0, 0, {}]]]
        if index % 20 == 0:
            chain.append({"class_name": "Dense", "name": name, "inbound_nodes": inbound,
                          "config": {"name": name, "units": 1, "activation": "linear", "use_bias": False}})
            weights[name] = [("kernel", np.ones((1, 1)))]
        else:
            chain.append({"class_name": "ReLU", "name": name, "inbound_nodes": inbound, "config": {"name": name}})
        previous = name
    write_h5("chain_20000_reversed.h5", functional([chain[0]] + chain[:0:-1], ["input_1"], [previous]), weights)

    # 3,000 ReLU branches off one input, joined by one Concatenate.
    branches = [{"class_name": "ReLU", "name": f"b{index}", "inbound_nodes": [[["input_1", 0, 0, {}]]], "config": {"name": f"b{index}"}}
                for index in range(3000)]
    joined = layer("Concatenate", "concatenate", [branch["name"] for branch in branches], axis=-1)
    write_h5("fanout_3000.h5", functional([input_layer("input_1", [2])] + branches + [joined], ["input_1"], ["concatenate"]))

    # A Keras 3 archive: conv_zoo's first Conv2D with kernel_size 1e300.
    with zipfile.ZipFile(os.path.join(MODELS, "conv_zoo_k3.keras")) as source:
        members = {name: source.read(name) for name in source.namelist()}
    config = json.loads(members["config.json"])
    conv = next(entry for entry in config["config"]["layers"] if entry["class_name"] == "Conv2D")
    conv["config"]["kernel_size"] = [HUGE, HUGE]
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(os.path.join(OUT, "kernel_size_1e300.keras"), "w") as target:
        for name, data in members.items():
            target.writestr(name, data, compress_type=zipfile.ZIP_STORED)


if __name__ == "__main__":
    main()
