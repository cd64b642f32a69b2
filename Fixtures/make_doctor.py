#!/usr/bin/env python3
"""Makes Fixtures/doctor/, the data the tests of `layerlens profile` and
`layerlens doctor` use: a stand-in for the seed model's training data to build
a profile from, inputs that differ from it in one property each, inputs that
are not letters at all, and phone-style photos of letters (the seed case's
failing input). Everything is drawn with the helpers of make_fixtures.py
(imported, which loads TensorFlow) from seeds derived from its SEED, and needs
its fonts (see README.md).

Run from the repository root, in the git-ignored virtual environment:

    .venv/bin/python Fixtures/make_doctor.py                 # make Fixtures/doctor/
    .venv/bin/python Fixtures/make_doctor.py check-python    # after `swift build -c release`
    .venv/bin/python Fixtures/make_doctor.py profile-goldens # Keras's statistics of profile_letters.npz

Outputs, all under Fixtures/doctor/ (the `.npz` files stored uncompressed):

- `profile_letters.npz` — `x` (uint8, 2,600 × 784) and `y` (int64): 100 letters
  per class drawn exactly as the seed model's training letters
  (`make_fixtures.make_letters`, all its fonts) from another seed: the training
  data a profile is built from. `letters/letters_sample.npz` stays the
  in-distribution test data.
- `ood.npz` — three groups of inputs that are not letters, each float32 K × 784
  in the model's input convention (0..255, light on dark, as the correct
  pipeline — grey, `cv2.resize` INTER_AREA to 28 × 28, 255 − x — makes them
  from a larger image on white): `noise` (40: 20 uniform 0..255 per pixel, 20
  Gaussian noise blurred with σ = 1 and stretched to 0..255), `scribble` (40
  random smooth curves, Lissajous figures and wandering pen walks, drawn dark
  with width 8–12 on white 240 × 240) and `picture` (40 pictures at 240 × 240
  RGB: flowers, filled shapes, gradients, checkerboards, stripes, textures).
- `sharp.npz` — `x` (float32, 26 × 784) and `y` (int64 0..25): one letter per
  class, drawn and placed as the training letters (longer side 16–21 px,
  centred by mass) but with hard edges: no final blur, binarised to 0 or 255.
- `small.npz` — `x` (float32, 13 × 784), `y`: the letters A, C, E, …, Y as
  training letters (blurred, white on black, centred by mass) but with their
  longer side 8–10 px.
- `shifted.npz` — `x` (float32, 13 × 784), `y`: the letters B, D, F, …, Z as
  training letters of normal size (longer side 16–18 px, the smaller end of the
  training range so that they fit) with their centre of mass 6–7 px from the
  image centre (13.5, 13.5) in a random direction, the letter wholly inside
  the frame with a pixel to spare.
- `photos/photo_<L>.jpg` — 12 phone-style photos (200 × 189, JPEG quality 90)
  of the letters A D G K L M O Q R T X Z: a dark, sharp-edged pen letter
  (Humor Sans or Comic Neue) on light, unevenly lit, grainy paper, as
  `images/photo_x.jpg` but smaller and in a style the seed model can read
  (brighter paper, a darker and heavier pen, the letter 75–85% of the
  height; see PHOTO_PAPER and the constants beside it).
- `manifest.json` — the files (shapes, dtypes, bytes), the seeds, the library
  versions, how each photo was drawn and what the seed model
  (`models/seed_tf2.h5`) predicts for it through the broken pipeline (grey,
  /255, 1 − x, bilinear resize), the correct one (grey, area resize, 255 − x)
  and the correct one plus a fit (ink cropped, its longer side scaled to 20 px,
  centred by mass, as the training letters are); also the seed model's
  predictions on the other groups.

`check-python` (run after LayerLens is built in release mode) checks the
Python code `layerlens doctor` suggests: for every photo it builds a profile
of `profile_letters.npz`, asks `doctor` (with the broken pipeline) for a
suggestion, runs the suggested pipeline through `layerlens trace --dump`, runs
the suggested Python with NumPy and OpenCV, and writes the largest difference
and Keras's prediction on the Python input to `goldens/doctor_python.json`;
it exits non-zero if any difference exceeds one grey level.
"""
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixtures as mf  # noqa: E402  (loads TensorFlow, Keras 3 and tf_keras)

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import PIL  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

REPO = os.path.dirname(HERE)
DOCTOR = os.path.join(HERE, "doctor")
PHOTOS = os.path.join(DOCTOR, "photos")
SEED_MODEL = os.path.join(mf.MODELS, "seed_tf2.h5")
LAYERLENS = os.path.join(REPO, ".build", "release", "layerlens")

SEEDS = {"profile": mf.SEED + 10, "ood": mf.SEED + 11, "sharp": mf.SEED + 12,
         "small": mf.SEED + 13, "shifted": mf.SEED + 14, "photos": mf.SEED + 15}
# The photographed letters and the font of each: letters that the seed model read
# through the correct pipeline in ten of ten draws (other seeds) in that font, and
# that the broken pipeline (which answers H, U, N, W, B or E for nearly everything)
# never reads right. Left out: C, E, F, I, J, N, P, S, Y (in these fonts the seed
# model often misreads them even through the correct pipeline) and B, H, U, V, W
# (the broken pipeline's near-constant answer is sometimes right for them).
HUMOR_SANS, COMIC_NEUE, COMIC_NEUE_BOLD = mf.FONTS[0], mf.FONTS[4], mf.FONTS[5]
PHOTO_FONTS = {"A": HUMOR_SANS, "D": COMIC_NEUE_BOLD, "G": COMIC_NEUE, "K": COMIC_NEUE, "L": HUMOR_SANS,
               "M": HUMOR_SANS, "O": HUMOR_SANS, "Q": COMIC_NEUE, "R": COMIC_NEUE_BOLD, "T": HUMOR_SANS,
               "X": COMIC_NEUE, "Z": COMIC_NEUE_BOLD}
PHOTO_LETTERS = "".join(PHOTO_FONTS)
PHOTO_SIZE = (200, 189)  # height, width: images/photo_x.jpg's 675 × 637, scaled
# The photo style, set so that the seed model reads most photos through the correct
# pipeline: images/photo_x.jpg's paper (200..245, ink 35, letter ~63% of the height,
# stroke 14/640 of the font size) left a grey floor of 10..55 after inversion, and
# the dense seed model misread 9 of 12 such photos.
PHOTO_PAPER = (240, 255)  # mf.paper's light range (darkest to brightest corner)
PHOTO_INK = 20
PHOTO_FILL = (0.75, 0.85)  # the letter's share of the image height
PHOTO_STROKE = 21 / 640  # stroke width per point of font size
CENTRE = 13.5  # the middle of a 28-pixel axis, in pixel indices


def relative(path):
    """`path` relative to the repository root, as the manifest and goldens name files."""
    return os.path.relpath(path, REPO)


def all_fonts():
    """Every font of make_fixtures.main at every size the training letters use."""
    return [ImageFont.truetype(path, size) for path in mf.FONTS for size in (72, 84, 96)]


# ---------------------------------------------------------------------------
# Letters that differ from the training letters in one property
# ---------------------------------------------------------------------------

def glyph(letter, rng, fonts):
    """The first half of `mf.render_letter`: a white letter in a random font and
    stroke width, sheared and rotated, cropped to its ink (a PIL "L" image)."""
    font = fonts[rng.integers(len(fonts))]
    canvas = Image.new("L", (160, 160), 0)
    stroke = int(rng.integers(0, 4))
    ImageDraw.Draw(canvas).text((80, 80), letter, fill=255, font=font, anchor="mm", stroke_width=stroke, stroke_fill=255)
    shear = rng.uniform(-0.3, 0.3)
    canvas = canvas.transform(canvas.size, Image.AFFINE, (1, shear, -shear * 80, 0, 1, 0), resample=Image.BILINEAR)
    canvas = canvas.rotate(rng.uniform(-15, 15), resample=Image.BILINEAR, center=(80, 80))
    return canvas.crop(canvas.getbbox())


def centre_of_mass(pixels):
    """(row, column) of the intensity-weighted centre of a 2-D array."""
    pixels = np.asarray(pixels, np.float64)
    ys, xs = np.indices(pixels.shape)
    total = pixels.sum()
    return (ys * pixels).sum() / total, (xs * pixels).sum() / total


def place(letter_glyph, size, centre, blur, binarise=False, margin=0):
    """The second half of `mf.render_letter`, with its choices as arguments: the
    glyph's longer side scaled to `size` px (Lanczos), pasted on 28 × 28 black so
    that its centre of mass lands on `centre` (row, column; `mf.render_letter`
    aims at 14 ± 1.5), then either blurred (`blur`, a Gaussian radius) and
    stretched to a peak of 255, or binarised at 128 with no blur. Returns the
    uint8 image and whether the pasted glyph lies wholly inside the frame, at
    least `margin` px from its edges."""
    w, h = letter_glyph.size
    scale = size / max(w, h)
    small = letter_glyph.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.LANCZOS)
    if binarise:
        small = small.point(lambda v: 255 if v >= 128 else 0)
    cy, cx = centre_of_mass(np.asarray(small))
    left, top = int(round(centre[1] - cx)), int(round(centre[0] - cy))
    inside = min(left, top) >= margin and max(left + small.size[0], top + small.size[1]) <= 28 - margin
    out = Image.new("L", (28, 28), 0)
    out.paste(small, (left, top))
    if binarise:
        return np.asarray(out, np.uint8), inside
    arr = np.asarray(out.filter(ImageFilter.GaussianBlur(blur)), np.float64)
    return np.clip(arr * (255.0 / max(arr.max(), 1)), 0, 255).round().astype(np.uint8), inside


def sharp_letters(rng, fonts):
    """One hard-edged letter per class: training size and placement, no blur, 0 or 255."""
    rows = []
    for letter in mf.ALPHABET:
        image, inside = None, False
        while not inside:
            image, inside = place(glyph(letter, rng, fonts), rng.uniform(16, 21),
                                  (14 + rng.uniform(-1.5, 1.5), 14 + rng.uniform(-1.5, 1.5)), None, binarise=True)
        rows.append(image.reshape(784))
    return np.array(rows, np.float32), np.arange(26, dtype=np.int64)


def small_letters(rng, fonts):
    """The even-numbered letters (A, C, …, Y) drawn as training letters but 8–10 px long."""
    rows, labels = [], []
    for label in range(0, 26, 2):
        image, _ = place(glyph(mf.ALPHABET[label], rng, fonts), rng.uniform(8, 10),
                         (14 + rng.uniform(-1.5, 1.5), 14 + rng.uniform(-1.5, 1.5)), rng.uniform(0.4, 1.0))
        rows.append(image.reshape(784))
        labels.append(label)
    return np.array(rows, np.float32), np.array(labels, np.int64)


def shifted_letters(rng, fonts):
    """The odd-numbered letters (B, D, …, Z) as training letters 16–18 px long,
    their centre of mass 6–7 px from the image centre in a random direction and
    the glyph inside the frame with a pixel to spare, so that the blur does not
    reach the edge (drawn again until both hold)."""
    rows, labels = [], []
    for label in range(1, 26, 2):
        for _ in range(10000):
            angle, distance = rng.uniform(0, 2 * np.pi), rng.uniform(6, 7)
            target = (CENTRE + distance * np.sin(angle), CENTRE + distance * np.cos(angle))
            image, inside = place(glyph(mf.ALPHABET[label], rng, fonts), rng.uniform(16, 18), target,
                                  rng.uniform(0.4, 1.0), margin=1)
            cy, cx = centre_of_mass(image)
            if inside and 6 <= np.hypot(cy - CENTRE, cx - CENTRE) <= 7:
                break
        else:
            raise RuntimeError(f"no shifted {mf.ALPHABET[label]} fits the frame")
        rows.append(image.reshape(784))
        labels.append(label)
    return np.array(rows, np.float32), np.array(labels, np.int64)


# ---------------------------------------------------------------------------
# Inputs that are not letters
# ---------------------------------------------------------------------------

def model_input(gray):
    """The correct pipeline on a grey image (0..255, dark on light): INTER_AREA
    to 28 × 28, then 255 − x; a flat float32 row of 784."""
    small = cv2.resize(np.asarray(gray, np.float32), (28, 28), interpolation=cv2.INTER_AREA)
    return (np.float32(255) - small).reshape(784).astype(np.float32)


def noise_inputs(rng, count=40):
    """Half uniform 0..255 pixels; half Gaussian noise blurred (σ = 1) and stretched to 0..255."""
    rows = [rng.uniform(0, 255, 784) for _ in range(count // 2)]
    for _ in range(count - count // 2):
        blurred = cv2.GaussianBlur(rng.normal(0, 1, (28, 28)).astype(np.float32), (0, 0), 1.0)
        rows.append((255 * (blurred - blurred.min()) / (blurred.max() - blurred.min())).reshape(784))
    return np.array(rows, np.float32).reshape(count, 784)


def scribble_points(rng, size=240):
    """A random smooth curve: a Lissajous figure with random frequencies and
    phases (as `images/scribble.png`), or a pen walk whose heading drifts."""
    if rng.random() < 0.5:
        fy, fx = rng.uniform(0.5, 2.5, 2)
        py, px = rng.uniform(0, 2 * np.pi, 2)
        ay, ax = rng.uniform(0.25, 0.4, 2) * size
        t = np.linspace(0, rng.uniform(5, 12), 90)
        return list(zip(size / 2 + ax * np.sin(fx * t + px), size / 2 + ay * np.cos(fy * t + py)))
    point = rng.uniform(0.3, 0.7, 2) * size
    heading, turn = rng.uniform(0, 2 * np.pi), rng.normal(0, 0.15)
    points = []
    for _ in range(int(rng.integers(50, 110))):
        turn = 0.85 * turn + rng.normal(0, 0.12)
        heading += turn
        point = point + 6 * np.array([np.cos(heading), np.sin(heading)])
        for axis in range(2):  # bounce off a 25-px margin
            if not 25 <= point[axis] <= size - 25:
                point[axis] = np.clip(point[axis], 25, size - 25)
                heading = np.pi - heading if axis == 0 else -heading
        points.append(tuple(point))
    return points


def scribble_inputs(rng, count=40, size=240):
    """Random scribbles drawn dark (width 8–12) on white, then the correct pipeline."""
    rows = []
    for _ in range(count):
        canvas = Image.new("L", (size, size), 255)
        ImageDraw.Draw(canvas).line(scribble_points(rng, size), fill=int(rng.integers(0, 40)),
                                    width=int(rng.integers(8, 13)), joint="curve")
        rows.append(model_input(np.asarray(canvas, np.float32)))
    return np.array(rows, np.float32)


def random_colour(rng):
    return tuple(int(v) for v in rng.integers(0, 256, 3))


def two_colour(mask, a, b):
    """An RGB float image that is colour `a` where `mask` is 0 and `b` where it is 1."""
    mask = np.asarray(mask, np.float64)[..., None]
    return np.asarray(a, np.float64) * (1 - mask) + np.asarray(b, np.float64) * mask


def flower_picture(rng, size):
    """A flower like `mf.flower`, with random petal count, length, size and colours."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64) - size / 2 - rng.uniform(-20, 20, 2)[:, None, None]
    r, t = np.hypot(xs, ys) / (size / 2 * rng.uniform(0.6, 1.0)), np.arctan2(ys, xs)
    petals = (r < rng.uniform(0.4, 0.6) + rng.uniform(0.2, 0.4) * np.cos(int(rng.integers(4, 10)) * t + rng.uniform(0, 6.3)))
    centre = r < rng.uniform(0.1, 0.22)
    rgb = two_colour(petals, random_colour(rng), random_colour(rng))
    return two_colour(centre, rgb, random_colour(rng))


def shapes_picture(rng, size):
    """Two to five filled circles, rectangles and triangles on a plain background."""
    image = Image.new("RGB", (size, size), random_colour(rng))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(2, 6))):
        x0, y0 = rng.uniform(0, 0.7, 2) * size
        w, h = rng.uniform(0.2, 0.6, 2) * size
        kind = rng.integers(3)
        if kind == 0:
            draw.ellipse([x0, y0, x0 + w, y0 + w], fill=random_colour(rng))
        elif kind == 1:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=random_colour(rng))
        else:
            draw.polygon([tuple(p) for p in rng.uniform(0, 1, (3, 2)) * size], fill=random_colour(rng))
    return np.asarray(image, np.float64)


def gradient_picture(rng, size):
    """A linear gradient at a random angle, or a radial one, between two colours."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64) / size
    if rng.random() < 0.5:
        angle = rng.uniform(0, 2 * np.pi)
        ramp = xs * np.cos(angle) + ys * np.sin(angle)
    else:
        cy, cx = rng.uniform(0.2, 0.8, 2)
        ramp = np.hypot(ys - cy, xs - cx)
    ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
    return two_colour(ramp, random_colour(rng), random_colour(rng))


def checkerboard_picture(rng, size):
    """A checkerboard of two colours, cells 15–60 px, at a random offset."""
    cell = rng.uniform(15, 60)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64) + rng.uniform(0, cell, 2)[:, None, None]
    return two_colour((np.floor(ys / cell) + np.floor(xs / cell)) % 2, random_colour(rng), random_colour(rng))


def stripes_picture(rng, size):
    """Stripes of two colours at a random angle and period, hard or sinusoidal."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64)
    angle, period = rng.uniform(0, np.pi), rng.uniform(12, 60)
    wave = 0.5 + 0.5 * np.sin(2 * np.pi * (xs * np.cos(angle) + ys * np.sin(angle)) / period)
    return two_colour(wave if rng.random() < 0.5 else wave > 0.5, random_colour(rng), random_colour(rng))


def texture_picture(rng, size):
    """Blurred colour noise (clouds), or rings warped by noise (wood grain)."""
    noise = cv2.GaussianBlur(rng.normal(0, 1, (size, size)).astype(np.float32), (0, 0), rng.uniform(3, 12))
    noise = (noise - noise.min()) / (noise.max() - noise.min())
    if rng.random() < 0.5:
        return two_colour(noise, random_colour(rng), random_colour(rng))
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64) - rng.uniform(-size, size, 2)[:, None, None]
    rings = 0.5 + 0.5 * np.sin(np.hypot(ys, xs) / rng.uniform(4, 10) + 8 * noise)
    return two_colour(rings, random_colour(rng), random_colour(rng))


PICTURES = [flower_picture, shapes_picture, gradient_picture, checkerboard_picture, stripes_picture, texture_picture]


def picture_inputs(rng, count=40, size=240):
    """Pictures of each kind in turn, RGB 0..255, through OpenCV's RGB→grey and the correct pipeline."""
    rows, kinds = [], []
    for i in range(count):
        make = PICTURES[i % len(PICTURES)]
        rgb = np.clip(make(rng, size), 0, 255).round().astype(np.float32)
        rows.append(model_input(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)))
        kinds.append(make.__name__.replace("_picture", ""))
    return np.array(rows, np.float32), kinds


# ---------------------------------------------------------------------------
# Photos of letters and what the seed model makes of them
# ---------------------------------------------------------------------------

def photo(letter, rng, font_path, height=PHOTO_SIZE[0], width=PHOTO_SIZE[1]):
    """`mf.photo_of_letter` at a smaller size and in a chosen font, on brighter
    paper (`PHOTO_PAPER`) with darker ink (`PHOTO_INK`) and a heavier pen
    (`PHOTO_STROKE` of the font size): the font size makes the letter's ink
    `PHOTO_FILL` of the height and at most 80% of the width. Returns the RGB
    image and the font size and stroke width used."""
    base = mf.paper(height, width, rng, *PHOTO_PAPER)
    fill = rng.uniform(*PHOTO_FILL)
    reference = ImageFont.truetype(font_path, 400)
    box = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), letter, font=reference, anchor="mm", stroke_width=9)
    size = int(400 * min(fill * height / (box[3] - box[1]), 0.8 * width / (box[2] - box[0])))
    stroke = max(2, round(PHOTO_STROKE * size))
    ink = Image.new("L", (width, height), 0)
    ImageDraw.Draw(ink).text((width / 2 + rng.uniform(-5, 5), height / 2 + rng.uniform(-5, 5)), letter, fill=255,
                             font=ImageFont.truetype(font_path, size), anchor="mm", stroke_width=stroke, stroke_fill=255)
    mask = np.asarray(ink, np.float64) / 255
    gray = base * (1 - mask) + PHOTO_INK * mask
    tint = np.stack([gray * 1.0, gray * 0.97, gray * 0.90], axis=-1)
    return Image.fromarray(np.clip(tint, 0, 255).round().astype(np.uint8), "RGB"), size, stroke


def read_gray(path):
    """An image file as LayerLens decodes and greys it: RGB, float32, then OpenCV's RGB→grey."""
    rgb = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR).astype(np.float32), cv2.COLOR_BGR2RGB)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def broken_input(gray):
    """The seed case's pipeline: /255, 1 − x, bilinear resize to 28 × 28 (0..1, dark on light)."""
    small = cv2.resize(gray / np.float32(255), (28, 28), interpolation=cv2.INTER_LINEAR)
    return (np.float32(1) - small).reshape(1, 784).astype(np.float32)


def fitted_input(gray, box=20):
    """The correct pipeline plus a fit, as `mf.render_letter` treats the training
    letters (and LayerLens's `fit` step): inverted, the background taken as the
    median of the border, the ink (what differs from it by more than 64) cropped
    to its bounding box, its longer side scaled to `box` px with INTER_AREA and
    pasted, centred by mass, on a 28 × 28 canvas of the background."""
    image = np.float32(255) - gray
    border = np.concatenate([image[0, :], image[-1, :], image[:, 0], image[:, -1]])
    background = np.sort(border)[len(border) // 2]
    canvas = np.full((28, 28), background, np.float32)
    rows, cols = np.nonzero(np.abs(image - background) > 64)
    if len(rows) == 0:
        return canvas.reshape(1, 784)
    crop = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    longer = max(crop.shape)
    size = (max(1, round(crop.shape[1] * box / longer)), max(1, round(crop.shape[0] * box / longer)))
    letter = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    cy, cx = centre_of_mass(np.abs(letter - background))
    top, left = int(np.floor(CENTRE - cy + 0.5)), int(np.floor(CENTRE - cx + 0.5))
    for y in range(letter.shape[0]):
        for x in range(letter.shape[1]):
            if 0 <= y + top < 28 and 0 <= x + left < 28:
                canvas[y + top, x + left] = letter[y, x]
    return canvas.reshape(1, 784)


def predict(model, x):
    """The seed model's letters and softmax probabilities for rows `x`."""
    logits = np.asarray(model(np.asarray(x, np.float32).reshape(-1, 784)), np.float64)
    probabilities = tf.nn.softmax(logits).numpy()
    return [mf.ALPHABET[i] for i in probabilities.argmax(axis=1)], probabilities.max(axis=1)


def make_photos(rng, model):
    """Writes photos/photo_<L>.jpg and returns, per photo, how it was drawn and
    the seed model's prediction through the broken, correct and correct+fit pipelines."""
    os.makedirs(PHOTOS, exist_ok=True)
    records = []
    for letter, font_path in PHOTO_FONTS.items():
        image, size, stroke = photo(letter, rng, font_path)
        path = os.path.join(PHOTOS, f"photo_{letter}.jpg")
        image.save(path, quality=90)
        gray = read_gray(path)
        predictions = {}
        for name, x in (("broken", broken_input(gray)), ("correct", model_input(gray)), ("correct_fit", fitted_input(gray))):
            label, probability = predict(model, x)
            predictions[name] = {"label": label[0], "probability": round(float(probability[0]), 4)}
        records.append({"image": relative(path), "letter": letter, "font": os.path.basename(font_path),
                        "font_size": size, "stroke_width": stroke, "height": image.height, "width": image.width,
                        "predictions": predictions})
        print(f"  photo_{letter}.jpg ({os.path.basename(font_path)}, {size} pt): "
              + ", ".join(f"{k} {v['label']} ({v['probability']:.2f})" for k, v in predictions.items()), flush=True)
    return records


# ---------------------------------------------------------------------------
# The data mode
# ---------------------------------------------------------------------------

def describe(path):
    """Bytes, and dtype and shape of each array, of a written file."""
    entry = {"file": relative(path), "bytes": os.path.getsize(path)}
    if path.endswith(".npz"):
        with np.load(path) as data:
            entry["arrays"] = {k: {"dtype": str(data[k].dtype), "shape": list(data[k].shape)} for k in data.files}
    return entry


def make_data():
    """Writes everything under Fixtures/doctor/ and its manifest."""
    os.makedirs(DOCTOR, exist_ok=True)
    fonts = all_fonts()
    model = tf_keras.models.load_model(SEED_MODEL)
    accuracy = {}

    print("profile letters ...", flush=True)
    x, y = mf.make_letters(100, np.random.default_rng(SEEDS["profile"]), fonts)
    np.savez(os.path.join(DOCTOR, "profile_letters.npz"), x=x.astype(np.uint8), y=y.astype(np.int64))
    accuracy["profile_letters"] = float((np.array([mf.ALPHABET.index(p) for p in predict(model, x)[0]]) == y).mean())

    print("sharp, small and shifted letters ...", flush=True)
    for name, make in (("sharp", sharp_letters), ("small", small_letters), ("shifted", shifted_letters)):
        x, y = make(np.random.default_rng(SEEDS[name]), fonts)
        np.savez(os.path.join(DOCTOR, f"{name}.npz"), x=x, y=y)
        accuracy[name] = float((np.array([mf.ALPHABET.index(p) for p in predict(model, x)[0]]) == y).mean())

    print("out-of-distribution inputs ...", flush=True)
    rng = np.random.default_rng(SEEDS["ood"])
    noise = noise_inputs(rng)
    scribble = scribble_inputs(rng)
    picture, picture_kinds = picture_inputs(rng)
    np.savez(os.path.join(DOCTOR, "ood.npz"), noise=noise, scribble=scribble, picture=picture)
    ood = {}
    for name, x in (("noise", noise), ("scribble", scribble), ("picture", picture)):
        labels, probabilities = predict(model, x)
        ood[name] = {"predictions": "".join(labels), "mean_top_probability": round(float(probabilities.mean()), 4)}
    ood["picture"]["kinds"] = picture_kinds

    print("photos ...", flush=True)
    photos = make_photos(np.random.default_rng(SEEDS["photos"]), model)

    files = [os.path.join(DOCTOR, f) for f in ("profile_letters.npz", "ood.npz", "sharp.npz", "small.npz", "shifted.npz")]
    files += [os.path.join(PHOTOS, f"photo_{letter}.jpg") for letter in PHOTO_LETTERS]
    manifest = {
        "generator": "Fixtures/make_doctor.py",
        "seeds": SEEDS,
        "versions": {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__, "numpy": np.__version__,
                     "opencv": cv2.__version__, "pillow": PIL.__version__},
        "model": relative(SEED_MODEL),
        "files": [describe(f) for f in files],
        "seed_model_accuracy": accuracy,
        "ood": ood,
        "photos": photos,
        "photo_counts": {name: sum(p["predictions"][name]["label"] == p["letter"] for p in photos)
                         for name in ("broken", "correct", "correct_fit")},
    }
    with open(os.path.join(DOCTOR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("seed model accuracy:", {k: round(v, 4) for k, v in accuracy.items()})
    print("photos read right (of 12):", manifest["photo_counts"])
    total = sum(e["bytes"] for e in manifest["files"])
    print(f"{len(files)} files, {total / 1e6:.2f} MB")
    return profile_goldens()


# ---------------------------------------------------------------------------
# check-python: the Python that `layerlens doctor` suggests, against LayerLens
# ---------------------------------------------------------------------------

def run(arguments):
    """Runs LayerLens from the repository root; its standard output."""
    print("  $", " ".join(arguments), flush=True)
    return subprocess.run(arguments, cwd=REPO, check=True, stdout=subprocess.PIPE, text=True).stdout


def check_python():
    """For every photo: doctor's suggested pipeline run by LayerLens (trace --dump)
    against its suggested Python run here; writes goldens/doctor_python.json and
    returns 1 if any input differs by more than one grey level."""
    if not os.path.exists(LAYERLENS):
        sys.exit(f"{relative(LAYERLENS)} is missing: run `swift build -c release` first")
    model_path = relative(SEED_MODEL)
    max_allowed = 1.0
    model = tf_keras.models.load_model(SEED_MODEL)
    results, failures = [], []
    with tempfile.TemporaryDirectory(prefix="doctor_python_") as tmp:
        profile = os.path.join(tmp, "seed_profile.json")
        run([LAYERLENS, "profile", model_path, relative(os.path.join(DOCTOR, "profile_letters.npz")),
             "--labels", "A-Z", "-o", profile])
        for name in sorted(os.listdir(PHOTOS)):
            if not name.lower().endswith((".jpg", ".jpeg", ".png")):
                continue
            image = relative(os.path.join(PHOTOS, name))
            report = json.loads(run([LAYERLENS, "doctor", model_path, image, "--profile", profile,
                                     "--preprocess", "gray,scale=1/255,invert,resize=28x28", "--labels", "A-Z", "--json"]))
            suggestion = report["inputs"][0].get("suggestion")
            if not suggestion or not suggestion.get("pipeline") or not suggestion.get("python"):
                failures.append(f"{image}: doctor made no suggestion")
                results.append({"image": image, "pipeline": None, "python": None,
                                 "max_abs_difference": None, "keras_prediction": None})
                continue
            pipeline, code = suggestion["pipeline"], suggestion["python"]
            dump = os.path.join(tmp, "dump_" + os.path.splitext(name)[0])
            run([LAYERLENS, "trace", model_path, image, "--preprocess", pipeline, "--labels", "A-Z", "--dump", dump])
            layerlens_input = np.load(os.path.join(dump, "input.npy"))
            namespace = {"__name__": "doctor_suggestion"}
            exec(compile(code, f"<suggestion for {name}>", "exec"), namespace)
            python_input = np.asarray(namespace["preprocess"](os.path.join(REPO, image)))
            if python_input.shape != (1, 784) or python_input.dtype != np.float32:
                failures.append(f"{image}: the Python returns {python_input.dtype} {python_input.shape}, not float32 (1, 784)")
            if python_input.size != layerlens_input.size:
                failures.append(f"{image}: the Python makes {python_input.size} values, LayerLens {layerlens_input.size}")
                difference = float("inf")
            else:
                difference = float(np.abs(python_input.astype(np.float64).reshape(-1)
                                          - layerlens_input.astype(np.float64).reshape(-1)).max())
            label = predict(model, python_input.reshape(-1, 784))[0][0] if python_input.size == 784 else None
            if not difference <= max_allowed:
                failures.append(f"{image}: the Python differs from LayerLens by {difference:g}")
            results.append({"image": image, "pipeline": pipeline, "python": code,
                            "max_abs_difference": difference if np.isfinite(difference) else None,
                            "keras_prediction": label})
    golden = {"generator": "Fixtures/make_doctor.py check-python", "max_allowed": max_allowed, "images": results}
    with open(os.path.join(mf.GOLDENS, "doctor_python.json"), "w") as f:
        json.dump(golden, f, indent=1)
    print(f"{'image':<40} {'pipeline':<45} {'max |py - ll|':>13} keras")
    for r in results:
        difference = "-" if r["max_abs_difference"] is None else f"{r['max_abs_difference']:.4g}"
        print(f"{r['image']:<40} {str(r['pipeline']):<45} {difference:>13} {r['keras_prediction']}")
    right = sum(r["keras_prediction"] == os.path.basename(r["image"])[6] for r in results)
    print(f"Keras reads {right} of {len(results)} photos right on the suggested Python input")
    for failure in failures:
        print("FAIL:", failure)
    print(f"wrote {relative(os.path.join(mf.GOLDENS, 'doctor_python.json'))}")
    return 1 if failures else 0


def profile_goldens():
    """What a profile of `profile_letters.npz` through the seed model must hold,
    from Keras's own layer outputs (float32, summed in float64 here):
    `goldens/profile_seed_tf2.npz` with the input's mean image and per-pixel
    standard deviation, and per layer (by name) the units' means, standard
    deviations (population) and share of values above 0; for the penultimate
    layer (`dense_3`) the class means and the covariance shared by the classes,
    Σ_samples (f − μ_class)(f − μ_class)ᵀ / n."""
    import tf_keras
    data = np.load(os.path.join(DOCTOR, "profile_letters.npz"))
    x, y = data["x"].astype(np.float32), data["y"]
    model = tf_keras.models.load_model(os.path.join(mf.MODELS, "seed_tf2.h5"))
    probe = tf_keras.Model(model.inputs, [layer.output for layer in model.layers])
    outputs = [np.asarray(o, np.float64) for o in probe.predict(x, batch_size=256, verbose=0)]
    golden = {"input/mean": x.astype(np.float64).mean(0), "input/std": x.astype(np.float64).std(0)}
    for layer, values in zip(model.layers, outputs):
        golden[f"{layer.name}/mean"] = values.mean(0)
        golden[f"{layer.name}/std"] = values.std(0)
        golden[f"{layer.name}/firing"] = (values > 0).mean(0)
    features = outputs[-2]
    means = np.stack([features[y == c].mean(0) for c in range(26)])
    centred = features - means[y]
    golden["penultimate/class_means"] = means
    golden["penultimate/covariance"] = centred.T @ centred / len(y)
    np.savez(os.path.join(mf.GOLDENS, "profile_seed_tf2.npz"), **golden)
    print(f"wrote {relative(os.path.join(mf.GOLDENS, 'profile_seed_tf2.npz'))}")
    return 0


if __name__ == "__main__":
    modes = {"check-python": check_python, "profile-goldens": profile_goldens}
    if sys.argv[1:] and sys.argv[1] not in modes:
        sys.exit(f"usage: {sys.argv[0]} [check-python | profile-goldens]")
    sys.exit(modes[sys.argv[1]]() if sys.argv[1:] else make_data())
