#!/usr/bin/env python3
"""Regenerates every file under Fixtures/: the synthetic letters set, the Keras
models, the goldens Keras itself computes, the NumPy-format samples and the
malformed model files the error-path tests use.

Run from the repository root, in the git-ignored virtual environment:

    python3 -m venv .venv
    .venv/bin/pip install -r Fixtures/requirements.txt
    .venv/bin/pip install --no-deps tf-keras==2.21.0
    .venv/bin/python Fixtures/make_fixtures.py

Building and testing LayerLens never needs Python; only this script does.
"""
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import h5py
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import keras  # Keras 3
import tensorflow as tf
import tf_keras  # Keras 2 (the tf.keras 2.x the seed model was saved with)

ROOT = os.path.dirname(os.path.abspath(__file__))
LETTERS = os.path.join(ROOT, "letters")
MODELS = os.path.join(ROOT, "models")
GOLDENS = os.path.join(ROOT, "goldens")
NPY = os.path.join(ROOT, "npy")
BAD = os.path.join(ROOT, "bad")
IMAGES = os.path.join(ROOT, "images")

SEED = 20261127
ALPHABET = [chr(ord("A") + i) for i in range(26)]
FONTS = [
    "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
    "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "/usr/share/fonts/truetype/fifthhorseman/dkgBd.ttf",
    "/usr/share/fonts/truetype/fifthhorseman/dkgIt.ttf",
    "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
    "/usr/share/fonts/opentype/comic-neue/ComicNeue-Bold.otf",
    "/usr/share/fonts/opentype/comic-neue/ComicNeue-Italic.otf",
    "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
    "/usr/share/fonts/opentype/dancingscript/DancingScript-Bold.otf",
    "/usr/share/fonts/truetype/breip/Breip.ttf",
]


# ---------------------------------------------------------------------------
# The synthetic A-Z set, in the Kaggle CSV convention
# ---------------------------------------------------------------------------

def render_letter(letter, rng, fonts):
    """One 28x28 uint8 image: a white, softly blurred letter on black, its
    longer side scaled to ~20 px and centred by centre of mass (as NIST/EMNIST)."""
    font = fonts[rng.integers(len(fonts))]
    canvas = Image.new("L", (160, 160), 0)
    draw = ImageDraw.Draw(canvas)
    stroke = int(rng.integers(0, 4))
    draw.text((80, 80), letter, fill=255, font=font, anchor="mm", stroke_width=stroke, stroke_fill=255)
    shear = rng.uniform(-0.3, 0.3)
    canvas = canvas.transform(canvas.size, Image.AFFINE, (1, shear, -shear * 80, 0, 1, 0), resample=Image.BILINEAR)
    canvas = canvas.rotate(rng.uniform(-15, 15), resample=Image.BILINEAR, center=(80, 80))
    box = canvas.getbbox()
    if box is None:
        return None
    glyph = canvas.crop(box)
    w, h = glyph.size
    target = rng.uniform(16, 21)
    scale = target / max(w, h)
    glyph = glyph.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.LANCZOS)
    pixels = np.asarray(glyph, dtype=np.float64)
    total = pixels.sum()
    if total == 0:
        return None
    ys, xs = np.indices(pixels.shape)
    cy, cx = (ys * pixels).sum() / total, (xs * pixels).sum() / total
    out = Image.new("L", (28, 28), 0)
    ox = int(round(14 - cx + rng.uniform(-1.5, 1.5)))
    oy = int(round(14 - cy + rng.uniform(-1.5, 1.5)))
    out.paste(glyph, (ox, oy))
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0)))
    arr = np.asarray(out, dtype=np.float64)
    peak = arr.max()
    if peak < 32:
        return None
    return np.clip(arr * (255.0 / peak), 0, 255).round().astype(np.uint8)


def make_letters(count_per_class, rng, fonts):
    rows, labels = [], []
    for _ in range(count_per_class):
        for label, letter in enumerate(ALPHABET):
            image = None
            while image is None:
                image = render_letter(letter, rng, fonts)
            rows.append(image.reshape(784))
            labels.append(label)
    order = rng.permutation(len(rows))
    return np.array(rows)[order], np.array(labels)[order]


def write_kaggle_csv(path, x, y):
    with open(path, "w") as f:
        for label, row in zip(y, x):
            f.write(str(int(label)) + "," + ",".join(str(int(v)) for v in row) + "\n")


def letters_npz():
    """The held-out sample as NumPy reads it from the CSV (`numpy.loadtxt`): `x`
    (uint8, rows × 784) and `y` (int64), the reference for LayerLens's CSV reader
    and an .npz data set in its own right."""
    rows = np.loadtxt(os.path.join(LETTERS, "letters_sample.csv"), delimiter=",", dtype=np.int64)
    np.savez(os.path.join(LETTERS, "letters_sample.npz"), x=rows[:, 1:].astype(np.uint8), y=rows[:, 0])


def contact_sheet(path, x, y, per_class=12):
    sheet = Image.new("L", (per_class * 30, 26 * 30), 40)
    for label in range(26):
        picks = np.flatnonzero(y == label)[:per_class]
        for j, i in enumerate(picks):
            sheet.paste(Image.fromarray(x[i].reshape(28, 28)), (j * 30 + 1, label * 30 + 1))
    sheet.save(path)


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------

def seed_layers(lib):
    """The seed case's dense network, in either Keras."""
    L = lib.layers
    return [
        L.Dense(200, activation="relu"),
        L.Dense(150, activation="relu"),
        L.Dense(100, activation="relu"),
        L.Dense(50, activation="relu"),
        L.Dense(26, activation="linear"),
    ]


def train_seed(lib, x, y, epochs):
    model = lib.Sequential([lib.Input(shape=(784,))] + seed_layers(lib))
    model.compile(optimizer="adam",
                  loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=128, verbose=0)
    return model


KERAS3_EXTRA_ACTIVATIONS = [
    "relu6", "leaky_relu", "hard_silu", "hard_swish", "silu", "celu", "hard_tanh",
    "hard_shrink", "soft_shrink", "tanh_shrink", "log_sigmoid", "squareplus",
    "sparse_plus", "sparse_sigmoid", "glu", "sparsemax", "log_softmax",
]


def activations_model(lib, extra_activations, leaky_relu):
    """Every built-in activation of `lib` (tf.keras 2 or Keras 3) and every
    activation layer, plus use_bias=False and the inference-time identities.
    `leaky_relu` makes the LeakyReLU layer, whose argument the two Kerases name
    differently."""
    L = lib.layers
    init = lib.initializers
    layers = [
        lib.Input(shape=(784,)),
        L.Rescaling(1.0 / 255, offset=-0.5),
        L.Reshape((28, 28)),
        L.Flatten(),
        L.Dense(64, activation="relu"),
        L.Dense(48, activation="elu"),
        L.Dense(48, activation="selu"),
        L.Dense(48, activation="gelu"),
        L.GaussianNoise(0.1),
        L.Dense(40, activation="sigmoid"),
        L.Dense(40, activation="hard_sigmoid"),
        L.Dropout(0.2),
        L.Dense(40, activation="tanh"),
        L.Dense(40, activation="softplus"),
        L.Dense(40, activation="softsign"),
        L.Dense(40, activation="swish"),
        L.Dense(40, activation="mish"),
    ]
    # glu halves the last axis, which Keras 3's own shape inference does not
    # foresee; it is covered by the activation-function goldens instead.
    for name in extra_activations:
        if name != "glu":
            layers.append(L.Dense(40, activation=name))
    layers += [
        L.Dense(32, activation="tanh"),
        L.Activation("exponential"),
        L.Dense(32, use_bias=False),
        L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2),
        L.Dense(32),
        leaky_relu(0.25),
        L.Dense(32),
        L.ELU(alpha=0.7),
        L.Dense(32),
        L.Reshape((4, 8)),
        L.PReLU(alpha_initializer=init.RandomUniform(-0.5, 0.5, seed=1), shared_axes=[1]),
        L.SpatialDropout1D(0.1),
        L.Softmax(axis=1),
        L.Flatten(),
        L.GaussianDropout(0.1),
        L.Dense(32, activation="softmax"),
        L.Activation("relu"),
        L.Dense(32),
        L.PReLU(alpha_initializer=init.RandomUniform(-0.5, 0.5, seed=2)),
        L.Dense(26, activation="linear"),
        L.Softmax(),
    ]
    return lib.Sequential(layers)


def spread_activations(model, lib, x, rng):
    """Layer-sequential data-dependent init (as LSUV): rescales each Dense kernel so
    that its pre-activations spread over about +-2 with a unit-specific offset on
    real inputs. A deep chain of saturating activations otherwise collapses to a
    constant, and a parity test on constants proves little. These models are not
    trained: they exist to exercise every activation over a wide range."""
    for layer in model.layers:
        if not isinstance(layer, lib.layers.Dense):
            continue
        probe = lib.Model(inputs=model.inputs, outputs=layer.input)
        inputs = np.asarray(probe.predict(x, verbose=0), np.float64)
        weights = layer.get_weights()
        pre = inputs @ weights[0]
        # One scale for the whole layer: scaling each unit on its own would blow
        # near-constant units up by orders of magnitude, and with them float32
        # round-off, until a deep chain amplifies noise rather than signal.
        scale = 2.0 / max(pre.std(), 1e-6)
        weights[0] = (weights[0] * scale).astype(np.float32)
        if layer.use_bias:
            units = weights[0].shape[1]
            weights[1] = (-(pre * scale).mean(axis=0) + rng.normal(0, 0.75, units)).astype(np.float32)
        layer.set_weights(weights)
    return model


def accuracy(model, x, y):
    return float((model.predict(x, verbose=0).argmax(axis=1) == y).mean())


# ---------------------------------------------------------------------------
# Goldens: every layer's output, as Keras computes it
# ---------------------------------------------------------------------------

def golden_inputs(x_held, y_held, rng):
    """Ten held-out letters of ten classes, and inputs that are not letters."""
    picks = []
    for label in [0, 3, 6, 9, 12, 15, 18, 21, 23, 25]:
        picks.append(np.flatnonzero(y_held == label)[0])
    letters = x_held[picks].astype(np.float32)
    blank = np.zeros((1, 784), np.float32)
    white = np.full((1, 784), 255, np.float32)
    noise = rng.uniform(0, 255, (1, 784)).astype(np.float32)
    seed_bug = (1.0 - letters[:1] / 255.0).astype(np.float32)  # 0..1, inverted: the seed case's input
    unit_range = (letters[1:2] / 255.0).astype(np.float32)
    scribble = np.zeros((28, 28), np.float32)
    for t in np.linspace(0, 6 * np.pi, 400):
        r, c = int(14 + 9 * np.sin(t * 1.3)), int(14 + 9 * np.cos(t * 0.7))
        scribble[max(r - 1, 0):r + 1, max(c - 1, 0):c + 1] = 255
    inputs = np.concatenate([letters, blank, white, noise, seed_bug, unit_range, scribble.reshape(1, 784)])
    names = [f"letter_{ALPHABET[y_held[i]]}" for i in picks] + ["blank", "white", "noise", "seed_bug_inverted_0_1", "letter_0_1", "scribble"]
    return inputs, names


def layer_outputs(lib, model, inputs):
    tracer = lib.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
    outs = tracer.predict(inputs, verbose=0)
    return outs if isinstance(outs, list) else [outs]


def activation_name(layer):
    config = layer.get_config()
    act = config.get("activation")
    return act if isinstance(act, str) else ""


def write_goldens(name, lib, model, inputs, input_names, keras_version, source_file, acc):
    outputs = layer_outputs(lib, model, inputs)
    arrays = {"input": inputs}
    layers = []
    for k, (layer, out) in enumerate(zip(model.layers, outputs)):
        key = f"{k}_{layer.name}"
        arrays[key] = np.asarray(out, dtype=np.float32)
        layers.append({"index": k, "name": layer.name, "class": layer.__class__.__name__,
                       "activation": activation_name(layer), "key": key,
                       "shape": list(arrays[key].shape),
                       "max_abs": float(np.abs(arrays[key]).max())})
    np.savez(os.path.join(GOLDENS, f"{name}.npz"), **arrays)
    return {"model": source_file, "golden": f"goldens/{name}.npz", "keras_version": keras_version,
            "inputs": input_names, "accuracy_held_out": acc, "total_params": int(model.count_params()),
            "layers": layers}


def activation_function_goldens():
    """Each built-in activation function applied by Keras to the same values, per
    Keras major version: `x` has shape (251, 8), softmax-like ones act on the last
    axis; `special/…` holds NaN and infinities through the element-wise ones."""
    x = np.linspace(-10, 10, 2000, dtype=np.float32).reshape(250, 8)
    x = np.concatenate([x, np.array([[-3, -2.5, -0.5, 0, 0.5, 2.5, 3, 6]], np.float32)])
    arrays = {"x": x}
    tf2_names = ["linear", "relu", "elu", "selu", "gelu", "sigmoid", "hard_sigmoid", "tanh", "softmax",
                 "softplus", "softsign", "swish", "mish", "exponential"]
    for name in tf2_names:
        arrays[f"keras2/{name}"] = np.asarray(tf_keras.activations.get(name)(tf.constant(x)), np.float32)
    k3_names = tf2_names + KERAS3_EXTRA_ACTIVATIONS
    for name in k3_names:
        arrays[f"keras3/{name}"] = np.asarray(keras.activations.get(name)(x), np.float32)
    arrays["keras3/gelu_approximate"] = np.asarray(keras.activations.gelu(x, approximate=True), np.float32)
    # NaN and infinities through the element-wise functions (the softmax family reduces over rows).
    special = np.array([[np.nan, np.inf, -np.inf, 0, -1, 1, 5, -5]], np.float32)
    arrays["special/x"] = special
    reducing = {"softmax", "log_softmax", "sparsemax", "glu"}
    for name in tf2_names:
        if name not in reducing:
            arrays[f"special/keras2/{name}"] = np.asarray(tf_keras.activations.get(name)(tf.constant(special)), np.float32)
    for name in k3_names:
        if name not in reducing:
            arrays[f"special/keras3/{name}"] = np.asarray(keras.activations.get(name)(special), np.float32)
    arrays["keras2/gelu_approximate"] = np.asarray(tf_keras.activations.gelu(tf.constant(x), approximate=True), np.float32)
    np.savez(os.path.join(GOLDENS, "activation_functions.npz"), **arrays)


# ---------------------------------------------------------------------------
# NumPy-format samples: value i of every array is (i mod 251), cast to its dtype
# ---------------------------------------------------------------------------

def numpy_samples():
    def ramp(shape, dtype):
        return (np.arange(int(np.prod(shape))) % 251).reshape(shape).astype(dtype)

    np.save(os.path.join(NPY, "f4_2x3x4.npy"), ramp((2, 3, 4), "<f4"))
    np.save(os.path.join(NPY, "f8_5x7.npy"), ramp((5, 7), "<f8") + 0.5)
    np.save(os.path.join(NPY, "u1_300.npy"), ramp((300,), "u1"))
    np.save(os.path.join(NPY, "i4_3x100.npy"), ramp((3, 100), "<i4") - 100)
    np.save(os.path.join(NPY, "i8_10.npy"), ramp((10,), "<i8") - 5)
    np.save(os.path.join(NPY, "b1_17.npy"), ramp((17,), "u1") % 3 == 0)
    np.save(os.path.join(NPY, "f4_big_endian_6x5.npy"), ramp((6, 5), ">f4"))
    np.save(os.path.join(NPY, "f4_fortran_3x4x5.npy"), np.asfortranarray(ramp((3, 4, 5), "<f4")))
    np.save(os.path.join(NPY, "f4_scalar.npy"), np.float32(42.5))
    with open(os.path.join(NPY, "f4_v2_4x4.npy"), "wb") as f:
        np.lib.format.write_array(f, ramp((4, 4), "<f4"), version=(2, 0))
    np.savez(os.path.join(NPY, "pair.npz"), x=ramp((4, 784), "u1"), y=ramp((4,), "<i8"))
    np.savez_compressed(os.path.join(NPY, "pair_compressed.npz"), x=ramp((4, 784), "u1"), y=ramp((4,), "<i8"))


# ---------------------------------------------------------------------------
# Malformed and unsupported model files
# ---------------------------------------------------------------------------

def bad_files(seed_tf2_path, x, y):
    # Weights without an architecture, from each Keras.
    small2 = tf_keras.Sequential([tf_keras.Input(shape=(784,))] + seed_layers(tf_keras))
    small2.save_weights(os.path.join(BAD, "weights_only_tf2.h5"))
    small3 = keras.Sequential([keras.Input(shape=(784,))] + seed_layers(keras))
    small3.save_weights(os.path.join(BAD, "weights_only_k3.weights.h5"))

    # A config whose first Dense claims 199 units while 200 are stored.
    mismatch = os.path.join(BAD, "shape_mismatch.h5")
    shutil.copy(seed_tf2_path, mismatch)
    with h5py.File(mismatch, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        config["config"]["layers"][1]["config"]["units"] = 199
        f.attrs["model_config"] = json.dumps(config)

    # Layers LayerLens cannot run: Python code, and a recurrent layer.
    lam = tf_keras.Sequential([tf_keras.Input(shape=(784,)), tf_keras.layers.Lambda(lambda t: t * 2.0),
                               tf_keras.layers.Dense(26)])
    lam.save(os.path.join(BAD, "lambda_tf2.h5"))
    rnn = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Reshape((28, 28)),
                            keras.layers.LSTM(8), keras.layers.Dense(26)])
    rnn.save(os.path.join(BAD, "lstm_k3.keras"))


def bad_conv_files():
    """Convolutional models LayerLens must refuse by name: a channels_first
    Conv2D, and UpSampling2D with bicubic interpolation (nearest and bilinear are run)."""
    first = os.path.join(BAD, "channels_first_tf2.h5")
    shutil.copy(os.path.join(MODELS, "cnn_tf2.h5"), first)
    with h5py.File(first, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        for layer in config["config"]["layers"]:
            if layer["class_name"] == "Conv2D":
                layer["config"]["data_format"] = "channels_first"
        f.attrs["model_config"] = json.dumps(config)
    bicubic = keras.Sequential([keras.Input(shape=(6, 6, 2)), keras.layers.UpSampling2D(2, interpolation="bicubic")])
    bicubic.save(os.path.join(BAD, "upsampling_bicubic_k3.keras"))


def split_attribute_copy(seed_tf2_path):
    """The seed model with `layer_names` and one `weight_names` split into numbered
    chunks, as Keras's h5 writer does with attributes over 64 KiB."""
    path = os.path.join(MODELS, "seed_tf2_split_attributes.h5")
    shutil.copy(seed_tf2_path, path)
    with h5py.File(path, "r+") as f:
        weights = f["model_weights"]
        # Written back as fixed-length byte strings, the other string form Keras files carry.
        names = [n.decode() if isinstance(n, bytes) else n for n in weights.attrs["layer_names"]]
        del weights.attrs["layer_names"]
        weights.attrs["layer_names0"] = np.array([n.encode() for n in names[:2]], dtype="S")
        weights.attrs["layer_names1"] = np.array([n.encode() for n in names[2:]], dtype="S")
        group = weights[names[1]]
        wnames = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        del group.attrs["weight_names"]
        group.attrs["weight_names0"] = np.array([n.encode() for n in wnames[:1]], dtype="S")
        group.attrs["weight_names1"] = np.array([n.encode() for n in wnames[1:]], dtype="S")
    return path


# ---------------------------------------------------------------------------
# Output heads, and the goldens of `diff` and `logits` (NumPy on Keras's outputs)
# ---------------------------------------------------------------------------

def head_model(lib, activation, x, y):
    """The seed architecture ending in `activation` (softmax or sigmoid), briefly trained."""
    model = lib.Sequential([lib.Input(shape=(784,))] + seed_layers(lib)[:-1] + [lib.layers.Dense(26, activation=activation)])
    if activation == "softmax":
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x, y, epochs=3, batch_size=128, verbose=0)
    else:
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(x, np.eye(26, dtype=np.float32)[y], epochs=3, batch_size=128, verbose=0)
    return model


def logits_goldens(name, golden_path, kind):
    """Per golden input: logits, probabilities, entropy (nats), normalised
    entropy, margin (top-1 minus top-2 probability) and the max logit, computed
    with NumPy from Keras's layer outputs. For softmax and sigmoid heads the
    logits are the last Dense layer's pre-activation, x @ W + b, from its input."""
    arrays = np.load(golden_path)
    keys = sorted((k for k in arrays.files if k != "input"), key=lambda k: int(k.split("_")[0]))
    output = arrays[keys[-1]].astype(np.float64)
    if kind == "softmax":
        logits = output
    else:
        with h5py.File(os.path.join(MODELS, name + ".h5"), "r") as f:
            layer = f["model_weights"][keys[-1].split("_", 1)[1]]
            names = [n.decode() if isinstance(n, bytes) else n for n in layer.attrs["weight_names"]]
            kernel, bias = (np.asarray(layer[n], np.float64) for n in names)
        logits = arrays[keys[-2]].astype(np.float64) @ kernel + bias
    rows = []
    for z, out in zip(logits, output):
        if kind == "softmax":
            log_p = z - (z.max() + np.log(np.exp(z - z.max()).sum()))
            p = np.exp(log_p)
            entropy = float(-(p * log_p).sum())
            normalized = entropy / np.log(len(p))
        elif kind == "none":
            p = out
            entropy = float(-(p[p > 0] * np.log(p[p > 0])).sum())
            normalized = entropy / np.log(len(p))
        else:
            p = out
            q = np.clip(p, 0, 1)
            terms = np.where(q > 0, q * np.log(np.where(q > 0, q, 1)), 0) + np.where(q < 1, (1 - q) * np.log(np.where(q < 1, 1 - q, 1)), 0)
            entropy = float(-terms.sum())
            normalized = entropy / (len(p) * np.log(2))
        top = np.sort(p)[::-1]
        rows.append({"logits": z.tolist(), "probabilities": p.tolist(), "entropy": entropy,
                     "normalized_entropy": float(normalized), "margin": float(top[0] - top[1]), "max_logit": float(z.max())})
    return {"model": name, "activation_applied": kind, "inputs": rows}


def layer_difference(a, b, relu_family, top):
    """The metrics `layerlens diff` reports for one layer, with its documented
    degenerate cases: relative L2 of a zero A is 0 if B is zero too, else None;
    cosine of two zero vectors is 1, of one zero vector 0; Pearson of a constant
    vector is None; ReLU-family layers count units switching on (A <= 0 < B) and off."""
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    d = b - a
    l2 = float(np.sqrt((d * d).sum()))
    na, nb = float(np.sqrt((a * a).sum())), float(np.sqrt((b * b).sum()))
    relative = l2 / na if na > 0 else (0.0 if l2 == 0 else None)
    cosine = float(a @ b / (na * nb)) if na > 0 and nb > 0 else (1.0 if na == nb else 0.0)
    ca, cb = a - a.mean(), b - b.mean()
    va, vb = float((ca * ca).sum()), float((cb * cb).sum())
    pearson = float((ca * cb).sum() / np.sqrt(va * vb)) if va > 0 and vb > 0 else None
    side = int(np.ceil(np.sqrt(len(a))))
    while (side - 1) * (side - 1) >= len(a):
        side -= 1
    order = sorted(range(len(a)), key=lambda i: (-abs(d[i]), i))[:top]
    return {"l2": l2, "relative_l2": relative, "cosine": cosine, "pearson": pearson,
            "max_abs_delta": float(np.abs(d).max()),
            "switched_on": int(((a <= 0) & (b > 0)).sum()) if relu_family else None,
            "switched_off": int(((a > 0) & (b <= 0)).sum()) if relu_family else None,
            "top_changes": [{"unit": i, "row": i // side, "col": i % side, "a": float(a[i]), "b": float(b[i]), "delta": float(d[i])}
                            for i in order]}


def diff_goldens(golden_path, entry, pairs, top=5):
    arrays = np.load(golden_path)
    out = []
    for ia, ib in pairs:
        layers = []
        for layer in entry["layers"]:
            relu_family = layer["activation"] == "relu"
            layers.append(dict(layer_difference(arrays[layer["key"]][ia], arrays[layer["key"]][ib], relu_family, top),
                               index=layer["index"], name=layer["name"]))
        out.append({"a": ia, "b": ib, "layers": layers})
    return out


# ---------------------------------------------------------------------------
# Convolutional models
# ---------------------------------------------------------------------------

def letters_cnn(lib):
    """The small CNN of the conv-net issue: Rescaling → Conv2D → MaxPool → Conv2D →
    BatchNorm → MaxPool → Flatten → Dropout → Dense → Dense(softmax)."""
    L = lib.layers
    return lib.Sequential([
        lib.Input(shape=(28, 28, 1)),
        L.Rescaling(1.0 / 255),
        L.Conv2D(16, 3, activation="relu"),
        L.MaxPooling2D(),
        L.Conv2D(32, 3, padding="same", activation="relu"),
        L.BatchNormalization(),
        L.MaxPooling2D(),
        L.Flatten(),
        L.Dropout(0.3),
        L.Dense(64, activation="relu"),
        L.Dense(26, activation="softmax"),
    ])


def conv_zoo(lib):
    """Depthwise, separable, grouped, dilated and strided `same` convolutions on an
    odd input size (27×25×3, the padding edge cases), pooling with `same` padding,
    layer and batch normalisation, upsampling, zero padding and global pooling."""
    L = lib.layers
    return lib.Sequential([
        lib.Input(shape=(27, 25, 3)),
        L.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
        L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2),
        L.SeparableConv2D(12, 3, padding="same", activation="tanh"),
        L.LayerNormalization(),
        L.UpSampling2D(2),
        L.ZeroPadding2D(((1, 0), (2, 1))),
        L.Conv2D(6, (3, 2), dilation_rate=(2, 1), groups=2, activation="elu"),
        L.AveragePooling2D(3, strides=2, padding="same"),
        L.MaxPooling2D(2, padding="same"),
        L.BatchNormalization(center=False),
        L.Conv2D(10, 1, use_bias=False),
        L.GlobalAveragePooling2D(),
        L.Dense(26),
    ])


def sequence_zoo(lib):
    """1-D convolutions (strided same, causal dilated grouped), 1-D pooling,
    Permute, RepeatVector and global max pooling over a [30, 4] sequence."""
    L = lib.layers
    return lib.Sequential([
        lib.Input(shape=(30, 4)),
        L.Conv1D(6, 3, strides=2, padding="same", activation="relu"),
        L.Conv1D(6, 3, padding="causal", dilation_rate=2, groups=2),
        L.MaxPooling1D(2, padding="same"),
        L.AveragePooling1D(2),
        L.Permute((2, 1)),
        L.Flatten(),
        L.RepeatVector(3),
        L.Conv1D(5, 2, activation="tanh"),
        L.GlobalMaxPooling1D(),
        L.Dense(8),
    ])


def transpose_zoo(lib):
    """Transposed convolutions (same and valid, uneven strides and windows) and cropping."""
    L = lib.layers
    return lib.Sequential([
        lib.Input(shape=(9, 7, 3)),
        L.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu"),
        L.Conv2DTranspose(5, (2, 3), strides=(1, 2), padding="valid"),
        L.Cropping2D(((1, 2), (0, 3))),
        L.Conv2D(3, 1),
    ])


def upsampling_model(lib):
    """Bilinear and nearest upsampling, by uneven factors."""
    L = lib.layers
    return lib.Sequential([lib.Input(shape=(5, 4, 3)), L.UpSampling2D((2, 3), interpolation="bilinear"),
                           L.UpSampling2D(2), L.UpSampling2D((3, 2), interpolation="bilinear")])


def upsampling_goldens(manifest, rng):
    images = rng.uniform(0, 1, (12, 5, 4, 3)).astype(np.float32)
    for name, lib, version, path in (("upsampling_tf2", tf_keras, tf_keras.__version__, "models/upsampling_tf2.h5"),
                                     ("upsampling_k3", keras, keras.__version__, "models/upsampling_k3.keras")):
        model = upsampling_model(lib)
        model.save(os.path.join(ROOT, path))
        manifest["models"][name] = write_goldens(name, lib, model, images, [f"random_{i}" for i in range(12)], version, path, None)


def normalization_model(lib, rng):
    """Normalization with statistics given in the config, then one adapted to data
    (its statistics stored as weights)."""
    L = lib.layers
    adapted = L.Normalization(axis=-1)
    adapted.adapt(rng.uniform(-3, 5, (64, 5, 3)).astype(np.float32))
    return lib.Sequential([lib.Input(shape=(5, 3)), L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25]), adapted])


def randomise_normalisation(model, rng):
    """Gives every BatchNormalization layer non-trivial moving statistics (and γ, β),
    so that the parity test exercises them rather than the identity."""
    for layer in model.layers:
        if layer.__class__.__name__ == "BatchNormalization":
            layer.set_weights([rng.uniform(0.5, 1.5, w.shape).astype(np.float32) if i == len(layer.get_weights()) - 1
                               else rng.normal(0, 0.5, w.shape).astype(np.float32)
                               for i, w in enumerate(layer.get_weights())])
    return model


def conv_inputs(rng):
    """Ten random colour images and two structured ones, 27×25×3 in 0..1."""
    random = rng.uniform(0, 1, (10, 27, 25, 3)).astype(np.float32)
    ys, xs = np.mgrid[0:27, 0:25]
    stripes = np.stack([(np.sin(xs / 2.0) + 1) / 2, (np.cos(ys / 3.0) + 1) / 2, ((xs + ys) % 7) / 6.0], axis=-1)
    blank = np.zeros((27, 25, 3))
    return np.concatenate([random, stripes[None], blank[None]]).astype(np.float32), \
        [f"random_{i}" for i in range(10)] + ["stripes", "blank"]


def conv_models(manifest, x_train, y_train, x_held, y_held, inputs, input_names, rng):
    images = x_train.reshape(-1, 28, 28, 1)
    images_held = x_held.reshape(-1, 28, 28, 1)
    image_inputs = inputs.reshape(-1, 28, 28, 1)
    for name, lib, version, path in (("cnn_tf2", tf_keras, tf_keras.__version__, "models/cnn_tf2.h5"),
                                     ("cnn_k3", keras, keras.__version__, "models/cnn_k3.keras")):
        model = letters_cnn(lib)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(images, y_train, epochs=3, batch_size=128, verbose=0)
        model.save(os.path.join(ROOT, path))
        acc = float((model.predict(images_held, verbose=0).argmax(axis=1) == y_held).mean())
        manifest["models"][name] = write_goldens(name, lib, model, image_inputs, input_names, version, path, acc)
    sequences = rng.normal(0, 1, (12, 30, 4)).astype(np.float32)
    small_images = rng.uniform(0, 1, (12, 9, 7, 3)).astype(np.float32)
    names12 = [f"random_{i}" for i in range(12)]
    for name, builder, lib, version, path, data in (
            ("sequence_zoo_tf2", sequence_zoo, tf_keras, tf_keras.__version__, "models/sequence_zoo_tf2.h5", sequences),
            ("sequence_zoo_k3", sequence_zoo, keras, keras.__version__, "models/sequence_zoo_k3.keras", sequences),
            ("transpose_zoo_tf2", transpose_zoo, tf_keras, tf_keras.__version__, "models/transpose_zoo_tf2.h5", small_images),
            ("transpose_zoo_k3", transpose_zoo, keras, keras.__version__, "models/transpose_zoo_k3.keras", small_images)):
        model = builder(lib)
        model.save(os.path.join(ROOT, path))
        manifest["models"][name] = write_goldens(name, lib, model, data, names12, version, path, None)
    for name, lib, version, path in (("normalization_tf2", tf_keras, tf_keras.__version__, "models/normalization_tf2.h5"),
                                     ("normalization_k3", keras, keras.__version__, "models/normalization_k3.keras")):
        model = normalization_model(lib, rng)
        model.save(os.path.join(ROOT, path))
        manifest["models"][name] = write_goldens(name, lib, model, rng.normal(0, 3, (12, 5, 3)).astype(np.float32), names12, version, path, None)
    zoo_inputs, zoo_names = conv_inputs(rng)
    for name, lib, version, path in (("conv_zoo_tf2", tf_keras, tf_keras.__version__, "models/conv_zoo_tf2.h5"),
                                     ("conv_zoo_k3", keras, keras.__version__, "models/conv_zoo_k3.keras")):
        model = randomise_normalisation(conv_zoo(lib), rng)
        model.save(os.path.join(ROOT, path))
        manifest["models"][name] = write_goldens(name, lib, model, zoo_inputs, zoo_names, version, path, None)


# ---------------------------------------------------------------------------
# Functional graphs: branches, merges, several inputs and outputs, nested
# models and shared layers
# ---------------------------------------------------------------------------

def residual_model(lib):
    """A residual Add, a Concatenate branch and two outputs."""
    L = lib.layers
    x = lib.Input(shape=(28, 28, 1), name="image")
    scaled = L.Rescaling(1.0 / 255, name="scale")(x)
    a = L.Conv2D(8, 3, padding="same", activation="relu", name="conv_a")(scaled)
    b = L.Conv2D(8, 3, padding="same", name="conv_b")(a)
    residual = L.Add(name="residual")([a, b])
    pooled = L.MaxPooling2D(name="pool")(L.Activation("relu", name="residual_relu")(residual))
    side = L.Conv2D(4, 1, name="side")(pooled)
    joined = L.Concatenate(name="joined")([pooled, side])
    flat = L.Flatten(name="flat")(joined)
    letters = L.Dense(26, name="letters")(flat)
    ink = L.Dense(1, activation="sigmoid", name="ink")(L.GlobalAveragePooling2D(name="gap")(joined))
    return lib.Model(x, [letters, ink], name="residual_model")


def siamese_model(lib):
    """Two inputs through one nested Sequential encoder and one shared Dense layer,
    then Subtract, Multiply, Dot and Concatenate; two outputs."""
    L = lib.layers
    encoder = lib.Sequential([lib.Input(shape=(8,)), L.Dense(6, activation="relu"), L.Dense(4, activation="tanh")], name="encoder")
    shared = L.Dense(3, name="shared")
    left, right = lib.Input(shape=(8,), name="left"), lib.Input(shape=(8,), name="right")
    a, b = shared(encoder(left)), shared(encoder(right))
    difference = L.Subtract(name="difference")([a, b])
    product = L.Multiply(name="product")([a, b])
    similarity = L.Dot(axes=1, normalize=True, name="similarity")([a, b])
    features = L.Concatenate(name="features")([difference, product, L.Average(name="mean")([a, b]),
                                                L.Maximum(name="largest")([a, b]), L.Minimum(name="smallest")([a, b])])
    score = L.Dense(2, activation="softmax", name="score")(features)
    return lib.Model([left, right], [score, similarity], name="siamese")


def graph_node_outputs(lib, model, inputs):
    """Every layer call's output, computed by Keras layer by layer, in the order and
    under the names LayerLens gives the calls: config order, a model used as a
    layer expanded in place under `name/`, later calls of a layer as `name#2`, …"""
    records = []

    def expand(submodel, values, prefix):
        config = submodel.get_config()
        if isinstance(submodel, lib.Sequential):
            value = values[0]
            for layer in submodel.layers:
                if isinstance(layer, lib.Model):
                    value = expand(layer, [value], prefix + layer.name + "/")[0]
                else:
                    value = np.asarray(layer(value))
                    records.append((prefix + layer.name, value))
            return [value]
        names = lambda refs: [refs] if isinstance(refs[0], str) else refs
        produced = {ref[0]: {0: [v]} for ref, v in zip(names(config["input_layers"]), values)}
        nested_offset = lambda name: 1 if lib is tf_keras and isinstance(submodel.get_layer(name), lib.Model) else 0

        def refs_of(call):
            if isinstance(call, dict):
                found = []
                def collect(item):
                    if isinstance(item, dict) and item.get("class_name") == "__keras_tensor__":
                        found.append(item["config"]["keras_history"])
                    elif isinstance(item, (list, tuple)):
                        for element in item:
                            collect(element)
                collect(call["args"])
                return found
            return [entry[:3] for entry in call]

        pending = [(entry, k) for entry in config["layers"] if entry["class_name"] != "InputLayer"
                   for k in range(len(entry["inbound_nodes"]))]
        while pending:
            remaining = []
            for entry, k in pending:
                refs = refs_of(entry["inbound_nodes"][k])
                try:
                    args = [produced[r[0]][r[1] - (nested_offset(r[0]) if r[0] in [e["name"] for e in config["layers"]] else 0)][r[2]] for r in refs]
                except KeyError:
                    remaining.append((entry, k))
                    continue
                assert args, f"no inputs for {entry['name']}: {entry['inbound_nodes'][k]}"
                layer = submodel.get_layer(entry["name"])
                name = prefix + entry["name"] + ("" if k == 0 else f"#{k + 1}")
                if isinstance(layer, lib.Model):
                    outs = expand(layer, args, name + "/")
                else:
                    out = np.asarray(layer(args if len(args) > 1 else args[0]))
                    records.append((name, out))
                    outs = [out]
                produced.setdefault(entry["name"], {})[k] = outs
            assert len(remaining) < len(pending), "unresolvable graph"
            pending = remaining
        return [produced[r[0]][r[1] - nested_offset(r[0]) if r[0] in [e["name"] for e in config["layers"]] else r[1]][r[2]]
                for r in names(config["output_layers"])]

    expand(model, [np.asarray(x) for x in inputs], "")
    return records


def write_graph_goldens(name, lib, model, inputs, input_names, version, path):
    """Goldens of a functional model: every call's output (`<k>_<name>`), each
    input (`input_<i>`) and Keras's own predict of the outputs (`output_<i>`)."""
    arrays = {f"input_{i}": x for i, x in enumerate(inputs)}
    layers = []
    for k, (node, value) in enumerate(graph_node_outputs(lib, model, inputs)):
        key = f"{k}_{node.replace('/', '.')}"
        arrays[key] = np.asarray(value, np.float32)
        layers.append({"index": k, "name": node, "key": key, "shape": list(arrays[key].shape),
                       "class": "", "activation": ""})
    predicted = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    for i, output in enumerate(predicted if isinstance(predicted, list) else [predicted]):
        arrays[f"output_{i}"] = np.asarray(output, np.float32)
    np.savez(os.path.join(GOLDENS, f"{name}.npz"), **arrays)
    return {"model": path, "golden": f"goldens/{name}.npz", "keras_version": version, "inputs": input_names,
            "accuracy_held_out": None, "total_params": int(model.count_params()), "layers": layers, "graph": True}


def bad_graph_files():
    """Functional configs LayerLens must refuse: a cycle (conv_a takes conv_b's
    output, which takes conv_a's) and a dangling input (conv_b takes a layer
    that does not exist)."""
    for name, rewire in (("graph_cycle_tf2.h5", ("conv_a", "conv_b")), ("graph_dangling_tf2.h5", ("conv_b", "nowhere"))):
        path = os.path.join(BAD, name)
        shutil.copy(os.path.join(MODELS, "residual_tf2.h5"), path)
        with h5py.File(path, "r+") as f:
            config = json.loads(f.attrs["model_config"])
            for layer in config["config"]["layers"]:
                if layer["name"] == rewire[0]:
                    layer["inbound_nodes"] = [[[rewire[1], 0, 0, {}]]]
            f.attrs["model_config"] = json.dumps(config)


def graph_models(manifest, image_inputs, rng):
    pairs = [rng.normal(0, 1, (10, 8)).astype(np.float32) for _ in range(2)]
    for name, builder, lib, version, path, inputs in (
            ("residual_tf2", residual_model, tf_keras, tf_keras.__version__, "models/residual_tf2.h5", [image_inputs]),
            ("residual_k3", residual_model, keras, keras.__version__, "models/residual_k3.keras", [image_inputs]),
            ("siamese_tf2", siamese_model, tf_keras, tf_keras.__version__, "models/siamese_tf2.h5", pairs),
            ("siamese_k3", siamese_model, keras, keras.__version__, "models/siamese_k3.keras", pairs),
            ("siamese_k3_h5", siamese_model, keras, keras.__version__, "models/siamese_k3.h5", pairs)):
        model = builder(lib)
        model.save(os.path.join(ROOT, path))
        manifest["models"][name] = write_graph_goldens(name, lib, model, inputs, [f"sample_{i}" for i in range(len(inputs[0]))], version, path)
    bad_graph_files()


# ---------------------------------------------------------------------------
# User-style images and goldens of each preprocessing step (OpenCV, TensorFlow)
# ---------------------------------------------------------------------------

def paper(height, width, rng, low=200, high=245):
    """Light paper, unevenly lit (a diagonal gradient and a soft shadow), with grain."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    light = low + (high - low) * (0.55 * xs / width + 0.45 * (1 - ys / height))
    light -= 25 * np.exp(-(((xs - 0.8 * width) / (0.3 * width)) ** 2 + ((ys - 0.85 * height) / (0.3 * height)) ** 2))
    return np.clip(light + rng.normal(0, 4, light.shape), 0, 255)


def photo_of_letter(letter, rng, height=675, width=637):
    """A phone-photo-like RGB image: a dark, sharp-edged pen letter on paper."""
    base = paper(height, width, rng)
    ink = Image.new("L", (width, height), 0)
    font = ImageFont.truetype(FONTS[0], 640)
    ImageDraw.Draw(ink).text((width / 2, height / 2), letter, fill=255, font=font, anchor="mm", stroke_width=14, stroke_fill=255)
    mask = np.asarray(ink, np.float64) / 255
    gray = base * (1 - mask) + 35 * mask
    tint = np.stack([gray * 1.0, gray * 0.97, gray * 0.90], axis=-1)
    return Image.fromarray(np.clip(tint, 0, 255).round().astype(np.uint8), "RGB")


def brush_drawing(letter_strokes, size=280):
    """A soft-brush drawing: dark round strokes with blurred edges on white."""
    canvas = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(canvas)
    for stroke in letter_strokes:
        draw.line([(x * size, y * size) for x, y in stroke], fill=0, width=size // 12, joint="curve")
    return canvas.filter(ImageFilter.GaussianBlur(size / 60))


def flower(size=300):
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64) - size / 2
    r, t = np.hypot(xs, ys) / (size / 2), np.arctan2(ys, xs)
    petals = (r < 0.55 + 0.35 * np.cos(6 * t)).astype(np.float64)
    centre = (r < 0.18).astype(np.float64)
    rgb = np.stack([60 + 195 * petals * (1 - centre) + 200 * centre,
                    140 - 60 * petals + 120 * centre,
                    60 + 120 * petals * (1 - centre)], axis=-1)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def images(rng):
    os.makedirs(IMAGES, exist_ok=True)
    photo_of_letter("X", rng).save(os.path.join(IMAGES, "photo_x.jpg"), quality=90)
    # Stored rotated a quarter turn counter-clockwise, with EXIF orientation 6
    # ("rotate 90° clockwise to display"), as phones do.
    exif = Image.Exif()
    exif[0x0112] = 6
    photo_of_letter("P", rng).rotate(90, expand=True).save(os.path.join(IMAGES, "photo_p_exif.jpg"), quality=90, exif=exif)
    photo_of_letter("P", rng).save(os.path.join(IMAGES, "photo_p_progressive.jpg"), quality=85, progressive=True)
    photo_of_letter("L", rng).convert("L").save(os.path.join(IMAGES, "photo_l_gray.jpg"), quality=92)
    photo_of_letter("X", rng).convert("CMYK").save(os.path.join(IMAGES, "cmyk.jpg"), quality=90)
    x_strokes = [[(0.2, 0.15), (0.8, 0.85)], [(0.8, 0.15), (0.2, 0.85)]]
    p_strokes = [[(0.32, 0.88), (0.32, 0.12)], [(0.32, 0.12), (0.55, 0.12), (0.68, 0.2), (0.7, 0.32), (0.62, 0.44), (0.32, 0.47)]]
    brush_drawing(x_strokes).save(os.path.join(IMAGES, "drawing_x.png"))
    drawing = np.asarray(brush_drawing(p_strokes), np.uint8)
    rgba = np.zeros(drawing.shape + (4,), np.uint8)
    rgba[..., :3] = 30
    rgba[..., 3] = 255 - drawing  # ink opaque, paper transparent
    Image.fromarray(rgba, "RGBA").save(os.path.join(IMAGES, "drawing_p_rgba.png"))
    gray16 = (np.asarray(brush_drawing(x_strokes), np.uint16) * 257)
    Image.fromarray(gray16).save(os.path.join(IMAGES, "drawing_x_gray16.png"))
    brush_drawing(p_strokes).convert("P", palette=Image.ADAPTIVE, colors=16).save(os.path.join(IMAGES, "drawing_p_palette.png"))
    scribble = Image.new("L", (240, 240), 255)
    points = [(120 + 90 * np.sin(t * 1.7), 120 + 90 * np.cos(t * 1.1)) for t in np.linspace(0, 9, 60)]
    ImageDraw.Draw(scribble).line(points, fill=10, width=9, joint="curve")
    scribble.save(os.path.join(IMAGES, "scribble.png"))
    flower().save(os.path.join(IMAGES, "flower.jpg"), quality=90)


def pipeline_goldens():
    """What OpenCV and TensorFlow make of each image at each pipeline step, on
    float32 data: decoding (colour images as RGB, alpha composited over white),
    greyscale, the resizes (bilinear and area from OpenCV, bilinear and nearest
    from TensorFlow), a Gaussian blur and a min-max normalisation."""
    import cv2
    out = {}
    for name in sorted(os.listdir(IMAGES)):
        if name == "cmyk.jpg":
            continue
        path = os.path.join(IMAGES, name)
        raw = cv2.imread(path, cv2.IMREAD_UNCHANGED | cv2.IMREAD_ANYDEPTH)
        if name.endswith(".jpg"):
            raw = cv2.imread(path, cv2.IMREAD_COLOR if raw.ndim == 3 else cv2.IMREAD_GRAYSCALE)
            unrotated = cv2.imread(path, (cv2.IMREAD_COLOR if raw.ndim == 3 else cv2.IMREAD_GRAYSCALE) | cv2.IMREAD_IGNORE_ORIENTATION)
        raw = raw.astype(np.float32) / (257.0 if raw.dtype == np.uint16 else 1.0)
        if raw.ndim == 3 and raw.shape[2] == 4:
            alpha = raw[..., 3:] / 255.0
            raw = raw[..., :3] * alpha + 255.0 * (1 - alpha)
        if raw.ndim == 3:
            raw = cv2.cvtColor(raw, cv2.COLOR_BGR2RGB)
        key = name.rsplit(".", 1)[0]
        out[f"{key}/decoded"] = raw
        if name.endswith(".jpg") and raw.ndim == 3:
            out[f"{key}/decoded_no_exif"] = cv2.cvtColor(unrotated.astype(np.float32), cv2.COLOR_BGR2RGB)
        gray = cv2.cvtColor(raw, cv2.COLOR_RGB2GRAY) if raw.ndim == 3 else raw
        out[f"{key}/gray"] = gray
        if raw.ndim == 3:
            out[f"{key}/gray_tf"] = np.asarray(tf.image.rgb_to_grayscale(raw))[..., 0]
        out[f"{key}/bilinear_28"] = cv2.resize(gray, (28, 28), interpolation=cv2.INTER_LINEAR)
        out[f"{key}/bilinear_28_tf"] = np.asarray(tf.image.resize(gray[..., None], [28, 28], method="bilinear", antialias=False))[..., 0]
        out[f"{key}/bilinear_40x52"] = cv2.resize(gray, (40, 52), interpolation=cv2.INTER_LINEAR)
        out[f"{key}/area_28"] = cv2.resize(gray, (28, 28), interpolation=cv2.INTER_AREA)
        out[f"{key}/area_40x52"] = cv2.resize(gray, (40, 52), interpolation=cv2.INTER_AREA)
        out[f"{key}/nearest_28"] = np.asarray(tf.image.resize(gray[..., None], [28, 28], method="nearest"))[..., 0]
        small = cv2.resize(gray, (28, 28), interpolation=cv2.INTER_AREA)
        out[f"{key}/area_28_upscaled_100x90"] = cv2.resize(small, (100, 90), interpolation=cv2.INTER_AREA)
        out[f"{key}/bilinear_28_upscaled_100x90"] = cv2.resize(small, (100, 90), interpolation=cv2.INTER_LINEAR)
        out[f"{key}/blur_1.5"] = cv2.GaussianBlur(gray, (0, 0), 1.5)
        out[f"{key}/area_28_normalized"] = cv2.normalize(small, None, 0, 255, cv2.NORM_MINMAX)
    np.savez_compressed(os.path.join(GOLDENS, "pipeline.npz"), **{k: v.astype(np.float32) for k, v in out.items()})


def seed_story_goldens():
    """What Keras's seed model predicts for the seed case's photos and drawing
    through the broken pipeline (0..1, inverted as 1 − x, bilinear) and OpenCV's
    (area resize, 255 − x), from OpenCV's greyscale in pipeline.npz; the two
    pipelines' steps are linear, so their order does not change the input."""
    pipeline = np.load(os.path.join(GOLDENS, "pipeline.npz"))
    model = tf_keras.models.load_model(os.path.join(MODELS, "seed_tf2.h5"))
    story = {}
    for image in ("photo_x", "photo_p_exif", "drawing_x"):
        inputs = {"broken": 1 - pipeline[f"{image}/bilinear_28"] / 255, "opencv": 255 - pipeline[f"{image}/area_28"]}
        for name, x in inputs.items():
            logits = np.asarray(model(x.reshape(1, 784).astype(np.float32)), np.float64)[0]
            story[f"{image}/{name}"] = {"logits": logits.tolist(), "probabilities": tf.nn.softmax(logits).numpy().tolist()}
    with open(os.path.join(GOLDENS, "seed_story.json"), "w") as f:
        json.dump(story, f)


def colormap_goldens():
    """matplotlib's colormaps sampled at 1,000 points of 0..1 (RGBA in 0..1)."""
    import matplotlib
    x = np.linspace(0, 1, 1000)
    np.savez(os.path.join(GOLDENS, "colormaps.npz"), x=x,
             viridis=matplotlib.colormaps["viridis"](x), RdBu_r=matplotlib.colormaps["RdBu_r"](x))


# ---------------------------------------------------------------------------
# Eval goldens: whole-set numbers as Keras + NumPy compute them
# ---------------------------------------------------------------------------

EVAL_BINS = 10


def head_logits(model, outputs):
    """The logits beneath the model's final activation: its outputs for a linear head,
    else the final Dense layer's pre-activation, from its input and weights."""
    last = model.layers[-1]
    if activation_name(last) in ("linear", ""):
        return np.asarray(outputs[-1], np.float64)
    kernel, bias = (np.asarray(w, np.float64) for w in last.get_weights())
    features = np.asarray(outputs[-2], np.float64)
    return features.reshape(len(features), -1) @ kernel + bias


def eval_numbers(layers, outputs, probabilities, logits, y, class_count, top_k):
    """Every number `layerlens eval` reports, from Keras's layer outputs and NumPy:
    accuracy, top-k (classes ranked by probability, equal probabilities by logit,
    then by index), confusion, per-class precision/recall/F1 (0 where undefined),
    ECE over 10 equal-width confidence bins (a confidence of 1 in the last), and
    macro F1 over the classes with samples, and per layer (units = last axis,
    counted over every position) the dead (0 throughout) and always-active
    units, mean, population std and per-class means."""
    predicted = probabilities.argmax(axis=1)
    confusion = np.zeros((class_count, class_count), np.int64)
    np.add.at(confusion, (y, predicted), 1)
    top = np.lexsort((-logits, -probabilities), axis=-1)[:, :top_k]
    support, predicted_count, hits = confusion.sum(axis=1), confusion.sum(axis=0), np.diag(confusion)
    precision = np.where(predicted_count > 0, hits / np.maximum(predicted_count, 1), 0.0)
    recall = np.where(support > 0, hits / np.maximum(support, 1), 0.0)
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-300), 0.0)
    confidence = probabilities.max(axis=1).astype(np.float64)
    bins = np.minimum((confidence * EVAL_BINS).astype(np.int64), EVAL_BINS - 1)
    ece = 0.0
    for b in range(EVAL_BINS):
        members = bins == b
        if members.any():
            ece += members.sum() / len(y) * abs((predicted[members] == y[members]).mean() - confidence[members].mean())
    layer_numbers = []
    for layer, out in zip(layers, outputs):
        values = np.asarray(out, np.float64)
        units = values.reshape(len(y), -1, values.shape[-1] if values.ndim > 2 else values.shape[1])
        flat = units.reshape(-1, units.shape[-1])
        positive = (flat > 0)
        # Per-class means of wide layers (Flatten's 1,568 units) would only bloat the file.
        class_means = [units[y == c].reshape(-1, units.shape[-1]).mean(axis=0).tolist() if (y == c).any() else None
                       for c in range(class_count)] if units.shape[-1] <= 256 else None
        # Dead: 0 on every sample and position (a linear unit that is only ever negative is not).
        layer_numbers.append({"name": layer.name, "dead_units": np.flatnonzero((flat == 0).all(axis=0)).tolist(),
                              "always_active_units": np.flatnonzero(positive.all(axis=0)).tolist(),
                              "active_fraction": positive.mean(axis=0).tolist(),
                              "mean": flat.mean(axis=0).tolist(), "std": flat.std(axis=0).tolist(),
                              "class_means": class_means, "max_abs": float(np.abs(flat).max())})
    return {"count": int(len(y)), "accuracy": float((predicted == y).mean()), "top_k": top_k,
            "top_k_accuracy": float((top == y[:, None]).any(axis=1).mean()),
            "confusion": confusion.tolist(), "precision": precision.tolist(), "recall": recall.tolist(),
            "f1": f1.tolist(), "support": support.tolist(), "macro_f1": float(f1[support > 0].mean()),
            "ece": float(ece), "layers": layer_numbers}


def eval_goldens():
    """Goldens of `layerlens eval` on the letters sample (the CSV, which
    letters_sample.npz equals) for the dense seed model (tf.keras 2) and the CNN
    (Keras 3), and on an image folder of the first four samples of each class,
    read by Keras's own `image_dataset_from_directory`."""
    sample = np.load(os.path.join(LETTERS, "letters_sample.npz"))
    x, y = sample["x"].astype(np.float32), sample["y"].astype(np.int64)
    for name, lib, path, shape in (("seed_tf2", tf_keras, "seed_tf2.h5", (-1, 784)),
                                   ("cnn_k3", keras, "cnn_k3.keras", (-1, 28, 28, 1))):
        model = lib.models.load_model(os.path.join(MODELS, path))
        inputs = x.reshape(shape)
        outputs = layer_outputs(lib, model, inputs)
        final = np.asarray(outputs[-1], np.float64)
        linear = activation_name(model.layers[-1]) in ("linear", "")
        probabilities = np.asarray(tf.nn.softmax(final).numpy() if linear else final, np.float64)
        numbers = eval_numbers(model.layers, outputs, probabilities, head_logits(model, outputs), y, 26, 3)
        numbers.update({"model": f"models/{path}", "data": "letters/letters_sample.csv"})
        with open(os.path.join(GOLDENS, f"eval_{name}.json"), "w") as f:
            json.dump(numbers, f)

    # The seed bug over the whole sample: pixels inverted and scaled to 0..1 (`--preprocess invert,scale=1/255`).
    model = tf_keras.models.load_model(os.path.join(MODELS, "seed_tf2.h5"))
    outputs = layer_outputs(tf_keras, model, ((255.0 - x) / 255.0).astype(np.float32))
    probabilities = tf.nn.softmax(np.asarray(outputs[-1], np.float64)).numpy()
    numbers = eval_numbers(model.layers, outputs, probabilities, head_logits(model, outputs), y, 26, 3)
    numbers.update({"model": "models/seed_tf2.h5", "data": "letters/letters_sample.csv", "preprocess": "invert,scale=1/255"})
    with open(os.path.join(GOLDENS, "eval_seed_tf2_inverted.json"), "w") as f:
        json.dump(numbers, f)

    folder = os.path.join(LETTERS, "folder")
    shutil.rmtree(folder, ignore_errors=True)
    for label, letter in enumerate(ALPHABET):
        os.makedirs(os.path.join(folder, letter))
        for k, index in enumerate(np.flatnonzero(y == label)[:4]):
            Image.fromarray(x[index].reshape(28, 28).astype(np.uint8), "L").save(os.path.join(folder, letter, f"{letter}{k}.png"))
    data = keras.utils.image_dataset_from_directory(folder, color_mode="grayscale", image_size=(28, 28),
                                                    shuffle=False, batch_size=1000, interpolation="bilinear")
    images, labels = next(iter(data))
    images, labels = images.numpy().reshape(-1, 784), labels.numpy().astype(np.int64)
    model = tf_keras.models.load_model(os.path.join(MODELS, "seed_tf2.h5"))
    outputs = layer_outputs(tf_keras, model, images)
    probabilities = tf.nn.softmax(np.asarray(outputs[-1], np.float64)).numpy()
    numbers = eval_numbers(model.layers, outputs, probabilities, head_logits(model, outputs), labels, 26, 3)
    numbers.update({"model": "models/seed_tf2.h5", "data": "letters/folder", "class_names": data.class_names})
    with open(os.path.join(GOLDENS, "eval_seed_tf2_folder.json"), "w") as f:
        json.dump(numbers, f)


def main():
    for folder in (LETTERS, MODELS, GOLDENS, NPY, BAD, IMAGES):
        os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(SEED)
    tf.random.set_seed(SEED)
    keras.utils.set_random_seed(SEED)
    tf_keras.utils.set_random_seed(SEED)
    fonts_all = [ImageFont.truetype(path, size) for path in FONTS for size in (72, 84, 96)]

    print("rendering letters ...", flush=True)
    x_train, y_train = make_letters(600, rng, fonts_all)
    x_held, y_held = make_letters(50, rng, fonts_all)
    write_kaggle_csv(os.path.join(LETTERS, "letters_sample.csv"), x_held, y_held)
    letters_npz()
    contact_sheet(os.path.join(LETTERS, "contact_sheet.png"), x_held, y_held)
    xf_train, xf_held = x_train.astype(np.float32), x_held.astype(np.float32)

    manifest = {"generator": "Fixtures/make_fixtures.py",
                "versions": {"tensorflow": tf.__version__, "keras": keras.__version__,
                             "tf_keras": tf_keras.__version__, "numpy": np.__version__, "h5py": h5py.__version__},
                "letters": {"train_rows": int(len(y_train)), "held_out_rows": int(len(y_held)),
                            "held_out_file": "letters/letters_sample.csv"},
                "models": {}}
    inputs, input_names = golden_inputs(x_held, y_held, rng)

    print("training the seed model (tf.keras 2) ...", flush=True)
    seed2 = train_seed(tf_keras, xf_train, y_train, epochs=15)
    seed2_path = os.path.join(MODELS, "seed_tf2.h5")
    seed2.save(seed2_path)
    manifest["models"]["seed_tf2"] = write_goldens("seed_tf2", tf_keras, seed2, inputs, input_names,
                                                   tf_keras.__version__, "models/seed_tf2.h5",
                                                   accuracy(seed2, xf_held, y_held))

    print("training the seed model (Keras 3) ...", flush=True)
    seed3 = train_seed(keras, xf_train, y_train, epochs=15)
    seed3.save(os.path.join(MODELS, "seed_k3.keras"))
    seed3.save(os.path.join(MODELS, "seed_k3.h5"))
    acc3 = accuracy(seed3, xf_held, y_held)
    for name, file in (("seed_k3", "models/seed_k3.keras"), ("seed_k3_h5", "models/seed_k3.h5")):
        manifest["models"][name] = write_goldens(name, keras, seed3, inputs, input_names,
                                                 keras.__version__, file, acc3)

    print("training the activation models ...", flush=True)
    act2 = spread_activations(activations_model(tf_keras, [], lambda slope: tf_keras.layers.LeakyReLU(alpha=slope)), tf_keras, xf_train[:1024], rng)
    act2.save(os.path.join(MODELS, "activations_tf2.h5"))
    manifest["models"]["activations_tf2"] = write_goldens(
        "activations_tf2", tf_keras, act2, inputs, input_names, tf_keras.__version__,
        "models/activations_tf2.h5", accuracy(act2, xf_held, y_held))
    act3 = spread_activations(activations_model(keras, KERAS3_EXTRA_ACTIVATIONS, lambda slope: keras.layers.LeakyReLU(negative_slope=slope)), keras, xf_train[:1024], rng)
    act3.save(os.path.join(MODELS, "activations_k3.keras"))
    act3.save(os.path.join(MODELS, "activations_k3.h5"))
    acc_act3 = accuracy(act3, xf_held, y_held)
    for name, file in (("activations_k3", "models/activations_k3.keras"),
                       ("activations_k3_h5", "models/activations_k3.h5")):
        manifest["models"][name] = write_goldens(name, keras, act3, inputs, input_names,
                                                 keras.__version__, file, acc_act3)

    print("output heads, diff and logits goldens ...", flush=True)
    softmax2 = head_model(tf_keras, "softmax", xf_train, y_train)
    softmax2.save(os.path.join(MODELS, "softmax_tf2.h5"))
    manifest["models"]["softmax_tf2"] = write_goldens("softmax_tf2", tf_keras, softmax2, inputs, input_names,
                                                      tf_keras.__version__, "models/softmax_tf2.h5",
                                                      accuracy(softmax2, xf_held, y_held))
    sigmoid3 = head_model(keras, "sigmoid", xf_train, y_train)
    sigmoid3.save(os.path.join(MODELS, "sigmoid_k3.keras"))
    sigmoid3.save(os.path.join(MODELS, "sigmoid_k3.h5"))
    manifest["models"]["sigmoid_k3"] = write_goldens("sigmoid_k3", keras, sigmoid3, inputs, input_names,
                                                     keras.__version__, "models/sigmoid_k3.keras",
                                                     accuracy(sigmoid3, xf_held, y_held))
    logits = [logits_goldens("seed_tf2", os.path.join(GOLDENS, "seed_tf2.npz"), "softmax"),
              logits_goldens("softmax_tf2", os.path.join(GOLDENS, "softmax_tf2.npz"), "none"),
              logits_goldens("sigmoid_k3", os.path.join(GOLDENS, "sigmoid_k3.npz"), "sigmoid")]
    with open(os.path.join(GOLDENS, "logits.json"), "w") as f:
        json.dump(logits, f, indent=1)
    # Letter vs letter, letter vs its 0..1 seed-bug twin, blank vs blank (all degenerate), blank vs white.
    pairs = [(0, 1), (0, 13), (10, 10), (10, 11), (2, 14)]
    with open(os.path.join(GOLDENS, "diff_seed_tf2.json"), "w") as f:
        json.dump({"pairs": diff_goldens(os.path.join(GOLDENS, "seed_tf2.npz"), manifest["models"]["seed_tf2"], pairs)}, f, indent=1)

    print("convolutional models ...", flush=True)
    conv_models(manifest, xf_train, y_train, xf_held, y_held, inputs, input_names, np.random.default_rng(SEED + 2))
    bad_conv_files()
    upsampling_goldens(manifest, np.random.default_rng(SEED + 4))
    print("functional graphs ...", flush=True)
    graph_models(manifest, inputs.reshape(-1, 28, 28, 1), np.random.default_rng(SEED + 3))

    split = split_attribute_copy(seed2_path)
    manifest["models"]["seed_tf2_split_attributes"] = dict(manifest["models"]["seed_tf2"],
                                                           model="models/" + os.path.basename(split))

    print("activation functions, NumPy samples, bad files ...", flush=True)
    activation_function_goldens()
    numpy_samples()
    bad_files(seed2_path, xf_train, y_train)
    np.save(os.path.join(LETTERS, "letter_A.npy"), inputs[:1])
    np.save(os.path.join(LETTERS, "letter_A_28x28.npy"), inputs[0].reshape(28, 28))

    print("images and pipeline goldens ...", flush=True)
    images(np.random.default_rng(SEED + 1))
    pipeline_goldens()
    seed_story_goldens()
    colormap_goldens()

    print("eval goldens ...", flush=True)
    eval_goldens()

    with open(os.path.join(GOLDENS, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    for name, entry in manifest["models"].items():
        accuracy_text = "untrained" if entry["accuracy_held_out"] is None else f"held-out accuracy {entry['accuracy_held_out']:.4f}"
        print(f"{name}: {accuracy_text}, {entry['total_params']} params")


if __name__ == "__main__":
    # `make_fixtures.py eval` (or `seed-story`, `pipeline`) regenerates only those goldens, from the committed models and images.
    only = {"eval": eval_goldens, "seed-story": seed_story_goldens, "pipeline": pipeline_goldens}
    sys.exit(only[sys.argv[1]]() if sys.argv[1:2] and sys.argv[1] in only else main())
