"""What a notebook user runs to see one photo's activations through a Keras 3
model, as Benchmarks/reports_vs_python.sh times it (keract 4.5.2 needs the Keras 2
API, which cannot load a Keras 3 file): load the model, resize with OpenCV, one
forward pass of a model whose outputs are every layer's, and per layer one
matplotlib figure saved to disk, as keract's display_activations draws them
(a map: up to 64 channels in a grid, viridis; a vector: one row), then top-3."""
import math
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import cv2
import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

model_path, image_path, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out_dir, exist_ok=True)
model = keras.models.load_model(model_path, compile=False)
height, width = model.input_shape[1:3]
image = cv2.cvtColor(cv2.imread(image_path), cv2.COLOR_BGR2RGB)
x = cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)[None]
layers = model.layers[1:]
tracer = keras.Model(model.inputs, [layer.output for layer in layers])
outputs = tracer(x)
for index, (layer, output) in enumerate(zip(layers, outputs)):
    values = np.asarray(output)[0]
    if values.ndim == 3:
        channels = min(values.shape[-1], 64)
        side = math.ceil(math.sqrt(channels))
        figure, axes = plt.subplots(side, side, figsize=(12, 12))
        for channel, axis in enumerate(np.ravel(axes)):
            axis.axis("off")
            if channel < channels:
                axis.imshow(values[:, :, channel], cmap="viridis")
    else:
        figure = plt.figure(figsize=(12, 2))
        plt.imshow(values.reshape(1, -1), cmap="viridis", aspect="auto")
        plt.colorbar()
    figure.suptitle(f"{layer.name} {values.shape}")
    figure.savefig(os.path.join(out_dir, f"{index}_{layer.name}.png"))
    plt.close(figure)
probabilities = np.asarray(outputs[-1])[0]
print({int(i): round(float(probabilities[i]) * 100, 1) for i in np.argsort(-probabilities)[:3]},
      f"{len(layers)} layers, {len(os.listdir(out_dir))} pictures")
