"""What a Python user writes for `layerlens logits`: read every PNG in a folder
with OpenCV, one Keras predict over the batch, then softmax, entropy and margin
with NumPy. Timed as a whole process by Benchmarks/logits_vs_keras.sh."""
import glob
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import cv2
import numpy as np
import tf_keras

model_path, folder = sys.argv[1], sys.argv[2]
model = tf_keras.models.load_model(model_path)
files = sorted(glob.glob(os.path.join(folder, "*.png")))
x = np.stack([cv2.imread(f, cv2.IMREAD_GRAYSCALE).astype(np.float32).reshape(784) for f in files])
logits = model.predict(x, batch_size=1024, verbose=0)
z = logits - logits.max(axis=1, keepdims=True)
log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
p = np.exp(log_p)
entropy = -(p * log_p).sum(axis=1)
top = np.sort(p, axis=1)[:, ::-1]
margin = top[:, 0] - top[:, 1]
print(len(files), "inputs; mean entropy", float(entropy.mean()), "mean margin", float(margin.mean()))
