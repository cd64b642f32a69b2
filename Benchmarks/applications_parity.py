#!/usr/bin/env python3
"""LayerLens against Keras on full-size keras.applications models (not run in CI).

For each model: build it at its default input size with weights=None (seeded),
calibrate every BatchNormalization on a batch and perturb it (see `randomise`),
save it under the git-ignored Benchmarks/data/applications/ as Keras 3 .keras,
Keras 3 .h5 and tf.keras 2 .h5, compute Keras's float32 and float64 output of
every layer call for each input, run

    <repo>/.build/release/layerlens trace MODEL input_<i>.npy --dump DIR --no-report

and compare the dumped `<k>_<layer>.npy` files, by layer name, with Keras.
One row per model and format:

    tolerance ratio  max over calls and inputs of |ours − keras32| / (atol + rtol·max|keras64|)
                     (pass: ≤ 1)
    f64 ratio        max over calls of |ours − keras64| / |keras32 − keras64|
                     (how LayerLens's own float32 error compares with Keras's;
                     the denominator is at least one float32 ulp of max|keras64|)
    result           PASS when LayerLens has every call Keras has and each call
                     is within tolerance of Keras's float32 or, failing that, no
                     farther from float64 than --f64-bound (2, the tests' rule) times Keras's own
                     float32 error; else FAIL, naming the first failing call

A model that fails to build, save, load or trace is a row saying why, not a crash.

    .venv/bin/python Benchmarks/applications_parity.py                       # every model
    .venv/bin/python Benchmarks/applications_parity.py EfficientNetB0 ConvNeXtTiny --formats k3 tf2
    .venv/bin/python Benchmarks/applications_parity.py MobileNetV3Small --keras-only   # only the Keras half
    .venv/bin/python Benchmarks/applications_parity.py ResNet152 --size 128             # smaller input

A small --size makes the deep stages 1×1 and their calibration batch tiny, so
Keras's own float32 error there can be large; the f64 ratio then tells whether
a big tolerance ratio is LayerLens's error or the model's conditioning.

Memory: Keras's outputs of every call are held at once (float32 and float64);
the largest models (EfficientNetB7 at 600×600, ConvNeXtXLarge, NASNetLarge)
need tens of GB at their default sizes; use --size.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "Fixtures"))
import make_applications as apps  # noqa: E402  (sets the TF environment before TensorFlow loads)

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tf_keras  # noqa: E402

DATA = os.path.join(REPO, "Benchmarks", "data", "applications")
SEED = 20261129
FORMATS = ("k3", "k3_h5", "tf2")

# name → (keras.applications module, constructor kwargs); the constructor has the name's name.
MODELS = {name: (module, kwargs) for module, names, kwargs in [
    ("vgg16", ["VGG16"], {}), ("vgg19", ["VGG19"], {}),
    ("resnet", ["ResNet50", "ResNet101", "ResNet152"], {}),
    ("resnet_v2", ["ResNet50V2", "ResNet101V2", "ResNet152V2"], {}),
    ("inception_v3", ["InceptionV3"], {}), ("inception_resnet_v2", ["InceptionResNetV2"], {}),
    ("xception", ["Xception"], {}), ("mobilenet", ["MobileNet"], {}), ("mobilenet_v2", ["MobileNetV2"], {}),
    ("mobilenet_v3", ["MobileNetV3Small", "MobileNetV3Large"], {}),
    ("densenet", ["DenseNet121", "DenseNet169", "DenseNet201"], {}),
    ("nasnet", ["NASNetMobile", "NASNetLarge"], {}),
    ("efficientnet", [f"EfficientNetB{i}" for i in range(8)], {}),
    ("efficientnet_v2", [f"EfficientNetV2B{i}" for i in range(4)] + ["EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L"], {}),
    ("convnext", ["ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge"], {}),
    ("regnet", ["RegNetX002", "RegNetY002"], {}),
] for name in names}
# Families whose preprocessing is part of the model: they take 0..255 images.
BUILT_IN_PREPROCESSING = {"mobilenet_v3", "efficientnet", "efficientnet_v2", "convnext", "regnet"}


def build(lib, name, size):
    """The application `name` of `lib` with weights=None and 10 classes, at its
    default input size or size×size (224×224 for MobileNetV3, whose default
    input is of any size). None if `lib` has no such application."""
    constructor = getattr(lib.applications, name, None)
    if constructor is None:
        return None
    model = constructor(weights=None, classes=10, input_shape=None if size is None else (size, size, 3),
                        **MODELS[name][1])
    if model.input_shape[1] is None:
        model = constructor(weights=None, classes=10, input_shape=(224, 224, 3), **MODELS[name][1])
    return model


def randomise(lib, model, calibration, rng):
    """Seeded weights that make every layer act, in one pass (the per-call
    calibration of make_applications.randomise is too slow at full size):
    random γ, β of BatchNormalization and LayerNormalization, random LayerScale
    γ, ImageNet-like statistics in an adaptable Normalization; then one
    training-mode pass over the calibration batch with every BatchNormalization's
    momentum 0 (its moving statistics become the batch statistics of its input)
    and Dropout off; then the moving statistics perturbed (mean + N(0, 0.1·std),
    variance × U(0.5, 1.5))."""
    layers = list(apps.leaf_layers(model))
    for layer in layers:
        kind = type(layer).__name__
        if kind in ("BatchNormalization", "LayerNormalization"):
            if getattr(layer, "gamma", None) is not None:
                layer.gamma.assign(rng.uniform(0.5, 1.5, layer.gamma.shape))
            if getattr(layer, "beta", None) is not None:
                layer.beta.assign(rng.normal(0, 0.25, layer.beta.shape))
        elif kind == "LayerScale":
            layer.gamma.assign(rng.uniform(0.2, 1.0, layer.gamma.shape))
        elif kind == "Normalization" and layer.weights:
            shape = layer.adapt_mean.shape
            layer.adapt_mean.assign(np.array([0.485, 0.456, 0.406]).reshape(shape))
            layer.adapt_variance.assign(np.array([0.229, 0.224, 0.225]).reshape(shape) ** 2)
            layer.finalize_state()
    saved = {}
    for layer in layers:
        if type(layer).__name__ == "BatchNormalization":
            saved[id(layer)] = ("momentum", layer.momentum)
            layer.momentum = 0.0
        elif type(layer).__name__ == "Dropout":
            saved[id(layer)] = ("rate", layer.rate)
            layer.rate = 0.0
    model(calibration, training=True)
    for layer in layers:
        if id(layer) in saved:
            setattr(layer, *saved[id(layer)])
        if type(layer).__name__ == "BatchNormalization":
            mean, var = np.asarray(layer.moving_mean), np.asarray(layer.moving_variance)
            layer.moving_mean.assign(mean + rng.normal(0, 0.1, mean.shape) * np.sqrt(var))
            layer.moving_variance.assign(var * rng.uniform(0.5, 1.5, var.shape))
    return model


def keras_outputs(lib, model, x):
    """name → (float32 output, float64 output) of every call, in call order."""
    records = apps.Tracer(lib)(model, [x])
    twin = apps.Tracer(lib)(apps.float64_twin(lib, model), [x.astype(np.float64)])
    return {r["name"]: (np.asarray(r["output"], np.float32), t["output"]) for r, t in zip(records, twin)}


def compare(dump, reference, index, rtol, atol, f64_bound):
    """Reads a LayerLens dump and compares every call with Keras's for input
    `index`: (calls matched, calls Keras has, worst tolerance ratio and its
    call, worst f64 ratio and its call, the first failing call or None)."""
    manifest = json.load(open(os.path.join(dump, "manifest.json")))
    worst_tol, worst_f64, matched, failing = (0.0, ""), (0.0, ""), 0, None
    for layer in manifest["layers"]:
        if layer["name"] not in reference:
            continue
        matched += 1
        k32, k64 = (a[index:index + 1] for a in reference[layer["name"]])
        ours = np.load(os.path.join(dump, layer["file"]))
        if ours.shape != k32.shape:
            failing = f"{layer['name']} shape {ours.shape} ≠ {k32.shape}"
            return matched, len(reference), (np.inf, failing), (np.inf, ""), failing
        scale = float(np.abs(k64).max())  # plain floats: the rows are written as JSON
        tol = float(np.abs(ours - k32).max()) / (atol + rtol * scale)
        keras_error = max(float(np.abs(k32 - k64).max()), float(np.finfo(np.float32).eps) * scale, 1e-30)
        f64 = float(np.abs(ours - k64).max()) / keras_error
        worst_tol = max(worst_tol, (tol, layer["name"]))
        worst_f64 = max(worst_f64, (f64, layer["name"]))
        if failing is None and tol > 1.0 and f64 > f64_bound:
            failing = layer["name"]
    return matched, len(reference), worst_tol, worst_f64, failing


def prepare(name, size, count, formats):
    """Builds, saves and computes Keras's outputs for one model: the inputs'
    .npy paths and per format its file and reference outputs (or an error)."""
    module = MODELS[name][0]
    rng = np.random.default_rng(SEED + sum(map(ord, name)))
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    model3 = build(keras, name, size)  # also the source of the tf.keras 2 model's weights
    probe = model3 if model3 is not None else build(tf_keras, name, size)
    side = probe.input_shape[1]
    images = apps.smooth_images(rng, count + 8, side)
    prep = (lambda v: v) if module in BUILT_IN_PREPROCESSING else \
        (lambda v: getattr(keras.applications, module).preprocess_input(v.copy()))
    images = prep(images).astype(np.float32)
    x, calibration = images[:count], images
    os.makedirs(DATA, exist_ok=True)
    inputs = []
    for i in range(count):
        inputs.append(os.path.join(DATA, f"{name}_input_{i}.npy"))
        np.save(inputs[-1], x[i:i + 1])
    prepared = {}
    if model3 is not None:
        randomise(keras, model3, calibration, rng)
        reference = keras_outputs(keras, model3, x) if {"k3", "k3_h5"} & set(formats) else None
        for fmt, ext in (("k3", "keras"), ("k3_h5", "h5")):
            if fmt in formats:
                path = os.path.join(DATA, f"{name}_{fmt}.{ext}")
                model3.save(path)
                prepared[fmt] = (path, reference)
    if "tf2" in formats:
        tf_keras.backend.clear_session()
        tf_keras.utils.set_random_seed(SEED)
        model2 = build(tf_keras, name, size)
        if model2 is None:
            prepared["tf2"] = (None, "tf.keras 2 has no " + name)
        else:
            if model3 is not None:
                apps.copy_weights(model3, model2)
            else:
                randomise(tf_keras, model2, calibration, rng)
            path = os.path.join(DATA, f"{name}_tf2.h5")
            model2.save(path)
            prepared["tf2"] = (path, keras_outputs(tf_keras, model2, x))
    if model3 is None:
        for fmt in {"k3", "k3_h5"} & set(formats):
            prepared[fmt] = (None, "Keras 3 has no " + name)
    return inputs, x, prepared


def keras_reload(fmt, path, x, reference):
    """The Keras half on its own: the saved file reloaded by its own library
    reproduces the reference (worst absolute difference), or why it does not."""
    lib = tf_keras if fmt == "tf2" else keras
    objects = {cls: getattr(apps.app_module(lib, module), cls)
               for module, cls in (("convnext", "LayerScale"), ("inception_resnet_v2", "CustomScaleLayer"))}
    loaded = (tf_keras.models.load_model(path, custom_objects=objects, compile=False) if fmt == "tf2"
              else keras.saving.load_model(path, custom_objects=objects, compile=False))
    records = apps.Tracer(lib)(loaded, [x])
    assert [r["name"] for r in records] == list(reference), "call names differ after reloading"
    return max(float(np.abs(r["output"] - reference[r["name"]][0]).max()) for r in records)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help=f"default: all of {', '.join(MODELS)}")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--inputs", type=int, default=2, help="inputs per model (default 2)")
    parser.add_argument("--size", type=int, help="input size instead of the model's default")
    parser.add_argument("--layerlens", default=os.path.join(REPO, ".build", "release", "layerlens"))
    parser.add_argument("--keras-only", action="store_true", help="skip LayerLens; check that Keras reloads its files")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--f64-bound", type=float, default=2.0)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per LayerLens run")
    args = parser.parse_args()
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}")
    if not args.keras_only and not os.access(args.layerlens, os.X_OK):
        parser.error(f"no LayerLens at {args.layerlens} (swift build -c release, or --layerlens, or --keras-only)")

    rows = []
    header = f"{'model':<20} {'format':<6} {'layers':>9} {'tol ratio':>10} {'f64 ratio':>10}  result"
    print(header + "\n" + "-" * len(header), flush=True)

    def row(name, fmt, layers="", tol="", f64="", result=""):
        rows.append({"model": name, "format": fmt, "layers": layers, "tolerance_ratio": tol, "f64_ratio": f64, "result": result})
        show = lambda v: f"{v:.3g}" if isinstance(v, float) else str(v)
        print(f"{name:<20} {fmt:<6} {layers:>9} {show(tol):>10} {show(f64):>10}  {result}", flush=True)

    for name in args.models or list(MODELS):
        started = time.time()
        try:
            inputs, x, prepared = prepare(name, args.size, args.inputs, args.formats)
        except Exception as error:  # a model that cannot be built is a row
            row(name, "all", result=f"ERROR building: {type(error).__name__}: {str(error)[:160]}")
            continue
        for fmt in args.formats:
            path, reference = prepared[fmt]
            if path is None:
                row(name, fmt, result=f"SKIP: {reference}")
                continue
            try:
                if args.keras_only:
                    worst = keras_reload(fmt, path, x, reference)
                    row(name, fmt, f"{len(reference)}", result=f"Keras reload diff {worst:.2g}" + ("" if worst == 0 else " (!)"))
                    continue
                worst_tol, worst_f64, counts, failing = (0.0, ""), (0.0, ""), set(), None
                for i, input_path in enumerate(inputs):
                    dump = os.path.join(DATA, f"dump_{name}_{fmt}_{i}")
                    shutil.rmtree(dump, ignore_errors=True)
                    run = subprocess.run([args.layerlens, "trace", path, input_path, "--dump", dump, "--no-report"],
                                         capture_output=True, text=True, timeout=args.timeout)
                    if run.returncode != 0:
                        said = (run.stderr or run.stdout).strip().splitlines()
                        raise RuntimeError(f"layerlens exit {run.returncode}: " + (said[-1][:200] if said else "no message"))
                    matched, total, tol, f64, fails = compare(dump, reference, i, args.rtol, args.atol, args.f64_bound)
                    failing = failing or fails
                    shutil.rmtree(dump)
                    counts.add((matched, total))
                    worst_tol, worst_f64 = max(worst_tol, tol), max(worst_f64, f64)
                matched, total = min(counts)
                if matched < total:
                    failing = failing or f"{total - matched} of Keras's calls not in the dump"
                row(name, fmt, f"{matched}/{total}", worst_tol[0], worst_f64[0],
                    f"FAIL ({failing})" if failing else f"PASS (worst: {worst_tol[1]})")
            except Exception as error:  # LayerLens or Keras failing on one format is a row
                row(name, fmt, result=f"ERROR: {type(error).__name__}: {str(error)[:160]}")
        print(f"  ({name}: {time.time() - started:.0f} s)", flush=True)
    with open(os.path.join(DATA, "parity.json"), "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
