#!/usr/bin/env python3
"""Writes Fixtures/hdf5_dense/: small HDF5 files whose links and attributes
live in dense storage (a fractal heap indexed by a version-2 B-tree), for
LayerLens's own HDF5 reader.

`dense_links.h5`: group `/many` with 1,200 members (10 groups, 10 datasets,
10 soft links, 1,169 hard links to one dataset, some names in UTF-8), created
with creation order tracked; its link heap needs indirect blocks and its name
index is two levels of internal nodes deep.
`dense_attributes.h5`: dataset `/holder` with 120 attributes (numbers, fixed
and variable-length strings, scalars and arrays, some names in UTF-8), among
them a 70,000-byte fixed string and a 5,000-byte one, which the heap keeps as
huge objects (over its 4,096-byte limit for managed ones); group `/tracked`,
with creation order tracked, 40 attributes; group `/few`, 10 attributes, just
past the 8 kept in the object header, so the heap is one direct block.
`dense_small_sizes.h5`: a group of 150 members with 40 attributes (two huge),
and a group of 10 members with 10 attributes, in a file with 4-byte addresses
and lengths.

`expected.json` holds what h5py reads back from each file: member names,
string attribute values (a long one as its length and 64-bit FNV-1a hash of
its UTF-8 bytes), the names of every attribute and the values of a few
datasets. Tests compare LayerLens's reading with it, so the expectations come
from h5py, not from the reader under test.

Run from the repository root, in the fixtures virtual environment (see
Fixtures/README.md):

    .venv/bin/python Fixtures/make_hdf5_dense.py
"""
import json
import os

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "hdf5_dense")
SEED = 20261203


def member_name(index):
    """The name of member `index`: long enough to fill several heap blocks, a few in UTF-8."""
    return f"member_{index:04d}_ünïcode" if index % 97 == 0 else f"member_{index:04d}_of_a_dense_group"


def fill_links(group, rng, count):
    """`count` members of every kind: groups, datasets, hard links to one dataset, soft links."""
    shared = group.create_dataset("shared_target", data=np.arange(6, dtype="<f4"))
    for index in range(count - 1):
        name = member_name(index)
        if index < 10:
            group.create_group(name).attrs["index"] = np.int32(index)
        elif index < 20:
            group.create_dataset(name, data=rng.standard_normal(4).astype("<f4"))
        elif index < 30:
            group[name] = h5py.SoftLink("/nowhere/" + name)
        else:
            group[name] = shared


def fill_attributes(target, rng, count, huge):
    """`count` attributes of several kinds; with `huge`, two over the heap's limit for managed objects as well."""
    vlen = h5py.string_dtype("utf-8")
    for index in range(count):
        name = f"attribute_{index:03d}" + ("_ünïcode" if index % 17 == 0 else "")
        kind = index % 5
        if kind == 0:
            target.attrs.create(name, f"variable-length value {index} ✓", dtype=vlen)
        elif kind == 1:
            target.attrs.create(name, np.bytes_(f"fixed value {index}"))
        elif kind == 2:
            target.attrs.create(name, [f"one {index}", f"two {index}", f"three {index}"], dtype=vlen)
        elif kind == 3:
            target.attrs.create(name, np.array([b"alpha", b"beta", b"gamma"], dtype="S8"))
        else:
            target.attrs.create(name, rng.standard_normal(3).astype("<f8"))
    if huge:
        for size in [70_000, 5_000]:
            letters = "".join(chr(ord("a") + index % 26) for index in range(size))
            target.attrs.create(f"huge_fixed_string_{size}", np.bytes_(letters.encode()))


def fnv1a(text):
    """The 64-bit FNV-1a hash of `text`'s UTF-8 bytes, as a decimal string (JSON numbers lose 64-bit precision)."""
    value = 0xcbf29ce484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001b3) % (1 << 64)
    return str(value)


def expectations(path):
    """What h5py reads back from the file at `path`."""
    def strings(value):
        if isinstance(value, (bytes, str)):
            value = [value]
        elif isinstance(value, np.ndarray) and value.dtype.kind in "SOU":
            value = value.ravel().tolist()
        else:
            return None
        texts = [item.decode() if isinstance(item, bytes) else str(item) for item in value]
        return [{"length": len(text.encode()), "fnv1a": fnv1a(text)} if len(text) > 200 else text for text in texts]

    result = {"groups": {}, "attributes": {}, "datasets": {}}
    with h5py.File(path, "r") as file:
        def visit(name, item):
            key = "/" + name
            if isinstance(item, h5py.Group):
                result["groups"][key] = sorted(item.keys())
            elif "many" in key and len(result["datasets"]) < 8:
                result["datasets"][key] = item[()].astype(float).tolist()
            if len(item.attrs) > 0:
                result["attributes"][key] = {attribute: strings(item.attrs[attribute]) for attribute in item.attrs}
        file.visititems(visit)
        result["groups"]["/"] = sorted(file.keys())
    return result


def write(path, fill, sizes=None):
    """Writes one file (h5py 'latest' format, so new-style groups), through `fill(file)`."""
    if sizes is None:
        with h5py.File(path, "w", libver="latest") as file:
            fill(file)
        return
    create = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    create.set_sizes(*sizes)
    access = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    access.set_libver_bounds(h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST)
    with h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=create, fapl=access)) as file:
        fill(file)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)

    def links(file):
        fill_links(file.create_group("many", track_order=True), rng, 1_200)

    def attributes(file):
        fill_attributes(file.create_dataset("holder", data=np.arange(3, dtype="<i4")), rng, 120, huge=True)
        fill_attributes(file.create_group("tracked", track_order=True), rng, 40, huge=False)
        fill_attributes(file.create_group("few"), rng, 10, huge=False)

    def small_sizes(file):
        fill_links(file.create_group("many"), rng, 150)
        fill_attributes(file["many"], rng, 40, huge=True)
        fill_links(file.create_group("few"), rng, 10)
        fill_attributes(file["few"], rng, 10, huge=False)

    expected = {}
    for name, fill, sizes in [("dense_links.h5", links, None), ("dense_attributes.h5", attributes, None),
                              ("dense_small_sizes.h5", small_sizes, (4, 4))]:
        path = os.path.join(OUT, name)
        write(path, fill, sizes)
        expected[name] = expectations(path)
    with open(os.path.join(OUT, "expected.json"), "w") as file:
        json.dump(expected, file, indent=1, ensure_ascii=False, sort_keys=True)
        file.write("\n")


if __name__ == "__main__":
    main()
