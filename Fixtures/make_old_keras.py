#!/usr/bin/env python3
"""Writes Fixtures/old_keras/: model files as standalone Keras 2.0-2.3 (through
h5py 2.x) and Keras 1 wrote them, with the goldens Keras computes for them.

Old Keras cannot be installed beside TensorFlow 2.21, so this script writes such
files itself. Models are built (or, for the seed model, loaded) with tf_keras;
their per-layer outputs on a few inputs are computed by tf_keras on that
original model (the goldens); then each file is written from scratch with h5py
as the old saving code laid it out (keras/engine/topology.py and saving.py of
Keras 2.0-2.3): root attributes `keras_version`, `backend`, `model_config`,
`training_config`; `model_weights` with `layer_names`, `backend`,
`keras_version`, and per layer a group with `weight_names` and its arrays at
`<layer>/<weight name>`. The config is rewritten into the old dialect (class
`Model`, a Sequential as a bare list of layers up to Keras 2.2.2, the option
sets and initializer/regularizer spellings of Keras 2.0) and every string
attribute is written in one HDF5 string kind per file.

Run from the repository root, in the fixtures virtual environment (see
Fixtures/README.md):

    .venv/bin/python Fixtures/make_old_keras.py
"""
import json
import os
import struct

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import zipfile

import h5py
import keras  # Keras 3, for the .keras archives
import numpy as np
import tf_keras

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "old_keras")
SEED = 20261203
L = tf_keras.layers

# ---------------------------------------------------------------------------
# HDF5 string kinds
# ---------------------------------------------------------------------------

# How each file writes its string attributes: single values (`keras_version`,
# `backend`, `model_config`, `training_config`) and lists (`layer_names`,
# `weight_names`). An empty list is always an empty float64 array, as h5py 2.x
# wrote `numpy.asarray([])`.
KINDS = {
    # h5py 2.x storing Keras 2's `str.encode('utf8')` bytes: a bytes object became a
    # variable-length ASCII scalar, a list of bytes a fixed-length ASCII array.
    "h5py2": {"single": ("vlen", h5py.h5t.CSET_ASCII, None), "list": ("fixed", h5py.h5t.CSET_ASCII, h5py.h5t.STR_NULLPAD)},
    "vlen_utf8": {"single": ("vlen", h5py.h5t.CSET_UTF8, None), "list": ("vlen", h5py.h5t.CSET_UTF8, None)},
    "fixed_ascii": {"single": ("fixed", h5py.h5t.CSET_ASCII, h5py.h5t.STR_NULLPAD), "list": ("fixed", h5py.h5t.CSET_ASCII, h5py.h5t.STR_NULLPAD)},
    "fixed_utf8": {"single": ("fixed", h5py.h5t.CSET_UTF8, h5py.h5t.STR_NULLTERM), "list": ("fixed", h5py.h5t.CSET_UTF8, h5py.h5t.STR_SPACEPAD)},
    # Single values as one-element arrays (variable-length ASCII), lists likewise.
    "one_element": {"single": ("vlen", h5py.h5t.CSET_ASCII, None), "list": ("vlen", h5py.h5t.CSET_ASCII, None), "single_shape": (1,)},
}


def string_type(length_kind, charset, padding, width):
    string = h5py.h5t.C_S1.copy()
    string.set_cset(charset)
    if length_kind == "vlen":
        string.set_size(h5py.h5t.VARIABLE)
    else:
        string.set_size(width)
        string.set_strpad(padding)
    return string


def write_strings(obj, name, values, kind, single):
    """Writes `values` (a str, or a list of str) as attribute `name` of `obj` in `kind`."""
    spec = KINDS[kind]
    if not single and not values:
        obj.attrs.create(name, np.zeros((0,), np.float64))
        return
    length_kind, charset, padding = spec["single" if single else "list"]
    encoded = [values.encode()] if single else [value.encode() for value in values]
    shape = spec.get("single_shape", ()) if single else (len(encoded),)
    width = max(len(value) for value in encoded) + (1 if padding == h5py.h5t.STR_NULLTERM else 0)
    file_type = string_type(length_kind, charset, padding, width)
    space = h5py.h5s.create_simple(shape) if shape else h5py.h5s.create(h5py.h5s.SCALAR)
    attribute = h5py.h5a.create(obj.id, name.encode(), file_type, space)
    if length_kind == "vlen":
        memory = h5py.string_dtype("utf-8" if charset == h5py.h5t.CSET_UTF8 else "ascii")
        data = np.array(encoded, dtype=memory).reshape(shape)
        attribute.write(data, mtype=h5py.h5t.py_create(data.dtype))
    else:
        fill = b" " if padding == h5py.h5t.STR_SPACEPAD else b"\0"
        data = np.array([value.ljust(width, fill) for value in encoded], dtype=f"S{width}").reshape(shape)
        attribute.write(data, mtype=file_type)


# ---------------------------------------------------------------------------
# The Keras 2.0 config dialect
# ---------------------------------------------------------------------------

COMMON = ["name", "trainable"]
CONV = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias",
        "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "bias_constraint"]
# The options each class's get_config wrote in Keras 2.0.5 (keras/layers/*.py).
KERAS_2_0_OPTIONS = {
    "InputLayer": ["batch_input_shape", "dtype", "sparse", "name"],
    "Conv2D": COMMON + CONV,
    "SeparableConv2D": COMMON + [key for key in CONV if key not in ("kernel_initializer", "kernel_regularizer", "kernel_constraint")] + [
        "depth_multiplier", "depthwise_initializer", "pointwise_initializer", "depthwise_regularizer",
        "pointwise_regularizer", "depthwise_constraint", "pointwise_constraint"],
    "BatchNormalization": COMMON + ["axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
                                    "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
                                    "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"],
    "Activation": COMMON + ["activation"],
    "MaxPooling2D": COMMON + ["pool_size", "padding", "strides", "data_format"],
    "GlobalAveragePooling2D": COMMON + ["data_format"],
    "Add": COMMON,
    "Dense": COMMON + ["units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
                       "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"],
}


def old_serialized(value):
    """Initializers and regularizers as Keras 2.0 serialized them: no `module` or
    `registered_name`, Glorot as the VarianceScaling it was, L2 as L1L2."""
    if not isinstance(value, dict):
        return value
    name, config = value["class_name"], value.get("config", {})
    if name == "GlorotUniform":
        return {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
    if name in ("Zeros", "Ones"):
        return {"class_name": name, "config": {}}
    if name == "L2":
        return {"class_name": "L1L2", "config": {"l1": 0.0, "l2": config["l2"]}}
    raise ValueError(f"no Keras 2.0 spelling for {name}")


def old_layer_config(class_name, config, rename):
    """A layer's config with the options Keras 2.0.5 wrote, in its spellings."""
    old = {key: old_serialized(config[key]) for key in KERAS_2_0_OPTIONS[class_name]}
    old["name"] = rename(old["name"])
    if class_name == "BatchNormalization":
        assert config["axis"] in ([3], [1], -1), config["axis"]
        old["axis"] = -1
    return old


def old_functional_config(model_config, rename):
    """A functional tf_keras config as Keras 2.0-2.3 wrote it: class `Model`."""
    body = model_config["config"]
    layers = []
    for layer in body["layers"]:
        layers.append({
            "name": rename(layer["name"]),
            "class_name": layer["class_name"],
            "config": old_layer_config(layer["class_name"], layer["config"], rename),
            "inbound_nodes": [[[rename(name), node, tensor, kwargs] for name, node, tensor, kwargs in call]
                              for call in layer["inbound_nodes"]],
        })
    refs = lambda items: [[rename(name), node, tensor] for name, node, tensor in items]
    return {"class_name": "Model", "config": {"name": body["name"], "layers": layers,
                                              "input_layers": refs(body["input_layers"]),
                                              "output_layers": refs(body["output_layers"])}}


def old_sequential_config(model_config, rename, bare_list, name):
    """A tf_keras Sequential config as Keras 2.0-2.3 wrote it: no InputLayer, its
    `batch_input_shape` and `dtype` on the first layer; a bare list of layers up
    to Keras 2.2.2, `{"name", "layers"}` from 2.2.4 on."""
    entries = model_config["config"]["layers"]
    assert entries[0]["class_name"] == "InputLayer"
    layers = []
    for index, layer in enumerate(entries[1:]):
        config = old_layer_config(layer["class_name"], layer["config"], rename)
        if index == 0:
            config["batch_input_shape"] = entries[0]["config"]["batch_input_shape"]
            config["dtype"] = "float32"
        layers.append({"class_name": layer["class_name"], "config": config})
    return {"class_name": "Sequential", "config": layers if bare_list else {"name": name, "layers": layers}}


OLD_TRAINING_CONFIG = {"optimizer_config": {"class_name": "Adam", "config": {"lr": 0.001, "beta_1": 0.9, "beta_2": 0.999,
                                                                            "epsilon": 1e-08, "decay": 0.0}},
                       "loss": "categorical_crossentropy", "metrics": ["accuracy"], "sample_weight_mode": None,
                       "loss_weights": None}


def write_old_file(path, model, model_config, kind, keras_version, backend="tensorflow", rename=lambda name: name,
                   transform=lambda layer, weights: weights, split_lists=1):
    """Writes `model` as Keras 2.x's save_model laid it out, with `model_config`
    (already in the old dialect) and every string attribute in `kind`.
    `transform` changes a layer's arrays as stored (the Theano kernels);
    `split_lists` > 1 splits `layer_names` and `weight_names` into numbered
    chunks as save_attributes_to_hdf5_group did for attributes over 64 KiB."""
    def write_list(obj, name, values):
        if split_lists == 1 or not values:
            write_strings(obj, name, values, kind, single=False)
            return
        for chunk, part in enumerate(np.array_split(np.array(values, dtype=object), split_lists)):
            write_strings(obj, f"{name}{chunk}", list(part), kind, single=False)

    layers = model.layers  # a functional model's include its InputLayer, a Sequential's do not, as in Keras 2
    with h5py.File(path, "w", libver="earliest") as f:
        write_strings(f, "keras_version", keras_version, kind, single=True)
        write_strings(f, "backend", backend, kind, single=True)
        write_strings(f, "model_config", json.dumps(model_config), kind, single=True)
        write_strings(f, "training_config", json.dumps(OLD_TRAINING_CONFIG), kind, single=True)
        weights_group = f.create_group("model_weights")
        write_list(weights_group, "layer_names", [rename(layer.name) for layer in layers])
        write_strings(weights_group, "backend", backend, kind, single=True)
        write_strings(weights_group, "keras_version", keras_version, kind, single=True)
        for layer in layers:
            group = weights_group.create_group(rename(layer.name))
            names = [rename(w.name.split("/")[0]) + "/" + w.name.split("/", 1)[1] for w in layer.weights]
            write_list(group, "weight_names", names)
            for name, value in zip(names, transform(layer, [w.numpy() for w in layer.weights])):
                group.create_dataset(name, data=value)


# ---------------------------------------------------------------------------
# Models and goldens
# ---------------------------------------------------------------------------

def mini_xception(input_shape=(48, 48, 1), classes=7, l2=0.01):
    """The mini-Xception of the published facial-expression models: two plain
    convolutions, four residual modules of separable convolutions, a convolutional
    softmax head; layers named in Keras 2.0's one-based style."""
    counters = {}

    def named(kind):
        counters[kind] = counters.get(kind, 0) + 1
        return f"{kind}_{counters[kind]}"

    regularizer = tf_keras.regularizers.l2(l2)
    image = L.Input(input_shape, name="input_1")
    x = image
    for _ in range(2):
        x = L.Conv2D(8, (3, 3), use_bias=False, kernel_regularizer=regularizer, name=named("conv2d"))(x)
        x = L.BatchNormalization(name=named("batch_normalization"))(x)
        x = L.Activation("relu", name=named("activation"))(x)
    for filters in (16, 32, 64, 128):
        residual = L.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False, name=named("conv2d"))(x)
        residual = L.BatchNormalization(name=named("batch_normalization"))(residual)
        x = L.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=named("separable_conv2d"))(x)
        x = L.BatchNormalization(name=named("batch_normalization"))(x)
        x = L.Activation("relu", name=named("activation"))(x)
        x = L.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=named("separable_conv2d"))(x)
        x = L.BatchNormalization(name=named("batch_normalization"))(x)
        x = L.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=named("max_pooling2d"))(x)
        x = L.Add(name=named("add"))([x, residual])
    x = L.Conv2D(classes, (3, 3), padding="same", name=named("conv2d"))(x)
    x = L.GlobalAveragePooling2D(name=named("global_average_pooling2d"))(x)
    output = L.Activation("softmax", name="predictions")(x)
    return tf_keras.Model(image, output, name="model_1")


def tiny_model(lib=tf_keras):
    """A small Keras 2.0-style functional model: the string kinds and the
    corrupted files are written from it (and, built by Keras 3, the archives)."""
    image = lib.layers.Input((8, 8, 1), name="input_1")
    x = lib.layers.Conv2D(4, (3, 3), name="conv2d_1")(image)
    x = lib.layers.BatchNormalization(name="batch_normalization_1")(x)
    x = lib.layers.Activation("relu", name="activation_1")(x)
    x = lib.layers.GlobalAveragePooling2D(name="global_average_pooling2d_1")(x)
    output = lib.layers.Dense(3, activation="softmax", name="dense_1")(x)
    return lib.Model(image, output, name="model_1")


def tiny_sequential():
    """The tiny model's layers as a Sequential, its input shape on the first layer."""
    return tf_keras.Sequential([
        L.Conv2D(4, (3, 3), input_shape=(8, 8, 1), name="conv2d_1"),
        L.BatchNormalization(name="batch_normalization_1"),
        L.Activation("relu", name="activation_1"),
        L.GlobalAveragePooling2D(name="global_average_pooling2d_1"),
        L.Dense(3, activation="softmax", name="dense_1"),
    ], name="sequential_1")


def randomise_batch_normalization(model, rng):
    """Gives every BatchNormalization random scales, shifts and moving statistics,
    so that none of them is an identity."""
    for layer in model.layers:
        if layer.__class__.__name__ == "BatchNormalization":
            channels = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, channels), rng.normal(0, 0.2, channels),
                               rng.normal(0, 0.5, channels), rng.uniform(0.5, 2.0, channels)])


def image_inputs(shape, rng):
    """Four inputs in the models' −1..1 range: noise, a radial gradient, a
    checkerboard and a blurred blob."""
    height, width = shape[:2]
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float32)
    radius = np.hypot(rows - height / 2, columns - width / 2) / (height / 2)
    checker = ((rows // 6 + columns // 6) % 2) * 2 - 1
    blob = np.exp(-((rows - height * 0.4) ** 2 + (columns - width * 0.6) ** 2) / (height * 1.5)) * 2 - 1
    images = [np.clip(rng.normal(0, 0.6, (height, width)), -1, 1), 1 - radius, checker, blob]
    return np.stack(images)[..., None].astype(np.float32)


def graph_goldens(name, model, inputs, lib=tf_keras):
    """Keras's output of every layer call of a (non-nested) functional model, in
    config order, and its own predict; keys as the main goldens name them."""
    layers = [layer for layer in model.layers if layer.__class__.__name__ != "InputLayer"]
    outputs = lib.Model(model.inputs, [layer.output for layer in layers]).predict(inputs, verbose=0)
    arrays = {"input_0": inputs, "output_0": model.predict(inputs, verbose=0).astype(np.float32)}
    entries = []
    for index, (layer, output) in enumerate(zip(layers, outputs)):
        key = f"{index}_{layer.name}"
        arrays[key] = np.asarray(output, np.float32)
        activation = layer.get_config().get("activation")
        entries.append({"index": index, "name": layer.name, "class": layer.__class__.__name__,
                        "activation": activation if isinstance(activation, str) else "", "key": key,
                        "shape": list(arrays[key].shape)})
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **arrays)
    return entries


def sequential_goldens(name, model, inputs, rename):
    """Keras's output of every layer of a Sequential model, keys and names in the
    old files' one-based naming."""
    outputs = tf_keras.Model(model.inputs, [layer.output for layer in model.layers]).predict(inputs, verbose=0)
    arrays = {"input": inputs}
    entries = []
    for index, (layer, output) in enumerate(zip(model.layers, outputs)):
        key = f"{index}_{rename(layer.name)}"
        arrays[key] = np.asarray(output, np.float32)
        entries.append({"index": index, "name": rename(layer.name), "class": layer.__class__.__name__,
                        "activation": layer.get_config().get("activation", ""), "key": key,
                        "shape": list(arrays[key].shape)})
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **arrays)
    return entries


def theano_kernels(layer, weights):
    """What Keras 2 with the Theano backend stored: Theano convolves (flips the
    kernel) where TensorFlow correlates, so Keras flipped the spatial axes of
    Conv1D/2D/3D and Conv2DTranspose kernels (not depthwise or separable ones)
    when it moved weights between the two (conv_utils.convert_kernel)."""
    if layer.__class__.__name__ in ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose"):
        kernel = weights[0]
        weights = [np.ascontiguousarray(kernel[tuple([slice(None, None, -1)] * (kernel.ndim - 2))])] + weights[1:]
    return weights


# ---------------------------------------------------------------------------
# Keras 1 files and corrupted ones
# ---------------------------------------------------------------------------

def keras1_file(path, keras_version, rng):
    """A Keras 1 Sequential (Convolution2D, Flatten, Dense) as Keras 1.2 saved it:
    `border_mode`, `nb_filter`, `nb_row`, `subsample`, `dim_ordering`, `init`,
    `output_dim`, weights named `<layer>_W`/`<layer>_b`. No keras_version
    attribute when `keras_version` is None (the 1.0/1.1 files)."""
    regularizers = {"W_regularizer": None, "b_regularizer": None, "activity_regularizer": None,
                    "W_constraint": None, "b_constraint": None, "bias": True}
    config = [
        {"class_name": "Convolution2D", "config": dict(regularizers, name="convolution2d_1", trainable=True,
                                                       batch_input_shape=[None, 12, 12, 1], input_dtype="float32",
                                                       nb_filter=4, nb_row=3, nb_col=3, init="glorot_uniform",
                                                       activation="relu", border_mode="valid", subsample=[1, 1],
                                                       dim_ordering="tf")},
        {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True}},
        {"class_name": "Dense", "config": dict(regularizers, name="dense_1", trainable=True, output_dim=5,
                                               input_dim=400, init="glorot_uniform", activation="softmax")},
    ]
    weights = {"convolution2d_1": [("convolution2d_1_W:0", rng.normal(0, 0.3, (3, 3, 1, 4))),
                                   ("convolution2d_1_b:0", np.zeros(4))],
               "flatten_1": [],
               "dense_1": [("dense_1_W:0", rng.normal(0, 0.05, (400, 5))), ("dense_1_b:0", np.zeros(5))]}
    with h5py.File(path, "w", libver="earliest") as f:
        if keras_version is not None:
            write_strings(f, "keras_version", keras_version, "h5py2", single=True)
        write_strings(f, "model_config", json.dumps({"class_name": "Sequential", "config": config}), "h5py2", single=True)
        group = f.create_group("model_weights")
        write_strings(group, "layer_names", list(weights), "h5py2", single=False)
        for layer, arrays in weights.items():
            layer_group = group.create_group(layer)
            write_strings(layer_group, "weight_names", [name for name, _ in arrays], "h5py2", single=False)
            for name, value in arrays:
                layer_group.create_dataset(name, data=value.astype(np.float32))


def deflated_archive(source, target):
    """`source` (a .keras archive, its members stored as Keras writes them)
    rewritten with every member deflated and ZIP64 local headers, the other
    layout a zip reader meets."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as packed:
        for info in original.infolist():
            with packed.open(info.filename, "w", force_zip64=True) as member:
                member.write(original.read(info.filename))


def overwrite(path, offset, replacement):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(replacement)


def occurrences(data, pattern):
    found, start = [], data.find(pattern)
    while start >= 0:
        found.append(start)
        start = data.find(pattern, start + 1)
    return found


def corrupted_files(base):
    """Copies of `base` (an h5py 2.x-style Keras 2.0.5 file) with the bytes of one
    string attribute damaged, each named for what was done to it."""
    data = open(base, "rb").read()
    made = []

    def copy(name):
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(data)
        made.append(name)
        return path

    # keras_version's text in the global heap (root and model_weights): '2' becomes
    # byte 0xB2, which is not UTF-8.
    places = occurrences(data, b"2.0.5")
    assert len(places) == 2, places
    path = copy("corrupt_keras_version_text.h5")
    for place in places:
        overwrite(path, place, b"\xb2")
    # model_config's heap reference (length, collection address, index) in the root
    # object header: the collection address is pointed past the end of the file.
    config = json.loads(h5py.File(base)["/"].attrs["model_config"])
    length = len(json.dumps(config).encode())
    collections = occurrences(data, b"GCOL")
    references = [place for address in collections
                  for place in occurrences(data, struct.pack("<IQ", length, address))]
    assert len(references) == 1, references
    path = copy("corrupt_model_config_reference.h5")
    overwrite(path, references[0] + 4, struct.pack("<Q", len(data) + 4096))
    # model_config's text: eight bytes in its middle become NULs, which end a C string.
    text = data.find(b'{"class_name": "Model"')
    assert text >= 0 and data.count(b'{"class_name": "Model"') == 1
    path = copy("corrupt_model_config_text.h5")
    overwrite(path, text + length // 2, b"\0" * 8)
    # A fixed-length weight_names entry: 'kernel:0' becomes 'kernel:9', a dataset
    # that does not exist.
    name = b"conv2d_1/kernel:0"
    assert data.count(name) == 1
    path = copy("corrupt_weight_names.h5")
    overwrite(path, data.find(name) + len(name) - 1, b"9")
    return made


# ---------------------------------------------------------------------------

def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    tf_keras.utils.set_random_seed(SEED)
    manifest = {"generator": "Fixtures/make_old_keras.py", "tf_keras": tf_keras.__version__, "h5py": h5py.__version__,
                "models": {}}

    def entry(file, golden, version, model, layers, graph):
        return {"model": f"old_keras/{file}", "golden": f"old_keras/{golden}.npz", "keras_version": version,
                "total_params": int(model.count_params()), "layers": layers, "graph": graph}

    print("mini-Xception ...", flush=True)
    # The published emotion model's form (Keras 2.0.5, h5py 2.x), and the same as
    # Keras 2 with the Theano backend stored it.
    xception = mini_xception()
    randomise_batch_normalization(xception, rng)
    xception_config = old_functional_config(json.loads(xception.to_json()), lambda name: name)
    xception_layers = graph_goldens("mini_xception", xception, image_inputs((48, 48), rng)[[0, 3]])
    for file, backend, transform in (("mini_xception_h5py2.h5", "tensorflow", lambda layer, weights: weights),
                                     ("mini_xception_theano.h5", "theano", theano_kernels)):
        write_old_file(os.path.join(OUT, file), xception, xception_config, "h5py2", "2.0.5", backend=backend, transform=transform)
        manifest["models"][file[:-3]] = entry(file, "mini_xception", "2.0.5", xception, xception_layers, True)

    print("tiny models in every string kind, corrupted copies ...", flush=True)
    tiny = tiny_model()
    randomise_batch_normalization(tiny, rng)
    tiny_config = old_functional_config(json.loads(tiny.to_json()), lambda name: name)
    tiny_layers = graph_goldens("tiny", tiny, image_inputs((8, 8), rng))
    for kind, version in (("h5py2", "2.0.5"), ("vlen_utf8", "2.1.6"), ("fixed_ascii", "2.2.4"),
                          ("fixed_utf8", "2.3.1"), ("one_element", "2.0.5")):
        file = f"tiny_{kind}.h5"
        write_old_file(os.path.join(OUT, file), tiny, tiny_config, kind, version)
        manifest["models"][file[:-3]] = entry(file, "tiny", version, tiny, tiny_layers, True)
    corrupted = corrupted_files(os.path.join(OUT, "tiny_h5py2.h5"))

    print("Sequential models: the seed model as Keras 2.1.6, a small one as 2.2.4 ...", flush=True)
    seed = tf_keras.models.load_model(os.path.join(ROOT, "models", "seed_tf2.h5"), compile=False)
    one_based = lambda name: "dense_1" if name == "dense" else (
        f"dense_{int(name.split('_')[1]) + 1}" if name.startswith("dense_") else name)
    seed_inputs = np.load(os.path.join(ROOT, "letters", "letters_sample.npz"))["x"][::163][:8].astype(np.float32)
    seed_layers = sequential_goldens("seed", seed, seed_inputs, one_based)
    file = "seed_k216_bare_list.h5"
    write_old_file(os.path.join(OUT, file), seed, old_sequential_config(json.loads(seed.to_json()), one_based, True, None),
                   "h5py2", "2.1.6", rename=one_based, split_lists=2)
    manifest["models"][file[:-3]] = entry(file, "seed", "2.1.6", seed, seed_layers, False)
    small = tiny_sequential()
    randomise_batch_normalization(small, rng)
    small_layers = sequential_goldens("tiny_sequential", small, image_inputs((8, 8), rng), lambda name: name)
    file = "tiny_sequential_k224.h5"
    write_old_file(os.path.join(OUT, file), small,
                   old_sequential_config(json.loads(small.to_json()), lambda name: name, False, "sequential_1"),
                   "h5py2", "2.2.4")
    manifest["models"][file[:-3]] = entry(file, "tiny_sequential", "2.2.4", small, small_layers, False)

    print("Keras 3 archives: stored, and deflated with ZIP64 headers ...", flush=True)
    keras.utils.set_random_seed(SEED)
    tiny3 = tiny_model(keras)
    randomise_batch_normalization(tiny3, rng)
    tiny3_layers = graph_goldens("tiny_k3", tiny3, image_inputs((8, 8), rng), keras)
    stored = os.path.join(OUT, "tiny_k3.keras")
    tiny3.save(stored)
    deflated_archive(stored, os.path.join(OUT, "tiny_k3_deflated.keras"))
    for file in ("tiny_k3.keras", "tiny_k3_deflated.keras"):
        manifest["models"][file[:-6]] = dict(entry(file, "tiny_k3", keras.__version__, tiny3, tiny3_layers, True))

    print("Keras 1 files ...", flush=True)
    keras1_file(os.path.join(OUT, "keras1_1_2_2.h5"), "1.2.2", rng)
    keras1_file(os.path.join(OUT, "keras1_no_version.h5"), None, rng)

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    for name, model in manifest["models"].items():
        print(f"{name}: {model['total_params']} params, {len(model['layers'])} layer calls")
    print("corrupted:", ", ".join(corrupted))


if __name__ == "__main__":
    main()
