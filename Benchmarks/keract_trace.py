"""What a keract user runs to see one image's activations, as Benchmarks/trace_vs_keract.sh
times it: load the model with tf.keras, OpenCV preprocessing, keract's activations
and their plots saved to disk, softmax top-3. Needs TF_USE_LEGACY_KERAS=1
(keract 4.5.2 runs only with the Keras 2 API)."""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import cv2
import keract
import numpy as np
import tensorflow as tf

model_path, image_path, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
model = tf.keras.models.load_model(model_path)
image = cv2.imread(image_path)
gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
x = (255 - cv2.resize(gray, (28, 28), interpolation=cv2.INTER_AREA)).astype(np.float32).reshape(1, 784)
activations = keract.get_activations(model, x)
keract.display_activations(activations, save=True, directory=out_dir)
logits = model.predict(x, verbose=0)[0]
p = np.exp(logits - logits.max())
p /= p.sum()
letters = [chr(ord("A") + i) for i in range(26)]
print({letters[i]: round(float(p[i]) * 100, 1) for i in np.argsort(-p)[:3]})
