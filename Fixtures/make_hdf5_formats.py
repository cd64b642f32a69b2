#!/usr/bin/env python3
"""Writes Fixtures/hdf5/: small HDF5 files, each exercising one part of the HDF5
file format that a reader of Keras files may meet, for the parity tests that
read every file with LayerLens's HDF5 reader and with libhdf5 and compare
(`Tests/HDF5Tests/OracleParityTests.swift`).

Nothing here is a Keras model: the files hold groups, attributes and datasets
chosen to reach each structure of the format (superblock and object-header
versions, symbol tables and B-trees, compact and dense link and attribute
storage, fractal heaps, every data layout and chunk index, filters, numeric and
string types, fill values). Each file is written by one function below whose
docstring says what it covers; the file names say the same in short. Values
come from a fixed seed, so running the script again writes the same bytes
(it checks that no file reaches 100 KB and that all stay under 1 MB).

After writing, the script checks each file's superblock version and the
signatures of the structures it must contain (a v1 B-tree node of level ≥ 1,
a fractal heap, a v2 B-tree, a fixed or extensible array, …), so a change in
h5py's defaults cannot silently make a fixture cover less.

Run from the repository root, in the fixtures virtual environment (see
Fixtures/README.md):

    .venv/bin/python Fixtures/make_hdf5_formats.py
"""
import glob
import os
import struct

import h5py
import numpy as np
from h5py import h5d, h5p, h5s, h5t, h5a

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "hdf5")
SEED = 20261203
SIZE_LIMIT = 100_000
TOTAL_LIMIT = 1_000_000

FIXTURES = []


def fixture(name, superblock, signatures=(), absent=(), **file_options):
    """Registers the decorated function as the writer of `name`. `superblock` is
    the superblock version the file must have; `signatures` are structures whose
    4-byte signature must occur in it (`TREE0+`/`TREE1+` ask for a v1 B-tree node
    of that type at level ≥ 1), `absent` ones that must not."""
    def register(write):
        FIXTURES.append((name, write, superblock, signatures, absent, file_options))
        return write
    return register


def rng_for(name):
    return np.random.default_rng([SEED, sum(name.encode())])


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def fixed_string_attribute(obj, name, values, size, pad=h5t.STR_NULLPAD, cset=h5t.CSET_ASCII, scalar=False):
    """A fixed-length string attribute whose stored bytes are exactly `values`
    (bytes, each cut or null-filled to `size`), with padding `pad` and charset
    `cset` recorded in its type: written through the low-level API with the file
    type as the memory type, so that HDF5 converts nothing."""
    string_type = h5t.C_S1.copy()
    string_type.set_size(size)
    string_type.set_strpad(pad)
    string_type.set_cset(cset)
    space = h5s.create(h5s.SCALAR) if scalar else h5s.create_simple((len(values),))
    attribute = h5a.create(obj.id, name.encode(), string_type, space)
    data = np.array(values[0] if scalar else values, dtype=f"S{size}")
    attribute.write(data, mtype=string_type)


def new_group(parent, path, track_order=False):
    """Creates group `path` (`a/b/c`, each missing component in turn) below
    `parent` without modification times, so that the files are the same bytes
    on every run; with `track_order`, link and attribute creation order are
    tracked and indexed, as h5py's `track_order=True` does."""
    group = parent
    for name in path.split("/"):
        if name in group:
            group = group[name]
            continue
        plist = h5p.create(h5p.GROUP_CREATE)
        plist.set_obj_track_times(False)
        if track_order:
            plist.set_link_creation_order(h5p.CRT_ORDER_TRACKED | h5p.CRT_ORDER_INDEXED)
            plist.set_attr_creation_order(h5p.CRT_ORDER_TRACKED | h5p.CRT_ORDER_INDEXED)
        group = h5py.Group(h5py.h5g.create(group.id, name.encode(), gcpl=plist))
    return group


def vlen_strings(values, encoding):
    return np.array(values, dtype=h5py.string_dtype(encoding))


def dcpl(layout=None, chunks=None, alloc_time=None, fill=None, dtype=None):
    plist = h5p.create(h5p.DATASET_CREATE)
    if layout is not None:
        plist.set_layout(layout)
    if chunks is not None:
        plist.set_chunk(chunks)
    if alloc_time is not None:
        plist.set_alloc_time(alloc_time)
    if fill is not None:
        plist.set_fill_value(np.array(fill, dtype=dtype))
    return plist


def normal(rng, shape, dtype="<f4"):
    return rng.standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------------------
# Format versions
# ---------------------------------------------------------------------------

def basic_content(f, rng):
    """A little of everything: nested groups, attributes of each string kind,
    contiguous, compact-sized and chunked datasets."""
    f.attrs["title"] = "LayerLens HDF5 format fixture"
    f.attrs["names"] = vlen_strings(["dense", "dense_1", "naïve"], "utf-8")
    f.attrs["count"] = np.int32(3)
    group = new_group(f, "model_weights")
    group.attrs["layer_names"] = np.array([b"dense", b"dense_1"], dtype="S7")
    layer = new_group(group, "dense/dense")
    layer.create_dataset("kernel:0", data=normal(rng, (6, 4)))
    layer.create_dataset("bias:0", data=normal(rng, (4,)))
    f.create_dataset("chunked", data=normal(rng, (9, 5)), chunks=(4, 2), compression="gzip", shuffle=True)
    f.create_dataset("scalar", data=np.float64(rng.standard_normal()))
    f.create_dataset("integers", data=rng.integers(-1000, 1000, size=17, dtype=np.int32))


@fixture("libver_earliest.h5", superblock=0, signatures=["TREE", "HEAP", "SNOD", "GCOL"], absent=["OHDR"], libver="earliest")
def libver_earliest(f, rng):
    """libver earliest: superblock v0, version-1 object headers, groups as symbol
    tables (a v1 B-tree and a local heap each), chunks indexed by a v1 B-tree,
    variable-length strings in the global heap."""
    basic_content(f, rng)


@fixture("libver_v108.h5", superblock=2, signatures=["OHDR", "GCOL", "TREE"], absent=["SNOD", "FAHD"], libver=("v108", "v108"))
def libver_v108(f, rng):
    """libver v108 (HDF5 1.8): superblock v2 with its checksum, version-2 object
    headers ("OHDR"), link messages in place of symbol tables, layout message v3
    (chunks still in a v1 B-tree)."""
    basic_content(f, rng)


@fixture("libver_v110.h5", superblock=3, signatures=["OHDR", "GCOL", "FAHD"], absent=["TREE", "SNOD"], libver=("v110", "v110"))
def libver_v110(f, rng):
    """libver v110 (HDF5 1.10): superblock v3, version-2 object headers, layout
    message v4 (the chunked dataset indexed by a fixed array)."""
    basic_content(f, rng)


@fixture("libver_latest.h5", superblock=3, signatures=["OHDR", "GCOL", "FAHD"], absent=["TREE", "SNOD"], libver="latest")
def libver_latest(f, rng):
    """libver latest (HDF5 1.14 writing its newest formats): superblock v3,
    version-2 object headers, attribute messages v3, layout v4."""
    basic_content(f, rng)


@fixture("userblock_512.h5", superblock=0, userblock_size=512)
def userblock_512(f, rng):
    """A 512-byte user block before the superblock (superblock v0), so the
    superblock is found at 512 and every address is relative to that base."""
    basic_content(f, rng)


@fixture("userblock_1024_latest.h5", superblock=3, userblock_size=1024, libver="latest")
def userblock_1024_latest(f, rng):
    """A 1024-byte user block before a v3 superblock (libver latest)."""
    basic_content(f, rng)


# ---------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------

@fixture("groups_compact_links.h5", superblock=3, absent=["FRHP", "BTHD", "TREE", "SNOD"], libver="latest")
def groups_compact_links(f, rng):
    """Compact link storage (libver latest): groups of a few links held as link
    messages in the group's object header, created out of name order, names with
    non-ASCII letters, spaces and the `:` Keras uses; an empty group."""
    group = new_group(f, "compact")
    for name in ["zeta", "alpha", "kernel:0", "größe λ", "mid dle"]:
        group.create_dataset(name, data=normal(rng, (3,)))
    new_group(group, "beta").create_dataset("x", data=np.arange(4, dtype=np.int16))
    new_group(f, "empty")


@fixture("groups_dense_links.h5", superblock=3, signatures=["FRHP", "FHDB", "BTHD"], libver="latest")
def groups_dense_links(f, rng):
    """Dense link storage (libver latest): a group of 48 links (more than the 8 a
    link-message header keeps) stored in a fractal heap with a v2 B-tree indexing
    their name hashes; members created in a shuffled order, groups and datasets;
    a second dense group with link creation order tracked (`track_order=True`),
    which adds a creation-order v2 B-tree."""
    for group_name, track_order in [("dense", None), ("dense_ordered", True)]:
        group = new_group(f, group_name, track_order=track_order)
        names = [f"member_{i:02d}{'_long_name_' * (i % 3)}" for i in range(48)] + ["ünïcødé", "kernel:0"]
        for index in rng.permutation(len(names)):
            name = names[index]
            if index % 7 == 0:
                new_group(group, name).attrs["index"] = np.int64(index)
            else:
                group.create_dataset(name, data=np.array([index, -index], dtype=np.int32))


@fixture("groups_old_style_200_members.h5", superblock=0, signatures=["TREE0+", "SNOD", "HEAP"], libver="earliest")
def groups_old_style_200_members(f, rng):
    """An old-style (symbol-table) group of 200 members inserted in a shuffled
    order: the default node sizes hold 8 entries per symbol-table node and 32
    per v1 B-tree node, so the group's B-tree splits into two levels and its
    local heap grows beyond its first block."""
    group = new_group(f, "many")
    for index in rng.permutation(200):
        dataset = group.create_dataset(f"item_{index:03d}", data=np.int32(index))


@fixture("groups_deep_nesting.h5", superblock=0, libver="earliest")
def groups_deep_nesting(f, rng):
    """Groups nested 24 deep (old-style groups), an attribute on every level and
    a dataset at the bottom, reached by one long path."""
    group = f
    for level in range(24):
        group = new_group(group, f"level{level:02d}")
        group.attrs["depth"] = np.int32(level)
    group.create_dataset("bottom", data=normal(rng, (2, 3)))
    group.attrs["where"] = "the bottom"


@fixture("groups_deep_nesting_latest.h5", superblock=3, libver="latest")
def groups_deep_nesting_latest(f, rng):
    """Groups nested 40 deep in the latest format (link messages), a dataset at
    the bottom, and beside the chain a group holding 12 links (dense)."""
    group = f
    for level in range(40):
        group = new_group(group, f"l{level}")
    group.create_dataset("bottom", data=normal(rng, (3,)))
    side = new_group(f, "l0/side")
    for index in range(12):
        side.create_dataset(f"s{index}", data=np.float32(index))


# ---------------------------------------------------------------------------
# Attributes
# ---------------------------------------------------------------------------

def string_attributes(obj, rng):
    """Every kind of string attribute, and the numeric ones a string reader must refuse."""
    a = obj.attrs
    # Variable-length strings (global heap), ASCII and UTF-8.
    a.create("vlen_ascii_scalar", "dense_1", dtype=h5py.string_dtype("ascii"))
    a.create("vlen_utf8_scalar", "naïve café — λ → 🙂", dtype=h5py.string_dtype("utf-8"))
    a.create("vlen_utf8_empty", "", dtype=h5py.string_dtype("utf-8"))
    a["vlen_ascii_array"] = vlen_strings(["dense", "dense_1", "", "kernel:0"], "ascii")
    a["vlen_utf8_array"] = vlen_strings(["größe", "", "日本語", "x" * 300], "utf-8")
    a["vlen_utf8_one_element"] = vlen_strings(["only"], "utf-8")
    a["vlen_empty_array"] = vlen_strings([], "utf-8")
    a["vlen_2d"] = vlen_strings([["a", "b"], ["c", "dé"]], "utf-8")
    # Fixed-length strings: null-padded (numpy 'S', as h5py writes them), null-terminated, space-padded.
    a["fixed_nullpad_numpy"] = np.array([b"dense", b"dense_10", b"", b"exactly10!"], dtype="S10")
    a["fixed_nullpad_scalar"] = np.bytes_(b"model_config")
    fixed_string_attribute(obj, "fixed_nullterm", [b"abc", b"abcdefg", b"", b"ABCDEFGH"], 8, h5t.STR_NULLTERM)
    fixed_string_attribute(obj, "fixed_nullterm_scalar", [b"tensorflow"], 16, h5t.STR_NULLTERM, scalar=True)
    fixed_string_attribute(obj, "fixed_spacepad", [b"abc     ", b"a b     ", b"        ", b"ABCDEFGH"], 8, h5t.STR_SPACEPAD)
    fixed_string_attribute(obj, "fixed_utf8_nullpad", ["café".encode(), "λ".encode(), b"plain"], 6, h5t.STR_NULLPAD, h5t.CSET_UTF8)
    fixed_string_attribute(obj, "fixed_utf8_spacepad", ["dé  ".encode()], 5, h5t.STR_SPACEPAD, h5t.CSET_UTF8, scalar=True)
    fixed_string_attribute(obj, "fixed_nul_inside", [b"ab\x00cd"], 5, h5t.STR_NULLPAD, scalar=True)
    # Bytes that are not UTF-8: a string reader must refuse them.
    fixed_string_attribute(obj, "fixed_latin1_not_utf8", [b"caf\xe9"], 4, h5t.STR_NULLPAD, scalar=True)
    # Numbers: a string reader refuses them, except an empty array ("no names").
    a["int32_scalar"] = np.int32(-7)
    a["float64_array"] = rng.standard_normal(5)
    a["uint8_array"] = np.arange(4, dtype=np.uint8)
    a["empty_float64_array"] = np.zeros(0, dtype=np.float64)
    a["empty_int32_array"] = np.zeros(0, dtype=np.int32)
    a["null_dataspace"] = h5py.Empty("f4")
    a["bool_enum"] = np.bool_(True)
    a["größe"] = "an attribute whose name is not ASCII"


@fixture("attributes_strings_earliest.h5", superblock=0, signatures=["GCOL"], libver="earliest")
def attributes_strings_earliest(f, rng):
    """Attribute messages v1 (libver earliest, names and types padded to 8 bytes)
    on the root group, a group and a dataset: variable-length strings (ASCII and
    UTF-8; scalar, 1-D, one-element, empty, 2-D; non-ASCII text and an empty
    string), fixed-length strings null-padded, null-terminated (one filling its
    width) and space-padded, UTF-8 fixed-length, a NUL inside, bytes that are not
    UTF-8, numeric scalars and arrays, empty numeric arrays, a null dataspace and
    a bool (enum)."""
    string_attributes(f, rng)
    string_attributes(new_group(f, "group"), rng)
    string_attributes(f.create_dataset("dataset", data=normal(rng, (2,))), rng)


@fixture("attributes_strings_latest.h5", superblock=3, signatures=["GCOL"], libver="latest")
def attributes_strings_latest(f, rng):
    """The same attributes as attributes_strings_earliest.h5 as attribute
    messages v3 (libver latest, with a charset for the name, nothing padded);
    more than 8 on an object, so they are stored densely (see attributes_dense.h5)."""
    string_attributes(f, rng)
    string_attributes(new_group(f, "group"), rng)
    string_attributes(f.create_dataset("dataset", data=normal(rng, (2,))), rng)


@fixture("attributes_dense.h5", superblock=3, signatures=["FRHP", "BTHD"], libver="latest")
def attributes_dense(f, rng):
    """Dense attribute storage (libver latest): a group with 20 attributes and a
    dataset with 12 (more than the 8 an object header keeps as attribute
    messages), held in the object's fractal heap and indexed by a v2 B-tree of
    name hashes (type 8); created in a shuffled order; strings and numbers.
    Beside them, a group with 5 attributes (still compact)."""
    group = new_group(f, "group")
    dataset = f.create_dataset("dataset", data=normal(rng, (3, 2)))
    for obj, count in [(group, 20), (dataset, 12)]:
        for index in rng.permutation(count):
            if index % 3 == 0:
                obj.attrs[f"attr_{index:02d}"] = vlen_strings([f"value {index}", "ü" * int(index)], "utf-8")
            elif index % 3 == 1:
                fixed_string_attribute(obj, f"attr_{index:02d}", [f"fixed {index}".encode()], 12, scalar=True)
            else:
                obj.attrs[f"attr_{index:02d}"] = rng.standard_normal(int(index)).astype(np.float32)
    compact = new_group(f, "compact")
    for index in range(5):
        compact.attrs[f"c{4 - index}"] = f"compact {index}"


@fixture("attributes_track_order.h5", superblock=0, signatures=["OHDR", "FRHP", "BTHD"])
def attributes_track_order(f, rng):
    """Attribute creation order tracked and indexed (`track_order=True`, which
    needs version-2 object headers even under libver earliest): compact (4
    attributes) and dense (15, adding a creation-order v2 B-tree, type 9),
    created in anti-alphabetical order, on groups and a dataset."""
    for name, count in [("compact", 4), ("dense", 15)]:
        group = new_group(f, name, track_order=True)
        for index in reversed(range(count)):
            group.attrs[f"attr_{index:02d}"] = f"created {count - index}"
    dataset = f.create_dataset("dataset", data=normal(rng, (4,)), track_order=True)
    for name in ["z", "y", "b", "a"]:
        dataset.attrs[name] = vlen_strings([name, name * 2], "ascii")


@fixture("attributes_larger_than_64k.h5", superblock=3, signatures=["FRHP", "BTHD"], libver="latest")
def attributes_larger_than_64k(f, rng):
    """An attribute larger than 64 KiB (1,040 fixed-length 64-byte strings,
    66,560 bytes), which no object-header message can hold: libver latest stores
    it in dense storage as a fractal heap "huge" object, reached through the
    heap's own v2 B-tree. (Under libver earliest h5py refuses to create it;
    Keras splits such attributes into numbered chunks instead.) A small
    attribute beside it."""
    names = [f"layer_{index:04d}_{'x' * int(rng.integers(0, 40))}".encode() for index in range(1040)]
    new_group(f, "weights").attrs["layer_names"] = np.array(names, dtype="S64")
    f["weights"].attrs["small"] = "beside the large one"


# ---------------------------------------------------------------------------
# Datasets: types and shapes
# ---------------------------------------------------------------------------

@fixture("dataset_types.h5", superblock=0)
def dataset_types(f, rng):
    """Every numeric type a reader converts to Float: float16/32/64, int8/16/32/64,
    uint8/16/32/64 (random values plus each type's extremes, and integers a
    float32 cannot hold exactly), bool stored as uint8, big-endian float32,
    float64, int32, uint16 and int64; special floats (±0, ±inf, NaNs with
    payloads, subnormals; float64 values beyond float32's range and below its
    smallest subnormal). Also datasets that do not hold numbers, which a
    numeric read must refuse: numpy bool (an HDF5 enum), a compound, strings."""
    count = 24
    floats = {
        "float32": np.concatenate([normal(rng, count), np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 3.4028235e38, 1e-45, -1.17549435e-38], np.float32)]),
        "float64": np.concatenate([rng.standard_normal(count) * 1e3, np.array(
            [0.0, -0.0, np.inf, -np.inf, np.nan, 1e39, -1e39, 3.4028235677973366e38, 3.4028236e38, 1e-50, -1e-50,
             2.0 ** -149, 2.0 ** -150, 0.1, 1 + 2.0 ** -24, 1 + 3 * 2.0 ** -24, 16777217.0], np.float64)]),
        "float16": np.concatenate([normal(rng, count, np.float16), np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 65504, 6e-8, -6.1e-5], np.float16)]),
    }
    nan_payloads = np.array([0x7FF8000000000001, 0xFFF8000000000000, 0x7FF0000000000001, 0x7FFFFFFFFFFFFFFF], dtype=np.uint64).view(np.float64)
    floats["float64"] = np.concatenate([floats["float64"], nan_payloads])
    floats["float32"] = np.concatenate([floats["float32"], np.array([0x7FC00001, 0xFFC00000, 0x7F800001], dtype=np.uint32).view(np.float32)])
    for name, values in floats.items():
        f[name] = values
    for bits in (8, 16, 32, 64):
        for kind in ("int", "uint"):
            dtype = np.dtype(f"{kind}{bits}")
            info = np.iinfo(dtype)
            extremes = [info.min, info.max, 0, 1, info.max - 1]
            if bits >= 32:
                extremes += [2 ** 24 + 1, 2 ** 24 + 3, 2 ** 31 - 1]
            if bits == 64:
                extremes += [2 ** 53 + 1, 2 ** 63 - 1, 2 ** 62 + 2 ** 38 + 1]
            random = rng.integers(info.min, info.max, size=count, dtype=dtype, endpoint=True)
            f[f"{kind}{bits}"] = np.concatenate([random, np.array(extremes, dtype=object).astype(dtype)])
    f["bool_as_uint8"] = (rng.random(count) < 0.5).astype(np.uint8)
    f["big_endian_float32"] = normal(rng, (3, 5), ">f4")
    f["big_endian_float64"] = np.concatenate([rng.standard_normal(8), [np.inf, 1e39]]).astype(">f8")
    f["big_endian_int32"] = rng.integers(-2 ** 31, 2 ** 31, size=10, dtype=np.int64).astype(">i4")
    f["big_endian_uint16"] = rng.integers(0, 2 ** 16, size=10).astype(">u2")
    f["big_endian_int64"] = np.array([-2 ** 63, 2 ** 63 - 1, 12345678901234567], dtype=">i8")
    not_numbers = new_group(f, "not_numbers")
    not_numbers["numpy_bool_enum"] = rng.random(6) < 0.5
    not_numbers["compound"] = np.array([(1, 2.5), (3, 4.5)], dtype=[("a", "<i4"), ("b", "<f8")])
    not_numbers["strings"] = vlen_strings(["a", "b"], "utf-8")
    not_numbers["fixed_strings"] = np.array([b"ab", b"cd"], dtype="S2")


@fixture("dataset_shapes.h5", superblock=0)
def dataset_shapes(f, rng):
    """Dataset shapes: scalar dataspaces (float32, int64, float64), a one-element
    1-D, 1-D, 2-D, 3-D, 4-D and 6-D arrays, zero extents (contiguous (0,),
    (3, 0, 2), chunked (0, 4) with an unlimited first dimension) and a null
    dataspace (h5py.Empty), whose read a reader refuses (it stores nothing)."""
    f["scalar_float32"] = np.float32(rng.standard_normal())
    f["scalar_int64"] = np.int64(-1234567890123)
    f["scalar_float64"] = np.float64(np.pi)
    f["one_element"] = normal(rng, (1,))
    f["one_d"] = normal(rng, (7,))
    f["two_d"] = normal(rng, (5, 3))
    f["three_d"] = normal(rng, (2, 3, 4))
    f["four_d"] = normal(rng, (3, 3, 2, 4))
    f["six_d"] = normal(rng, (2, 1, 2, 3, 1, 2))
    f["empty"] = np.zeros((0,), np.float32)
    f["empty_inner"] = np.zeros((3, 0, 2), np.float32)
    f.create_dataset("empty_chunked_unlimited", shape=(0, 4), maxshape=(None, 4), dtype=np.float32, chunks=(2, 4))
    f["null_dataspace"] = h5py.Empty("f4")


# ---------------------------------------------------------------------------
# Datasets: layouts and filters
# ---------------------------------------------------------------------------

def compact_datasets(f, rng):
    """Compact datasets, each checked to be compact."""
    f.create_dataset("compact_float32", data=normal(rng, (3, 4)), dcpl=dcpl(layout=h5d.COMPACT))
    f.create_dataset("compact_int16", data=rng.integers(-300, 300, size=9, dtype=np.int16), dcpl=dcpl(layout=h5d.COMPACT))
    f.create_dataset("compact_big_endian_float64", data=rng.standard_normal(5).astype(">f8"), dcpl=dcpl(layout=h5d.COMPACT))
    # h5py ignores the creation list of a scalar dataset, so this one is made through the low-level API.
    scalar = np.array(2.5, dtype=np.float32)
    h5d.create(f.id, b"compact_scalar", h5t.py_create(scalar.dtype), h5s.create(h5s.SCALAR),
               dcpl=dcpl(layout=h5d.COMPACT)).write(h5s.ALL, h5s.ALL, scalar)
    f.create_dataset("compact_never_written", shape=(2, 3), dtype=np.float32, dcpl=dcpl(layout=h5d.COMPACT, fill=1.5, dtype=np.float32))
    for name in f:
        assert f[name].id.get_create_plist().get_layout() == h5d.COMPACT, name


@fixture("layout_compact.h5", superblock=0)
def layout_compact(f, rng):
    """Compact layout (the data inside the dataset's object header, set with
    `dcpl.set_layout(h5d.COMPACT)`), layout message v3: float32, int16,
    big-endian float64, a scalar, and one never written (compact storage is
    allocated at creation and filled with its fill value, 1.5)."""
    compact_datasets(f, rng)


@fixture("layout_compact_latest.h5", superblock=3, libver="latest")
def layout_compact_latest(f, rng):
    """The compact datasets of layout_compact.h5 in version-2 object headers (libver latest)."""
    compact_datasets(f, rng)


@fixture("layout_contiguous.h5", superblock=0)
def layout_contiguous(f, rng):
    """Contiguous layout: a 64 × 32 float32 array (8 KiB in one block), an
    int8 vector, a float16 matrix, and one allocated early and never written
    (`set_alloc_time(EARLY)`, so its block holds the fill value 4)."""
    f["matrix"] = normal(rng, (64, 32))
    f["int8"] = rng.integers(-128, 128, size=33, dtype=np.int8)
    f["float16"] = normal(rng, (5, 6), np.float16)
    f.create_dataset("early_never_written", shape=(4, 5), dtype=np.float32,
                     dcpl=dcpl(alloc_time=h5d.ALLOC_TIME_EARLY, fill=4.0, dtype=np.float32))


@fixture("chunked_filters.h5", superblock=0, signatures=["TREE"])
def chunked_filters(f, rng):
    """Chunked datasets through each filter Keras (h5py) may write, chunks in a
    v1 B-tree: deflate (levels 1 and 9), shuffle alone, shuffle + deflate,
    Fletcher32, shuffle + deflate + Fletcher32; int16 and big-endian float32
    through shuffle + deflate; constant data (compresses to almost nothing);
    and a deflated dataset one of whose chunks is stored raw, its filter mask
    saying deflate was skipped (written with `write_direct_chunk`)."""
    data = normal(rng, (20, 12))
    f.create_dataset("deflate_1", data=data, chunks=(5, 4), compression="gzip", compression_opts=1)
    f.create_dataset("deflate_9", data=data, chunks=(5, 4), compression="gzip", compression_opts=9)
    f.create_dataset("shuffle", data=data, chunks=(5, 4), shuffle=True)
    f.create_dataset("shuffle_deflate", data=data, chunks=(5, 4), shuffle=True, compression="gzip")
    f.create_dataset("fletcher32", data=data, chunks=(5, 4), fletcher32=True)
    f.create_dataset("shuffle_deflate_fletcher32", data=data, chunks=(5, 4), shuffle=True, compression="gzip", fletcher32=True)
    f.create_dataset("int16_shuffle_deflate", data=rng.integers(-30000, 30000, size=(16, 9), dtype=np.int16), chunks=(4, 3), shuffle=True, compression="gzip")
    f.create_dataset("big_endian_shuffle_deflate", data=normal(rng, (10, 6), ">f4"), chunks=(4, 4), shuffle=True, compression="gzip")
    f.create_dataset("constant_deflate", data=np.full((32, 32), 0.25, np.float32), chunks=(16, 16), compression="gzip")
    masked = f.create_dataset("deflate_one_chunk_raw", shape=(8, 4), dtype=np.float32, chunks=(4, 4), compression="gzip")
    values = normal(rng, (8, 4))
    masked[0:4] = values[0:4]
    masked.id.write_direct_chunk((4, 0), values[4:8].tobytes(), filter_mask=0x1)


@fixture("chunked_partial_edges.h5", superblock=0, signatures=["TREE"])
def chunked_partial_edges(f, rng):
    """Chunked datasets whose shapes are not multiples of their chunks, so the
    last chunk of each dimension reaches past the data: 1-D 13 in chunks of 5,
    2-D 10 × 7 in 4 × 3 (plain and deflated), 3-D 5 × 6 × 7 in 2 × 4 × 3, and
    chunks larger than the whole dataset."""
    f.create_dataset("one_d", data=normal(rng, (13,)), chunks=(5,))
    f.create_dataset("two_d", data=normal(rng, (10, 7)), chunks=(4, 3))
    f.create_dataset("two_d_deflate", data=normal(rng, (10, 7)), chunks=(4, 3), compression="gzip", shuffle=True)
    f.create_dataset("three_d", data=normal(rng, (5, 6, 7)), chunks=(2, 4, 3))
    f.create_dataset("chunk_larger_than_data", data=normal(rng, (3, 2)), chunks=(8, 8), maxshape=(None, None))


@fixture("chunked_btree_v1_levels.h5", superblock=0, signatures=["TREE1+"], libver="earliest")
def chunked_btree_v1_levels(f, rng):
    """Chunk indexes as v1 B-trees (libver earliest) with two levels: a node
    holds 64 chunks by default, and these datasets have 240 (1-D int16), 144
    (2-D float32, 12 × 12 chunks) and 150 deflated (1-D float32) chunks."""
    f.create_dataset("one_d_int16", data=rng.integers(-999, 999, size=240 * 4, dtype=np.int16), chunks=(4,))
    f.create_dataset("two_d", data=normal(rng, (24, 24)), chunks=(2, 2))
    f.create_dataset("deflate", data=normal(rng, (150 * 3,)), chunks=(3,), compression="gzip")


@fixture("chunk_index_single_chunk.h5", superblock=3, absent=["TREE", "FAHD", "EAHD", "BTHD"], libver="latest")
def chunk_index_single_chunk(f, rng):
    """The single-chunk index (libver latest, chunk = fixed dataset shape): the
    layout message holds the chunk's address, and for a filtered chunk its size
    and filter mask too."""
    f.create_dataset("single", data=normal(rng, (6, 5)), chunks=(6, 5))
    f.create_dataset("single_deflate", data=normal(rng, (6, 5)), chunks=(6, 5), compression="gzip", shuffle=True)
    f.create_dataset("single_fletcher32", data=normal(rng, (7,)), chunks=(7,), fletcher32=True)


@fixture("chunk_index_implicit.h5", superblock=3, absent=["TREE", "FAHD", "EAHD", "BTHD"], libver="latest")
def chunk_index_implicit(f, rng):
    """The implicit index (libver latest): fixed shape, no filter, space allocated
    early (`set_alloc_time(EARLY)`), so the chunks lie one after another in one
    block and need no index; partial edge chunks; one dataset never written
    (all fill value -3)."""
    f.create_dataset("implicit", data=normal(rng, (12, 10)), dcpl=dcpl(chunks=(4, 5), alloc_time=h5d.ALLOC_TIME_EARLY))
    f.create_dataset("implicit_edges", data=normal(rng, (11, 7)), dcpl=dcpl(chunks=(4, 3), alloc_time=h5d.ALLOC_TIME_EARLY))
    f.create_dataset("implicit_never_written", shape=(5, 5), dtype=np.float32,
                     dcpl=dcpl(chunks=(2, 2), alloc_time=h5d.ALLOC_TIME_EARLY, fill=-3.0, dtype=np.float32))


@fixture("chunk_index_fixed_array.h5", superblock=3, signatures=["FAHD", "FADB"], absent=["TREE", "EAHD", "BTHD"], libver="latest")
def chunk_index_fixed_array(f, rng):
    """The fixed-array index (libver latest, fixed maximum shape, several chunks):
    unfiltered entries (addresses) and filtered ones (address, size, mask),
    partial edge chunks, and 1,100 chunks of a uint8 vector, more than the 1,024
    a data block holds unpaged, so its data block is split into pages."""
    f.create_dataset("fixed", data=normal(rng, (10, 9)), chunks=(4, 3))
    f.create_dataset("fixed_deflate", data=normal(rng, (10, 9)), chunks=(4, 3), compression="gzip")
    f.create_dataset("fixed_paged", data=rng.integers(0, 256, size=1100, dtype=np.uint8), chunks=(1,))


@fixture("chunk_index_extensible_array.h5", superblock=3, signatures=["EAHD", "EAIB", "EADB", "EASB"], absent=["TREE", "FAHD", "BTHD"], libver="latest")
def chunk_index_extensible_array(f, rng):
    """The extensible-array index (libver latest, one unlimited dimension,
    `maxshape=(None, 3)`): 300 chunks, past the index block's own entries and
    its direct data blocks into super blocks; unfiltered and deflated; and a
    small one whose few chunks sit in the index block itself."""
    f.create_dataset("extensible", data=normal(rng, (300, 3)), chunks=(1, 3), maxshape=(None, 3))
    f.create_dataset("extensible_deflate", data=normal(rng, (300, 3)), chunks=(1, 3), maxshape=(None, 3), compression="gzip")
    f.create_dataset("extensible_small", data=normal(rng, (5, 4)), chunks=(2, 4), maxshape=(None, 4))


@fixture("chunk_index_btree_v2.h5", superblock=3, signatures=["BTHD", "BTLF", "BTIN"], absent=["TREE", "FAHD", "EAHD"], libver="latest")
def chunk_index_btree_v2(f, rng):
    """The v2 B-tree chunk index (libver latest, two unlimited dimensions): 300
    chunks, enough for a tree of depth 1 (internal node over leaves), records
    of type 10 (unfiltered) and 11 (deflated, with chunk sizes), partial edges."""
    f.create_dataset("btree", data=normal(rng, (40, 30)), chunks=(2, 2), maxshape=(None, None))
    f.create_dataset("btree_deflate", data=normal(rng, (39, 31)), chunks=(2, 2), maxshape=(None, None), compression="gzip")


# ---------------------------------------------------------------------------
# Datasets never written, fill values
# ---------------------------------------------------------------------------

def unwritten_datasets(f, rng):
    f.create_dataset("contiguous_never_written", shape=(3, 4), dtype=np.float32)
    f.create_dataset("chunked_never_written", shape=(6, 4), dtype=np.float32, chunks=(3, 2))
    f.create_dataset("chunked_fill_value", shape=(6, 4), dtype=np.float32, chunks=(3, 2), fillvalue=-2.5)
    f.create_dataset("chunked_int16_fill_value", shape=(5,), dtype=np.int16, chunks=(2,), fillvalue=-7)
    part = f.create_dataset("chunked_partly_written", shape=(6, 4), dtype=np.float32, chunks=(3, 2), fillvalue=9.0, compression="gzip")
    part[0:3, 0:2] = normal(rng, (3, 2))
    f.create_dataset("unlimited_never_written", shape=(4, 2), dtype=np.float64, chunks=(2, 2), maxshape=(None, 2), fillvalue=0.125)
    f.create_dataset("contiguous_early_fill_value", shape=(2, 3), dtype=np.float64,
                     dcpl=dcpl(alloc_time=h5d.ALLOC_TIME_EARLY, fill=6.5, dtype=np.float64))


@fixture("dataset_unwritten.h5", superblock=0)
def dataset_unwritten(f, rng):
    """Datasets never written (fill-value message v2): contiguous with late
    allocation (no storage at all: a reader must refuse it rather than invent
    values), chunked with no chunk written (storage 0; reads the fill value: 0,
    -2.5, int16 -7), chunked with one chunk of four written (the rest 9),
    unlimited never written (0.125), and contiguous allocated early with fill 6.5."""
    unwritten_datasets(f, rng)


@fixture("dataset_unwritten_latest.h5", superblock=3, libver="latest")
def dataset_unwritten_latest(f, rng):
    """The datasets of dataset_unwritten.h5 in the latest format (fill-value
    message v3, the new chunk indexes holding no chunk or one)."""
    unwritten_datasets(f, rng)


# ---------------------------------------------------------------------------
# Writing and checking
# ---------------------------------------------------------------------------

def superblock_version(path):
    data = open(path, "rb").read()
    for base in [0, 512, 1024, 2048, 4096]:
        if data[base:base + 8] == b"\x89HDF\r\n\x1a\n":
            return data[base + 8]
    raise AssertionError(f"{path}: no superblock signature")


def has_structure(data, signature):
    """Whether `data` holds structure `signature`; `TREEn+` asks for a v1 B-tree
    node of type n (0 groups, 1 chunks) at level 1 or more."""
    if signature.startswith("TREE") and signature.endswith("+"):
        node_type = int(signature[4])
        start = 0
        while (start := data.find(b"TREE", start)) >= 0:
            if data[start + 4] == node_type and data[start + 5] >= 1:
                return True
            start += 4
        return False
    return signature.encode() in data


LIBVER = {"earliest": h5py.h5f.LIBVER_EARLIEST, "v108": h5py.h5f.LIBVER_V18,
          "v110": h5py.h5f.LIBVER_V110, "latest": h5py.h5f.LIBVER_LATEST}


def write(name, write_function, file_options):
    """Creates file `name` through the low-level API, so that the root group
    too is written without modification times, with the libver bounds (one
    name for the low bound, the high one latest, as h5py takes it, or a pair)
    and user block the fixture asks for, and
    lets `write_function` fill it."""
    path = os.path.join(OUT, name)
    options = dict(file_options)
    creation = h5p.create(h5p.FILE_CREATE)
    creation.set_obj_track_times(False)
    if "userblock_size" in options:
        creation.set_userblock(options["userblock_size"])
    access = h5p.create(h5p.FILE_ACCESS)
    if "libver" in options:
        libver = options["libver"]
        low, high = (libver, "latest") if isinstance(libver, str) else libver
        access.set_libver_bounds(LIBVER[low], LIBVER[high])
    with h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=creation, fapl=access)) as f:
        write_function(f, rng_for(name))
    if "userblock_size" in options:
        size = options["userblock_size"]
        text = f"LayerLens fixture {name}: a user block of {size} bytes; the HDF5 superblock follows it.\n".encode()
        with open(path, "r+b") as raw:
            raw.write(text.ljust(size, b"\0"))
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in glob.glob(os.path.join(OUT, "*.h5")):
        os.remove(old)
    total = 0
    for name, write_function, superblock, signatures, absent, file_options in FIXTURES:
        path = write(name, write_function, file_options)
        data = open(path, "rb").read()
        size = len(data)
        total += size
        assert size < SIZE_LIMIT, f"{name} is {size} bytes"
        assert superblock_version(path) == superblock, f"{name}: superblock v{superblock_version(path)}, not v{superblock}"
        for signature in signatures:
            assert has_structure(data, signature), f"{name} holds no {signature}"
        for signature in absent:
            assert not has_structure(data, signature), f"{name} holds a {signature}"
        with h5py.File(path, "r") as f:  # readable back
            f.visit(lambda _: None)
        print(f"{name:40s} {size:7,d} bytes")
    assert total < TOTAL_LIMIT, f"{total} bytes in all"
    print(f"{len(FIXTURES)} files, {total:,d} bytes")


if __name__ == "__main__":
    main()
