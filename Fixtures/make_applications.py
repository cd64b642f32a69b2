#!/usr/bin/env python3
"""Builds one small, truncated member of each keras.applications family in three
file formats, with goldens Keras itself computes (float32, and float64 from a
float64 rebuild of the same model), under Fixtures/applications/ and
Fixtures/goldens/applications/.

Run from the repository root, in the git-ignored virtual environment (see
make_fixtures.py for its set-up):

    .venv/bin/python Fixtures/make_applications.py            # every fixture
    .venv/bin/python Fixtures/make_applications.py resnet50   # only these (the manifest is updated in place)

Nothing is downloaded: every model is built with weights=None and given seeded,
calibrated random weights (see `randomise`).
"""
import copy
import importlib
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
# The machine is shared: one inter-op and two intra-op threads are plenty for these small models.
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "2")

import cv2
import numpy as np

import keras  # Keras 3
import tensorflow as tf
import tf_keras  # Keras 2 (tf.keras 2.x)
from keras.src.ops.function import make_node_key

ROOT = os.path.dirname(os.path.abspath(__file__))
APPS = os.path.join(ROOT, "applications")
GOLDENS = os.path.join(ROOT, "goldens", "applications")
SEED = 20261128
CLASSES = 10


# ---------------------------------------------------------------------------
# Library helpers: the two Kerases spell a few things differently
# ---------------------------------------------------------------------------

def is_k3(lib):
    return lib is keras


def app_module(lib, name):
    """The module that defines an application family, for its internal builders
    (`EfficientNet`, `ResNet`, stack functions, …), which both Kerases expose."""
    return importlib.import_module(("keras.src" if is_k3(lib) else "tf_keras.src") + ".applications." + name)


def name_kwarg(lib, name):
    """The model-name keyword of the generic family constructors."""
    return {"name": name} if is_k3(lib) else {"model_name": name}


def leaf_layers(model):
    """Every non-container layer of a model, nested models expanded, in order."""
    for layer in model.layers:
        if isinstance(layer, (keras.Model, tf_keras.Model)):
            yield from leaf_layers(layer)
        else:
            yield layer


def custom_objects(model):
    """The application-specific layer classes (LayerScale, CustomScaleLayer) a
    rebuilt config needs."""
    return {type(layer).__name__: type(layer) for layer in leaf_layers(model)
            if "applications" in type(layer).__module__}


# ---------------------------------------------------------------------------
# Config surgery: dropping repeat blocks, narrowing a family without `alpha`
# ---------------------------------------------------------------------------

def refs_in(lib, call):
    """The tensor references of one inbound node of a layer config, as mutable
    lists whose first element is the producing layer's name. Keras 3 writes
    `{"args": [...], "kwargs": {...}}` with `__keras_tensor__` objects; tf.keras 2
    writes a list of `[name, node, tensor, kwargs]` (TFOpLambda: one bare such
    list), with further tensors as `[name, node, tensor]` inside kwargs."""
    found = []

    def k3_walk(item):
        if isinstance(item, dict):
            if item.get("class_name") == "__keras_tensor__":
                found.append(item["config"]["keras_history"])
            else:
                for value in item.values():
                    k3_walk(value)
        elif isinstance(item, (list, tuple)):
            for element in item:
                k3_walk(element)

    def tf2_kwargs(kwargs):
        for value in kwargs.values():
            if isinstance(value, list) and len(value) >= 3 and isinstance(value[0], str) and isinstance(value[1], int):
                found.append(value)

    if isinstance(call, dict):
        k3_walk(call["args"])
        k3_walk(call["kwargs"])
    elif call and isinstance(call[0], str):
        found.append(call)
        tf2_kwargs(call[3])
    else:
        for ref in call:
            found.append(ref)
            tf2_kwargs(ref[3] if len(ref) > 3 else {})
    return found


def drop_blocks(lib, config, blocks):
    """Removes repeat blocks from a (single-call-per-layer) functional config.
    A block is given by its exit layer, or as (entry, exit) for a plain chain.
    Given only the exit, the entry is the immediate dominator (the last layer
    every path from the input passes through) of the block's merge: the exit
    itself if it merges several inputs (a residual Add, a Concatenate), else the
    first merge above it (InceptionResNet's scale layer under its activation).
    The layers after the entry up to the exit are deleted and the exit's
    consumers read the entry instead, so a dropped block must map its input
    shape to itself."""
    for block in blocks:
        layers = config["layers"]
        preds = {entry["name"]: {ref[0] for call in entry["inbound_nodes"] for ref in refs_in(lib, call)} for entry in layers}
        order = [entry["name"] for entry in layers]  # config order is topological
        dominators = {}
        for name in order:
            sets = [dominators[p] for p in preds[name]]
            dominators[name] = (set.intersection(*sets) if sets else set()) | {name}
        entry_name, exit_name = block if isinstance(block, tuple) else (None, block)
        assert exit_name in preds, f"no layer {exit_name}"
        if entry_name is None:
            merge = exit_name
            while len(preds[merge]) == 1:
                merge = next(iter(preds[merge]))
            entry_name = max(dominators[merge] - {merge}, key=order.index)
        ancestors, stack = set(), [exit_name]
        while stack:
            for p in preds[stack.pop()]:
                if p not in ancestors:
                    ancestors.add(p)
                    stack.append(p)
        dominated = {n for n in order if entry_name in dominators[n]}
        removed = ((ancestors & dominated) | {exit_name}) - {entry_name}
        assert len(removed) > 1, f"block {block} holds only its exit"
        config["layers"] = [entry for entry in layers if entry["name"] not in removed]
        for entry in config["layers"]:
            for call in entry["inbound_nodes"]:
                for ref in refs_in(lib, call):
                    assert ref[0] not in removed - {exit_name}, f"{entry['name']} reads inside dropped block {exit_name}"
                    if ref[0] == exit_name:
                        ref[0], ref[1], ref[2] = entry_name, 0, 0
    return config


def narrow(config, factor, keep=("predictions",)):
    """Divides every Conv2D/SeparableConv2D `filters` and Dense `units` by
    `factor` (all of them, so concatenations and residual sums still agree),
    except the layers named in `keep` (the classifier)."""
    for entry in config["layers"]:
        for key in ("filters", "units"):
            if key in entry["config"] and entry["name"] not in keep:
                value = entry["config"][key]
                assert value % factor == 0, f"{entry['name']}: {key} {value} not divisible by {factor}"
                entry["config"][key] = value // factor
    return config


def surgery(lib, model, blocks=(), factor=1, overrides=None):
    """A new functional model: `model` without the repeat `blocks` (see drop_blocks),
    narrowed by `factor`, with `overrides` ({layer name: {option: value}})
    written into single layers' configs (the wide 1×1 convolutions of the
    MobileNet tops, which `alpha` leaves alone)."""
    config = drop_blocks(lib, model.get_config(), blocks)
    if factor != 1:
        narrow(config, factor)
    for entry in config["layers"]:
        entry["config"].update((overrides or {}).get(entry["name"], {}))
        entry.pop("build_config", None)  # the old input shapes; layers are rebuilt on their new inputs
    return lib.Model.from_config(config, custom_objects=custom_objects(model))


def consumer(model, source, class_name):
    """The name of the layer of class `class_name` that reads layer `source`
    (for the unnamed Add layers of Xception)."""
    for layer in model.layers:
        if type(layer).__name__ == class_name:
            for node in layer._inbound_nodes:
                inputs = node.arguments.keras_tensors if hasattr(node, "arguments") else tf.nest.flatten(node.keras_inputs)
                if any(t._keras_history[0].name == source for t in inputs):
                    return layer.name
    raise KeyError(f"no {class_name} reads {source}")


# ---------------------------------------------------------------------------
# The families: each builder makes the truncated model in either Keras
# ---------------------------------------------------------------------------

def efficientnet_b0(lib, size):
    """EfficientNetB0 with one block per stage (two in stage 2, for the
    id-skip Add and its drop-connect Dropout), width ×0.25."""
    module = app_module(lib, "efficientnet")
    blocks = copy.deepcopy(module.DEFAULT_BLOCKS_ARGS)
    for i, block in enumerate(blocks):
        block["repeats"] = 2 if i == 1 else 1
    return module.EfficientNet(0.25, 1.0, 224, 0.2, blocks_args=blocks, include_top=True, weights=None,
                               input_shape=(size, size, 3), classes=CLASSES, **name_kwarg(lib, "efficientnetb0"))


def mobilenet_v3_add(lib, block):
    """The residual Add of a MobileNetV3 block: tf.keras 2 names its layers with
    `/` (`expanded_conv_5/Add`), which Keras 3 forbids (`expanded_conv_5_add`)."""
    return f"expanded_conv_{block}_add" if is_k3(lib) else f"expanded_conv_{block}/Add"


def mobilenet_v3_top(lib):
    """The 1024/1280-wide 1×1 convolution of the MobileNetV3 top, narrowed to 256."""
    return {"conv_2" if is_k3(lib) else "Conv_2": {"filters": 256}}


def mobilenet_v3_small(preprocessing):
    """MobileNetV3Small (alpha 0.5, top convolution 256 wide) without the repeat
    blocks 5, 7, 9, 10; blocks 2 (ReLU) and 4 (hard-swish, squeeze-excite) keep
    a residual Add."""
    def build(lib, size):
        full = lib.applications.MobileNetV3Small(input_shape=(size, size, 3), alpha=0.5, weights=None, classes=CLASSES,
                                                 include_preprocessing=preprocessing)
        return surgery(lib, full, [mobilenet_v3_add(lib, i) for i in (5, 7, 9, 10)], overrides=mobilenet_v3_top(lib))
    return build


def mobilenet_v3_large(lib, size):
    """MobileNetV3Large (alpha 0.35, top convolution 256 wide) without the
    repeat blocks 5, 8, 9, 13, 14 (one residual of each kind stays: 0 and 2
    ReLU, 4 ReLU+SE, 7 hard-swish, 11 hard-swish+SE)."""
    full = lib.applications.MobileNetV3Large(input_shape=(size, size, 3), alpha=0.35, weights=None, classes=CLASSES)
    return surgery(lib, full, [mobilenet_v3_add(lib, i) for i in (5, 8, 9, 13, 14)], overrides=mobilenet_v3_top(lib))


def convnext_tiny(lib, size):
    """ConvNeXtTiny's code with one block per stage and narrower stages."""
    module = app_module(lib, "convnext")
    return module.ConvNeXt(depths=[1, 1, 1, 1], projection_dims=[16, 32, 64, 128], drop_path_rate=0.0,
                           layer_scale_init_value=1e-6, default_size=224, include_preprocessing=True,
                           include_top=True, weights=None, input_shape=(size, size, 3), classes=CLASSES,
                           **name_kwarg(lib, "convnext_tiny"))


def mobilenet_v2(lib, size, include_top=True):
    """MobileNetV2 (alpha 0.35, last convolution 320 wide instead of 1280)
    keeping the first block of each stage and the first residual block (2);
    the other identity blocks are dropped."""
    full = lib.applications.MobileNetV2(input_shape=(size, size, 3), alpha=0.35, weights=None, classes=CLASSES,
                                        include_top=include_top)
    return surgery(lib, full, [f"block_{i}_add" for i in (4, 5, 7, 8, 9, 11, 12, 14, 15)],
                   overrides={"Conv_1": {"filters": 320}})


def resnet50(lib, size):
    """ResNet50's code, one bottleneck block per stage (two in conv2, for an
    identity shortcut), filters 16..128 instead of 64..512."""
    module = app_module(lib, "resnet")
    stack = module.stack_residual_blocks_v1 if is_k3(lib) else module.stack1

    def stack_fn(x):
        x = stack(x, 16, 2, stride1=1, name="conv2")
        x = stack(x, 32, 1, name="conv3")
        x = stack(x, 64, 1, name="conv4")
        return stack(x, 128, 1, name="conv5")
    return module.ResNet(stack_fn, False, True, include_top=True, weights=None, input_shape=(size, size, 3),
                         classes=CLASSES, **name_kwarg(lib, "resnet50"))


def resnet50_v2(lib, size):
    """ResNet50V2's code, two blocks per stage (the least its stack allows: a
    projection block and a strided block with a max-pooled shortcut; the last
    stage's second block is an identity one), filters 8..64."""
    module = app_module(lib, "resnet")
    stack = module.stack_residual_blocks_v2 if is_k3(lib) else module.stack2

    def stack_fn(x):
        x = stack(x, 8, 2, name="conv2")
        x = stack(x, 16, 2, name="conv3")
        x = stack(x, 32, 2, name="conv4")
        return stack(x, 64, 2, stride1=1, name="conv5")
    return module.ResNet(stack_fn, True, True, include_top=True, weights=None, input_shape=(size, size, 3),
                         classes=CLASSES, **name_kwarg(lib, "resnet50v2"))


def densenet121(lib, size):
    """DenseNet121's code with one conv block per dense block."""
    module = app_module(lib, "densenet")
    extra = {"name": "densenet121"} if is_k3(lib) else {}
    return module.DenseNet([1, 1, 1, 1], include_top=True, weights=None, input_shape=(size, size, 3),
                           classes=CLASSES, **extra)


def transfer_mobilenet_v2(lib, size):
    """Transfer learning: the truncated MobileNetV2 without its top, used as a
    layer (training=False) behind a Rescaling to [-1, 1], with a new head."""
    base = mobilenet_v2(lib, size, include_top=False)
    inputs = lib.Input((size, size, 3), name="image")
    x = lib.layers.Rescaling(1 / 127.5, offset=-1.0, name="to_unit_range")(inputs)
    x = base(x, training=False)
    x = lib.layers.GlobalAveragePooling2D(name="pool")(x)
    x = lib.layers.Dropout(0.2, name="head_dropout")(x)
    outputs = lib.layers.Dense(CLASSES, name="head")(x)
    return lib.Model(inputs, outputs, name="transfer_mobilenetv2")


def vgg16(lib, size):
    """VGG16 whole (it has no repeat blocks) at 32×32, every width ÷16."""
    return surgery(lib, lib.applications.VGG16(input_shape=(size, size, 3), weights=None, classes=CLASSES), factor=16)


def xception(lib, size):
    """Xception with one middle-flow block (block5) instead of eight, widths ÷8."""
    full = lib.applications.Xception(input_shape=(size, size, 3), weights=None, classes=CLASSES)
    exits = [consumer(full, f"block{i}_sepconv3_bn", "Add") for i in range(6, 13)]
    return surgery(lib, full, exits, factor=8)


def inception_v3(lib, size):
    """InceptionV3 keeping the first module of each kind (mixed0/1, mixed3,
    mixed4, mixed8, mixed9); mixed2, 5, 6, 7 and 10 repeat their predecessor's
    shape and are dropped. Widths ÷8."""
    full = lib.applications.InceptionV3(input_shape=(size, size, 3), weights=None, classes=CLASSES)
    return surgery(lib, full, ["mixed2", "mixed5", "mixed6", "mixed7", "mixed10"], factor=8)


def inception_resnet_v2(lib, size):
    """InceptionResNetV2 with block35_1, block17_1, block8_1 and the final
    block8_10 (scale 1, no activation); the repeats are dropped. Widths ÷8."""
    full = lib.applications.InceptionResNetV2(input_shape=(size, size, 3), weights=None, classes=CLASSES)
    exits = ([f"block35_{i}_ac" for i in range(2, 11)] + [f"block17_{i}_ac" for i in range(2, 21)]
             + [f"block8_{i}_ac" for i in range(2, 10)])
    return surgery(lib, full, exits, factor=8)


def mobilenet(lib, size):
    """MobileNet (alpha 0.25) without the repeats 8-11 of the 512-wide block 7."""
    full = lib.applications.MobileNet(input_shape=(size, size, 3), alpha=0.25, weights=None, classes=CLASSES)
    return surgery(lib, full, [("conv_pw_7_relu", "conv_pw_11_relu")])


def nasnet(skip_reduction, name):
    """NASNet's code with one normal cell per stage and small filters;
    skip_reduction=False is NASNetMobile's setting, True NASNetLarge's."""
    def build(lib, size):
        module = app_module(lib, "nasnet")
        extra = {"name": name} if is_k3(lib) else {}
        return module.NASNet(input_shape=(size, size, 3), penultimate_filters=192, num_blocks=1, stem_block_filters=8,
                             skip_reduction=skip_reduction, filter_multiplier=2, include_top=True, weights=None,
                             classes=CLASSES, default_size=224, **extra)
    return build


def efficientnet_v2(variant):
    """EfficientNetV2 with one block per stage (two in stage 2 and stage 4, for
    the fused and the squeeze-excite MBConv residuals), width ×0.5. B0 has a
    Normalization layer; S/M/L only a Rescaling."""
    def build(lib, size):
        module = app_module(lib, "efficientnet_v2")
        blocks = copy.deepcopy(module.DEFAULT_BLOCKS_ARGS[variant])
        for i, block in enumerate(blocks):
            block["num_repeat"] = 2 if i in (1, 3) else 1
        return module.EfficientNetV2(0.5, 1.0, 224, blocks_args=blocks, include_top=True, weights=None,
                                     input_shape=(size, size, 3), classes=CLASSES, include_preprocessing=True,
                                     **name_kwarg(lib, variant))
    return build


def regnet(block_type, name):
    """RegNetX002 / RegNetY002 (tf.keras 2 only) with depths [1, 2, 1, 1]
    (stage 2 keeps one identity block)."""
    def build(lib, size):
        module = app_module(lib, "regnet")
        return module.RegNet([1, 2, 1, 1], [24, 56, 152, 368], 8, block_type, 224, model_name=name,
                             include_preprocessing=True, include_top=True, weights=None, input_shape=(size, size, 3),
                             classes=CLASSES)
    return build


def preprocess(module):
    """The family's own preprocess_input (of Keras 3; tf.keras 2's computes the same)."""
    return lambda images: getattr(keras.applications, module).preprocess_input(images.copy())


RAW = lambda images: images  # families with their preprocessing built in take 0..255
TO_UNIT = lambda images: images / 127.5 - 1.0  # MobileNetV3 without include_preprocessing

# name → (stage, family, builder, input size, preprocessing, libraries, what LayerLens should know)
FIXTURES = {
    "efficientnetb0": (1, "EfficientNet", efficientnet_b0, 32, RAW, "all", ""),
    "mobilenetv3small": (1, "MobileNetV3", mobilenet_v3_small(True), 32, RAW, "all", ""),
    "mobilenetv3small_noprep": (1, "MobileNetV3", mobilenet_v3_small(False), 32, TO_UNIT, "all", ""),
    "convnexttiny": (1, "ConvNeXt", convnext_tiny, 32, RAW, "all", ""),
    "mobilenetv2": (2, "MobileNetV2", mobilenet_v2, 32, preprocess("mobilenet_v2"), "all", ""),
    "resnet50": (2, "ResNet", resnet50, 32, preprocess("resnet"), "all", ""),
    "densenet121": (2, "DenseNet", densenet121, 32, preprocess("densenet"), "all", ""),
    "transfer_mobilenetv2": (2, "MobileNetV2 (nested)", transfer_mobilenet_v2, 32, RAW, "all", ""),
    "vgg16": (3, "VGG", vgg16, 32, preprocess("vgg16"), "all", ""),
    "resnet50v2": (3, "ResNetV2", resnet50_v2, 32, preprocess("resnet_v2"), "all", ""),
    "inceptionv3": (3, "InceptionV3", inception_v3, 75, preprocess("inception_v3"), "all", ""),
    "inceptionresnetv2": (3, "InceptionResNetV2", inception_resnet_v2, 75, preprocess("inception_resnet_v2"), "all", ""),
    "xception": (3, "Xception", xception, 71, preprocess("xception"), "all", ""),
    "mobilenet": (3, "MobileNet", mobilenet, 32, preprocess("mobilenet"), "all", ""),
    "mobilenetv3large": (3, "MobileNetV3", mobilenet_v3_large, 32, RAW, "all", ""),
    "nasnetmobile": (3, "NASNet", nasnet(False, "nasnet_mobile"), 32, preprocess("nasnet"), "all", ""),
    "nasnetlarge": (3, "NASNet", nasnet(True, "nasnet_large"), 32, preprocess("nasnet"), "all", ""),
    "efficientnetv2b0": (3, "EfficientNetV2", efficientnet_v2("efficientnetv2-b0"), 32, RAW, "all", ""),
    "efficientnetv2s": (3, "EfficientNetV2", efficientnet_v2("efficientnetv2-s"), 32, RAW, "all", ""),
    "regnetx002": (3, "RegNet", regnet("X", "regnetx002"), 32, RAW, "tf2",
                   "RegNet is only in tf.keras 2 (keras.applications 3.15 has none)"),
    "regnety002": (3, "RegNet", regnet("Y", "regnety002"), 32, RAW, "tf2",
                   "RegNet is only in tf.keras 2 (keras.applications 3.15 has none)"),
}


# ---------------------------------------------------------------------------
# Tracing: every layer call's inputs and output, in LayerLens's order and names
# ---------------------------------------------------------------------------

def operations(lib, model):
    """A functional model's layers (and Keras 3 operation nodes) by name."""
    return {op.name: op for op in (model.operations if is_k3(lib) else model.layers)}


def own_nodes(lib, model, op):
    """The calls of `op` that belong to `model`, in the order its config lists them."""
    if is_k3(lib):
        return [node for i, node in enumerate(op._inbound_nodes) if make_node_key(op, i) in model._nodes]
    return [node for i, node in enumerate(op._inbound_nodes)
            if f"{op.name}_ib-{i}" in model._network_nodes and not node.is_input]


def call_order(lib, model):
    """(config entry, call index) of every layer call, in LayerLens's order: config
    order, a call waiting for its inputs deferred to the next pass (exactly the
    scheme of make_fixtures.graph_node_outputs). tf.keras 2 numbers a nested
    model's calls from 1 (its own construction is node 0)."""
    config = model.get_config()
    ops = operations(lib, model)
    inputs = config["input_layers"]
    produced = {(ref[0], 0) for ref in ([inputs] if isinstance(inputs[0], str) else inputs)}
    offset = lambda name: 1 if not is_k3(lib) and isinstance(ops.get(name), lib.Model) else 0
    pending = [(entry, k) for entry in config["layers"] if entry["class_name"] != "InputLayer"
               for k in range(len(entry["inbound_nodes"]))]
    order = []
    while pending:
        remaining = []
        for entry, k in pending:
            needs = {(ref[0], ref[1] - offset(ref[0])) for ref in refs_in(lib, entry["inbound_nodes"][k])}
            if needs <= produced:
                order.append((entry, k))
                produced.add((entry["name"], k))
            else:
                remaining.append((entry, k))
        assert len(remaining) < len(pending), "unresolvable graph"
        pending = remaining
    return order


class Tracer:
    """Computes, for a model and an input batch, every layer call's inputs and
    output. A functional model is run once (eagerly, in inference mode) as a
    Model whose outputs are every call's symbolic inputs and outputs, so Keras
    itself evaluates operation nodes and TFOpLambda calls with their scalar and
    keyword arguments. A nested model is expanded under `name/`; a Sequential
    runs layer by layer."""

    def __init__(self, lib):
        self.lib = lib
        self.plans = {}

    def plan(self, model):
        if id(model) not in self.plans:
            ops = operations(self.lib, model)
            calls, tensors, index = [], [], {}

            def slot(tensor):
                if id(tensor) not in index:
                    index[id(tensor)] = len(tensors)
                    tensors.append(tensor)
                return index[id(tensor)]
            for entry, k in call_order(self.lib, model):
                op = ops[entry["name"]]
                node = own_nodes(self.lib, model, op)[k]
                ins = node.arguments.keras_tensors if is_k3(self.lib) else node.keras_inputs
                outs = node.outputs if is_k3(self.lib) else tf.nest.flatten(node.output_tensors)
                name = entry["name"] + ("" if k == 0 else f"#{k + 1}")
                calls.append((name, op, entry, [slot(t) for t in ins], [slot(t) for t in outs]))
            self.plans[id(model)] = (calls, self.lib.Model(model.inputs, tensors))
        return self.plans[id(model)]

    def __call__(self, model, inputs, prefix=""):
        """[{name, layer, entry, inputs, output}] for every call, nested models expanded."""
        records = []
        if isinstance(model, self.lib.Sequential):
            entries = {entry["config"]["name"]: entry for entry in model.get_config()["layers"]}
            value = inputs[0]
            for layer in model.layers:
                if isinstance(layer, self.lib.Model):
                    inner = self(layer, [value], prefix + layer.name + "/")
                    records += inner
                    value = inner[-1]["output"]
                else:
                    output = np.asarray(layer(value))
                    records.append({"name": prefix + layer.name, "layer": layer, "entry": entries[layer.name],
                                    "inputs": [np.asarray(value)], "output": output})
                    value = output
            return records
        calls, tracer = self.plan(model)
        values = tracer(list(inputs), training=False)
        values = [np.asarray(v) for v in (values if isinstance(values, (list, tuple)) else [values])]
        for name, op, entry, ins, outs in calls:
            if isinstance(op, self.lib.Model):
                records += self(op, [values[i] for i in ins], prefix + name + "/")
            else:
                records.append({"name": prefix + name, "layer": op, "entry": entry,
                                "inputs": [values[i] for i in ins], "output": values[outs[0]]})
        return records


# ---------------------------------------------------------------------------
# Weights: seeded, calibrated, perturbed
# ---------------------------------------------------------------------------

# The weight each kernel layer's output scales with (Keras 3 calls the
# depthwise kernel of DepthwiseConv2D `kernel`, tf.keras 2 `depthwise_kernel`).
KERNEL_LAYERS = {"Conv2D": ("kernel",), "Dense": ("kernel",), "DepthwiseConv2D": ("depthwise_kernel", "kernel"),
                 "SeparableConv2D": ("pointwise_kernel",)}


def finalize(model):
    """Normalization layers holding their statistics as weights recompute their
    broadcast mean and variance only when told to."""
    for layer in leaf_layers(model):
        if type(layer).__name__ == "Normalization" and layer.weights:
            layer.finalize_state()


def randomise(lib, model, calibration, rng):
    """Gives the model weights that make every layer act on O(1) values:
    LayerNormalization γ/β and LayerScale γ drawn at random; each kernel layer,
    in call order, rescaled so that its pre-activation output has unit standard
    deviation on the calibration batch, with a random bias; each
    BatchNormalization given its input's batch statistics on that batch, then
    perturbed (mean + N(0, 0.1·std), variance × U(0.5, 1.5)), and random γ, β.
    EfficientNet's adaptable Normalization gets ImageNet-like statistics."""
    for layer in leaf_layers(model):
        kind = type(layer).__name__
        if kind == "LayerNormalization":
            layer.gamma.assign(rng.uniform(0.5, 1.5, layer.gamma.shape))
            layer.beta.assign(rng.normal(0, 0.2, layer.beta.shape))
        elif kind == "LayerScale":
            layer.gamma.assign(rng.uniform(0.2, 1.0, layer.gamma.shape))
        elif kind == "Normalization" and layer.weights:
            shape = layer.adapt_mean.shape
            layer.adapt_mean.assign(np.array([0.485, 0.456, 0.406]).reshape(shape) + rng.normal(0, 0.02, shape))
            layer.adapt_variance.assign((np.array([0.229, 0.224, 0.225]).reshape(shape) * rng.uniform(0.9, 1.1, shape)) ** 2)
            layer.finalize_state()
    tracer = Tracer(lib)
    targets = [r["name"] for r in tracer(model, [calibration])
               if type(r["layer"]).__name__ in KERNEL_LAYERS or type(r["layer"]).__name__ == "BatchNormalization"]
    for name in targets:
        record = next(r for r in tracer(model, [calibration]) if r["name"] == name)
        layer, x = record["layer"], record["inputs"][0]
        if type(layer).__name__ == "BatchNormalization":
            axes = [a % x.ndim for a in np.atleast_1d(layer.axis)]
            reduce = tuple(a for a in range(x.ndim) if a not in axes)
            mean, var = x.mean(axis=reduce), x.var(axis=reduce)
            layer.moving_mean.assign(mean + rng.normal(0, 0.1, mean.shape) * np.sqrt(var))
            layer.moving_variance.assign(var * rng.uniform(0.5, 1.5, var.shape))
            if layer.scale:
                layer.gamma.assign(rng.uniform(0.5, 1.5, layer.gamma.shape))
            if layer.center:
                layer.beta.assign(rng.normal(0, 0.25, layer.beta.shape))
        else:
            kernel = next(getattr(layer, attribute) for attribute in KERNEL_LAYERS[type(layer).__name__]
                          if hasattr(layer, attribute))
            activation = layer.activation
            layer.activation = lib.activations.get("linear")
            if layer.use_bias:
                layer.bias.assign(np.zeros(layer.bias.shape))
            spread = float(np.std(np.asarray(layer(x))))
            layer.activation = activation
            kernel.assign(np.asarray(kernel) / max(spread, 1e-6))
            if layer.use_bias:
                layer.bias.assign(rng.normal(0, 0.1, layer.bias.shape))
    return model


def copy_weights(source, target):
    """Copies weights layer by layer (weighted leaves in order, same class and
    shapes) from a Keras 3 model into its tf.keras 2 twin."""
    sources = [layer for layer in leaf_layers(source) if layer.weights]
    targets = [layer for layer in leaf_layers(target) if layer.weights]
    assert len(sources) == len(targets), (len(sources), len(targets))
    for a, b in zip(sources, targets):
        weights = a.get_weights()
        assert type(a).__name__ == type(b).__name__, (a.name, b.name)
        assert [w.shape for w in weights] == [w.shape for w in b.get_weights()], (a.name, b.name)
        b.set_weights(weights)
    finalize(target)


def float64_twin(lib, model):
    """The same model rebuilt with every dtype policy float64 and its weights
    cast to float64."""
    def retype(item):
        if isinstance(item, dict):
            if item.get("class_name") == "DTypePolicy":
                item["config"]["name"] = "float64"
            for key, value in item.items():
                if key == "dtype" and value == "float32":
                    item[key] = "float64"
                else:
                    retype(value)
        elif isinstance(item, list):
            for element in item:
                retype(element)
    if is_k3(lib):
        config = keras.saving.serialize_keras_object(model)
        retype(config)
        keras.config.set_floatx("float64")
        try:
            twin = keras.saving.deserialize_keras_object(config, custom_objects=custom_objects(model))
        finally:
            keras.config.set_floatx("float32")
    else:
        config = model.get_config()
        retype(config)
        tf_keras.backend.set_floatx("float64")
        try:
            twin = model.__class__.from_config(config, custom_objects=custom_objects(model))
        finally:
            tf_keras.backend.set_floatx("float32")
    twin.set_weights([w.astype(np.float64) for w in model.get_weights()])
    finalize(twin)
    return twin


# ---------------------------------------------------------------------------
# Inputs, goldens, files, manifest
# ---------------------------------------------------------------------------

def smooth_images(rng, count, size):
    """`count` smooth random RGB images in 0..255: 5×5 random colours resized
    bicubically, with mild noise for some texture."""
    images = []
    for _ in range(count):
        coarse = rng.uniform(0, 255, (5, 5, 3)).astype(np.float32)
        image = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC) + rng.normal(0, 6, (size, size, 3))
        images.append(np.clip(image, 0, 255))
    return np.stack(images).astype(np.float32)


def layer_class(record):
    """The class name a call's config entry gives (a Keras 3 operation node is
    written under its op class, e.g. Add of keras.src.ops.numpy)."""
    return record["entry"]["class_name"]


def golden_arrays(lib, model, x):
    """Every call's float32 output, the float64 twin's (`f64/<key>`), the input
    and Keras's predict of each output; plus the manifest's layer list."""
    records = Tracer(lib)(model, [x])
    twin_records = Tracer(lib)(float64_twin(lib, model), [x.astype(np.float64)])
    assert [r["name"] for r in records] == [r["name"] for r in twin_records]
    arrays, layers = {"input_0": x}, []
    for k, (record, twin) in enumerate(zip(records, twin_records)):
        assert twin["output"].dtype == np.float64, f"{record['name']} computes in {twin['output'].dtype}"
        key = f"{k}_{record['name'].replace('/', '.')}"
        arrays[key] = np.asarray(record["output"], np.float32)
        arrays["f64/" + key] = twin["output"]
        layers.append({"index": k, "name": record["name"], "key": key, "class": layer_class(record),
                       "module": record["entry"].get("module", ""),
                       "shape": list(arrays[key].shape)})
    predicted = model.predict(x, verbose=0)
    for i, output in enumerate(predicted if isinstance(predicted, list) else [predicted]):
        arrays[f"output_{i}"] = np.asarray(output, np.float32)
    return arrays, layers


def check_reload(lib, path, arrays, objects):
    """Reloads a saved file with its own library and recomputes every call:
    the worst absolute difference from the goldens (raises if names differ)."""
    loaded = (keras.saving.load_model(path, custom_objects=objects, compile=False) if is_k3(lib)
              else tf_keras.models.load_model(path, custom_objects=objects, compile=False))
    records = Tracer(lib)(loaded, [arrays["input_0"]])
    keys = [f"{k}_{r['name'].replace('/', '.')}" for k, r in enumerate(records)]
    assert keys == [k for k in arrays if k[0].isdigit()], f"{path}: call names differ from the goldens"
    return max(float(np.abs(r["output"] - arrays[key]).max()) for r, key in zip(records, keys))


def check_weights_only(model, path):
    """For a Keras 3 .h5 that Keras 3 cannot rebuild from its own config (operation
    nodes saved as if they were merge layers): the weights read back into the
    in-memory architecture must equal the model's."""
    clone = keras.Model.from_config(model.get_config(), custom_objects=custom_objects(model))
    clone.load_weights(path)
    return max(float(np.abs(a - b).max()) for a, b in zip(model.get_weights(), clone.get_weights()))


def make_fixture(name, manifest):
    stage, family, build, size, prep, libraries, note = FIXTURES[name]
    seed = SEED + sum(map(ord, name))
    rng = np.random.default_rng(seed)
    x = prep(smooth_images(rng, 2, size)).astype(np.float32)
    # The golden inputs are part of the calibration batch, so that their own
    # activations stay O(1) down to the 1×1 stages, where 8 or 16 samples
    # give noisy statistics.
    calibration = np.concatenate([x, prep(smooth_images(rng, 14, size)).astype(np.float32)])
    built = {}
    if libraries == "all":
        keras.backend.clear_session()
        keras.utils.set_random_seed(seed)
        built[keras] = randomise(keras, build(keras, size), calibration, rng)
    tf_keras.backend.clear_session()
    tf_keras.utils.set_random_seed(seed)
    model2 = build(tf_keras, size)
    if keras in built:
        copy_weights(built[keras], model2)
    else:
        randomise(tf_keras, model2, calibration, rng)
    built[tf_keras] = model2

    files = []  # (fixture name, lib, format, path relative to Fixtures)
    if keras in built:
        files += [(f"{name}_k3", keras, "k3", f"applications/{name}_k3.keras"),
                  (f"{name}_k3_h5", keras, "k3_h5", f"applications/{name}_k3_h5.h5")]
    files.append((f"{name}_tf2", tf_keras, "tf2", f"applications/{name}_tf2.h5"))
    goldens = {}
    for fixture, lib, fmt, path in files:
        model = built[lib]
        model.save(os.path.join(ROOT, path))
        if lib not in goldens:  # the two Keras 3 formats share one golden
            arrays, layers = golden_arrays(lib, model, x)
            golden = f"goldens/applications/{fixture}.npz"
            np.savez_compressed(os.path.join(ROOT, golden), **arrays)
            goldens[lib] = (golden, arrays, layers)
        golden, arrays, layers = goldens[lib]
        objects = custom_objects(model)
        try:
            worst, reloads = check_reload(lib, os.path.join(ROOT, path), arrays, objects), True
        except Exception as error:  # Keras 3 .h5 with operation nodes: Keras 3 cannot read it back
            assert fmt == "k3_h5", f"{path} does not reload: {error}"
            worst, reloads = check_weights_only(model, os.path.join(ROOT, path)), False
            print(f"  {path}: Keras 3 cannot reload it ({type(error).__name__}: {str(error)[:120]}); weights verified")
        assert worst <= 1e-5 * max(1.0, max(float(np.abs(v).max()) for k, v in arrays.items() if k[0].isdigit())), \
            f"{path}: reloaded model differs from the goldens by {worst}"
        manifest[fixture] = {
            "model": path, "golden": golden, "format": fmt,
            "keras_version": keras.__version__ if is_k3(lib) else tf_keras.__version__,
            "family": family, "stage": stage, "input_shape": list(x.shape), "inputs": ["smooth_0", "smooth_1"],
            "total_params": int(model.count_params()), "keras_reloads": reloads,
            "custom_objects": sorted(objects), "note": note, "layers": layers}
        print(f"  {fixture}: {len(layers)} calls, {model.count_params()} params, "
              f"{os.path.getsize(os.path.join(ROOT, path)) / 1e6:.2f} MB, reload diff {worst:.2g}", flush=True)


def main(names):
    os.makedirs(APPS, exist_ok=True)
    os.makedirs(GOLDENS, exist_ok=True)
    manifest_path = os.path.join(GOLDENS, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    models = manifest.setdefault("models", {})
    manifest["generator"] = "Fixtures/make_applications.py"
    manifest["versions"] = {"tensorflow": tf.__version__, "keras": keras.__version__,
                            "tf_keras": tf_keras.__version__, "numpy": np.__version__}
    for name in names:
        print(f"{name} ...", flush=True)
        make_fixture(name, models)
        manifest["models"] = dict(sorted(models.items()))
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    # Arguments: fixture names, or stage numbers (1, 2, 3); none means all.
    chosen = sys.argv[1:]
    unknown = [a for a in chosen if a not in FIXTURES and a not in ("1", "2", "3")]
    if unknown:
        sys.exit(f"unknown fixtures {unknown}; known: {', '.join(FIXTURES)}")
    main([name for name, spec in FIXTURES.items()
          if not chosen or name in chosen or str(spec[0]) in chosen])
