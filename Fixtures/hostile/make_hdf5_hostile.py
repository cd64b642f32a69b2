#!/usr/bin/env python3
"""Writes Fixtures/hostile/hdf5/: Keras models whose HDF5 weights reach outside their file.

Each file is `models/sequence_zoo_tf2.h5` (or, for the archive, the weights
inside `models/sequence_zoo_k3.keras`) with one Dense kernel (`dense_32`,
5 × 8 float32) re-created so that reading it would read another file or load
code, which LayerLens must refuse by name, before reading any data:

- `external_storage.h5` — the kernel's data lives in the external file
  `secret.h5` (HDF5 "external storage", a path relative to the working directory);
- `external_storage_k3.keras` — the same, inside a Keras 3 archive (its
  `model.weights.h5` rewritten, stored uncompressed as Keras stores it);
- `external_link.h5` — the kernel is an external link to `secret.h5:/kernel`;
- `virtual.h5` — the kernel is a virtual dataset (VDS) mapping `secret.h5:/kernel`;
- `unknown_filter.h5` — the kernel is chunked through filter 32123, which no
  library registers, so libhdf5 would search its plugin folder for it;
- `soft_link_cycle.h5` — the kernel is a soft link to a soft link back to it.

And one control, which must still load: `keras_filters.h5`, the kernel chunked
through shuffle, deflate and Fletcher32, the filters Keras (h5py) may write.

`secret.h5` is the "other file": an HDF5 file holding `/kernel` (5 × 8 float32,
values 1000 + i). With its relative name, HDF5 looks for it in the working
directory (external storage) or beside the model file (external links, VDS);
tests put a FIFO by that name in both places, so any attempt to open it shows.

Run from the repository root, in the fixtures virtual environment (see
Fixtures/README.md):

    .venv/bin/python Fixtures/hostile/make_hdf5_hostile.py
"""
import io
import os
import shutil
import tempfile
import zipfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Fixtures", "hostile", "hdf5")
SOURCE_H5 = os.path.join(ROOT, "Fixtures", "models", "sequence_zoo_tf2.h5")
SOURCE_KERAS = os.path.join(ROOT, "Fixtures", "models", "sequence_zoo_k3.keras")
KERNEL_H5 = "model_weights/dense_32/dense_32/kernel:0"
KERNEL_KERAS = "layers/dense/vars/0"
SECRET = "secret.h5"
SHAPE = (5, 8)
UNKNOWN_FILTER = 32123
FLETCHER32 = 3
with h5py.File(SOURCE_H5, "r") as _source:
    ORIGINAL_KERNEL = _source[KERNEL_H5][()]


def write_secret():
    values = 1000 + np.arange(np.prod(SHAPE), dtype=np.float32).reshape(SHAPE)
    with h5py.File(os.path.join(OUT, SECRET), "w") as secret:
        secret["kernel"] = values
    return values


def hostile_copy(name, replace, source=SOURCE_H5, kernel=KERNEL_H5):
    """Copies `source` to `name` in OUT and lets `replace(file, kernel path)` re-create the kernel."""
    path = os.path.join(OUT, name)
    shutil.copyfile(source, path)
    with h5py.File(path, "r+") as model:
        del model[kernel]
        replace(model, kernel)
    return path


def external_storage(model, kernel):
    # The byte count covers the whole kernel; HDF5 reads the external file's first bytes.
    model.create_dataset(kernel, shape=SHAPE, dtype="<f4", external=[(SECRET, 0, 4 * int(np.prod(SHAPE)))])


def external_link(model, kernel):
    model[kernel] = h5py.ExternalLink(SECRET, "/kernel")


def virtual(model, kernel):
    layout = h5py.VirtualLayout(shape=SHAPE, dtype="<f4")
    layout[:] = h5py.VirtualSource(SECRET, "kernel", shape=SHAPE)
    model.create_virtual_dataset(kernel, layout)


def fletcher32_chunks(model, kernel):
    model.create_dataset(kernel, data=np.ones(SHAPE, np.float32), chunks=SHAPE, fletcher32=True)


def keras_filters(model, kernel):
    model.create_dataset(kernel, data=ORIGINAL_KERNEL, chunks=SHAPE, shuffle=True, compression="gzip", fletcher32=True)


def soft_link_cycle(model, kernel):
    model[kernel] = h5py.SoftLink("/" + kernel + "_loop")
    model[kernel + "_loop"] = h5py.SoftLink("/" + kernel)


def patch_filter_id(path):
    """Turns the Fletcher32 filter of the file's only filter pipeline into filter 32123.

    h5py (through H5Dcreate) refuses to create a dataset with a mandatory filter
    that is not registered, so the pipeline message is patched in place. The file
    is written with the earliest format h5py defaults to: object headers without
    checksums, and a version-1 filter pipeline message, in which each filter is
    `id (u16) | name length (u16) | flags (u16) | value count (u16) | name`, the
    name padded to 8 bytes; HDF5 writes the name `fletcher32`, so the id is the
    two bytes 8 before it. The name is overwritten with one of the same length.
    """
    data = bytearray(open(path, "rb").read())
    name = b"fletcher32"
    assert data.count(name) == 1, "expected one Fletcher32 filter pipeline message"
    at = data.index(name)
    assert int.from_bytes(data[at - 8:at - 6], "little") == FLETCHER32
    data[at - 8:at - 6] = UNKNOWN_FILTER.to_bytes(2, "little")
    data[at:at + len(name)] = b"unknown-fi"
    open(path, "wb").write(data)


def hostile_archive(name):
    """`SOURCE_KERAS` with the kernel of its weights file moved to external storage."""
    with zipfile.ZipFile(SOURCE_KERAS) as source, tempfile.TemporaryDirectory() as scratch:
        weights = os.path.join(scratch, "model.weights.h5")
        with open(weights, "wb") as handle:
            handle.write(source.read("model.weights.h5"))
        with h5py.File(weights, "r+") as model:
            del model[KERNEL_KERAS]
            external_storage(model, KERNEL_KERAS)
        path = os.path.join(OUT, name)
        with zipfile.ZipFile(path, "w") as archive:
            for member in source.infolist():
                contents = open(weights, "rb").read() if member.filename == "model.weights.h5" else source.read(member)
                archive.writestr(member, contents, compress_type=zipfile.ZIP_STORED)
    return path


def read_kernel(path, kernel=KERNEL_H5):
    """The kernel as h5py reads it, from OUT (where relative external names resolve)."""
    with h5py.File(path, "r") as model:
        return model[kernel][()]


def main():
    os.makedirs(OUT, exist_ok=True)
    os.chdir(OUT)
    secret = write_secret()
    secret_bytes = open(SECRET, "rb").read(4 * secret.size)

    # Each file is checked to really reach the other file (or need a plugin) when read by h5py.
    assert read_kernel(hostile_copy("external_storage.h5", external_storage)).tobytes() == secret_bytes
    assert np.array_equal(read_kernel(hostile_copy("external_link.h5", external_link)), secret)
    assert np.array_equal(read_kernel(hostile_copy("virtual.h5", virtual)), secret)

    unknown = hostile_copy("unknown_filter.h5", fletcher32_chunks)
    patch_filter_id(unknown)
    with h5py.File(unknown, "r") as model:
        assert model[KERNEL_H5].id.get_create_plist().get_filter(0)[0] == UNKNOWN_FILTER
        try:
            model[KERNEL_H5][()]
            raise AssertionError("filter 32123 unexpectedly available")
        except OSError:
            pass

    filtered = hostile_copy("keras_filters.h5", keras_filters)
    with h5py.File(filtered, "r") as model:
        assert sorted(model[KERNEL_H5].id.get_create_plist().get_filter(i)[0] for i in range(3)) == [1, 2, FLETCHER32]  # deflate, shuffle
    assert np.array_equal(read_kernel(filtered), ORIGINAL_KERNEL)

    cycle = hostile_copy("soft_link_cycle.h5", soft_link_cycle)
    with h5py.File(cycle, "r") as model:
        assert model.get(KERNEL_H5, getlink=True).path == "/" + KERNEL_H5 + "_loop"
        try:
            model[KERNEL_H5]
            raise AssertionError("the soft link cycle unexpectedly resolved")
        except RuntimeError:  # HDF5 gives up after 16 links: "too many links"
            pass

    archive = hostile_archive("external_storage_k3.keras")
    with zipfile.ZipFile(archive) as keras_file:
        with h5py.File(io.BytesIO(keras_file.read("model.weights.h5")), "r") as weights:
            assert weights[KERNEL_KERAS].external[0][0] == SECRET
    for name in sorted(os.listdir(OUT)):
        print(f"{name}: {os.path.getsize(name)} bytes")


if __name__ == "__main__":
    main()
