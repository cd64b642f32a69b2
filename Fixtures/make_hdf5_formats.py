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
    """A dataset creation list, without modification times (as h5py's own)."""
    plist = h5p.create(h5p.DATASET_CREATE)
    plist.set_obj_track_times(False)
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


def varied_latest_content(f, rng, extensible=True):
    """basic_content plus the latest format's own structures: a group of 12 links
    and an object with 10 attributes (dense: fractal heaps, v2 B-trees), and
    datasets indexed by an extensible array (unless not `extensible`) and by a v2 B-tree."""
    basic_content(f, rng)
    dense = new_group(f, "dense")
    for index in range(12):
        dense.create_dataset(f"d{index:02d}", data=np.float32(index))
    for index in range(10):
        dense.attrs[f"a{index:02d}"] = f"attribute {index}"
    if extensible:
        f.create_dataset("extensible", data=normal(rng, (40, 3)), chunks=(1, 3), maxshape=(None, 3))
    f.create_dataset("btree_v2", data=normal(rng, (12, 10)), chunks=(2, 2), maxshape=(None, None), compression="gzip")


@fixture("offsets_4_bytes.h5", superblock=0, signatures=["TREE", "SNOD"], libver="earliest", sizes=(4, 4))
def offsets_4_bytes(f, rng):
    """Addresses and lengths of 4 bytes instead of 8 (`set_sizes(4, 4)`, recorded
    in superblock v0), so every address and length field in every structure is
    narrower: symbol tables, v1 B-trees, local and global heaps, layouts."""
    basic_content(f, rng)


@fixture("offsets_4_bytes_latest.h5", superblock=3, signatures=["FRHP", "BTHD", "FAHD"], libver="latest", sizes=(4, 4))
def offsets_4_bytes_latest(f, rng):
    """4-byte addresses and lengths in the latest format (superblock v3): object
    headers, fractal heaps and v2 B-trees (dense links and attributes, a chunk
    index) and a fixed array, all with narrow fields. (No extensible array:
    libhdf5 1.14 writes one with 4-byte lengths but cannot open it again,
    "didn't find unlimited dimension".)"""
    varied_latest_content(f, rng, extensible=False)


@fixture("superblock_extension_paged.h5", superblock=3, signatures=["OHDR"], libver="latest", page_size=512)
def superblock_extension_paged(f, rng):
    """Paged file-space management (`set_file_space_strategy(PAGE)`, 512-byte
    pages): superblock v3 with a superblock extension (an object header holding
    the file-space info message), metadata and raw data in separate pages; a
    dataset deleted after writing leaves free space behind. (Free space is not
    persisted: libhdf5 then writes free-space sections whose checksum differs
    from run to run.)"""
    varied_latest_content(f, rng)
    f["deleted"] = normal(rng, (64,))
    f.flush()
    del f["deleted"]


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
    per v1 B-tree node, so the group's B-tree splits into two levels (checked),
    and its local heap of names is enlarged as they are added."""
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


def links(f, rng):
    f["data"] = normal(rng, (4,))
    group = new_group(f, "group")
    group["inside"] = np.arange(3, dtype=np.int32)
    f["data_alias"] = f["data"]
    f["group_alias"] = f["group"]
    f["soft_to_data"] = h5py.SoftLink("/data")
    f["soft_dangling"] = h5py.SoftLink("/nothing/here")
    f["external"] = h5py.ExternalLink("missing_file_layerlens.h5", "/data")
    group["soft_up"] = h5py.SoftLink("/group")


@fixture("links_hard_soft_external.h5", superblock=0, signatures=["SNOD"], libver="earliest")
def links_hard_soft_external(f, rng):
    """Links of every kind in old-style groups: a second hard link to a dataset
    and to a group (one object, two names), soft links to a dataset, to nowhere
    and to their own group, and an external link to a file that does not exist.
    LayerLens follows hard links only: both readers list every name, say it is
    there, and refuse to open the soft and external ones."""
    links(f, rng)


@fixture("links_hard_soft_external_latest.h5", superblock=3, absent=["SNOD"], libver="latest")
def links_hard_soft_external_latest(f, rng):
    """The links of links_hard_soft_external.h5 as link messages (libver latest)."""
    links(f, rng)


@fixture("datatype_committed.h5", superblock=0)
def datatype_committed(f, rng):
    """Committed (named) datatypes: group members that are neither group nor
    dataset (both readers must refuse to open them as either), and datasets and
    an attribute whose datatype message is shared, pointing at a committed type
    (float32, big-endian int16, fixed-length string)."""
    f["float32_type"] = np.dtype("<f4")
    f["int16_be_type"] = np.dtype(">i2")
    f["string_type"] = np.dtype("S12")
    f.create_dataset("typed_float32", data=normal(rng, (3, 2)), dtype=f["float32_type"])
    f.create_dataset("typed_int16", data=rng.integers(-999, 999, size=5).astype(">i2"), dtype=f["int16_be_type"])
    f["typed_float32"].attrs.create("typed_names", np.array([b"committed", b"type"], dtype="S12"), dtype=f["string_type"])


@fixture("filters_refused.h5", superblock=0, signatures=["TREE"])
def filters_refused(f, rng):
    """Filters Keras does not write, which LayerLens refuses (they would need
    filter code Keras files never call for): scale-offset (built into libhdf5)
    and LZF (h5py's own filter 32000, which libhdf5 does not know). Both readers
    must refuse to open those datasets; a deflated one beside them reads."""
    data = normal(rng, (10, 4))
    f.create_dataset("scaleoffset", data=data, chunks=(5, 4), scaleoffset=3)
    f.create_dataset("lzf", data=data, chunks=(5, 4), compression="lzf")
    f.create_dataset("deflate", data=data, chunks=(5, 4), compression="gzip")


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


def lookup3(data, initval=0):
    """Bob Jenkins's lookup3 `hashlittle`, the checksum of HDF5's newer metadata."""
    mask = 0xFFFFFFFF

    def rot(x, k):
        return ((x << k) | (x >> (32 - k))) & mask

    def word(offset):
        return int.from_bytes(data[offset:offset + 4].ljust(4, b"\0"), "little")

    length = len(data)
    a = b = c = (0xDEADBEEF + length + initval) & mask
    offset = 0
    while length > 12:
        a, b, c = (a + word(offset)) & mask, (b + word(offset + 4)) & mask, (c + word(offset + 8)) & mask
        a = (a - c) & mask; a ^= rot(c, 4); c = (c + b) & mask
        b = (b - a) & mask; b ^= rot(a, 6); a = (a + c) & mask
        c = (c - b) & mask; c ^= rot(b, 8); b = (b + a) & mask
        a = (a - c) & mask; a ^= rot(c, 16); c = (c + b) & mask
        b = (b - a) & mask; b ^= rot(a, 19); a = (a + c) & mask
        c = (c - b) & mask; c ^= rot(b, 4); b = (b + a) & mask
        length -= 12
        offset += 12
    if length == 0:
        return c
    data = data[:offset + length]
    a, b, c = (a + word(offset)) & mask, (b + word(offset + 4)) & mask, (c + word(offset + 8)) & mask
    c ^= b; c = (c - rot(b, 14)) & mask
    a ^= c; a = (a - rot(c, 11)) & mask
    b ^= a; b = (b - rot(a, 25)) & mask
    c ^= b; c = (c - rot(b, 16)) & mask
    a ^= c; a = (a - rot(c, 4)) & mask
    b ^= a; b = (b - rot(a, 14)) & mask
    c ^= b; c = (c - rot(b, 24)) & mask
    return c


FIXED_TIME = 1764720000  # 2025-12-03, for the times libhdf5 writes whatever the creation lists say


def fix_superblock_extension_times(path):
    """libhdf5 writes the superblock extension's object header with the time of
    writing, whatever the creation lists say; these are set to FIXED_TIME and the
    header's checksum recomputed, so that the file is the same on every run."""
    data = bytearray(open(path, "rb").read())
    assert data[:8] == b"\x89HDF\r\n\x1a\n" and data[8] in (2, 3), "a superblock v2/v3 at 0"
    extension = int.from_bytes(data[20:28], "little")
    assert data[extension:extension + 4] == b"OHDR" and data[extension + 4] == 2
    flags = data[extension + 5]
    if not flags & 0x20:
        return
    size_field = extension + 6 + 16 + (4 if flags & 0x10 else 0)
    width = 1 << (flags & 3)
    checksum_at = size_field + width + int.from_bytes(data[size_field:size_field + width], "little")
    stored = int.from_bytes(data[checksum_at:checksum_at + 4], "little")
    assert lookup3(bytes(data[extension:checksum_at])) == stored, "the extension header's checksum, recomputed"
    data[extension + 6:extension + 22] = FIXED_TIME.to_bytes(4, "little") * 4
    data[checksum_at:checksum_at + 4] = lookup3(bytes(data[extension:checksum_at])).to_bytes(4, "little")
    open(path, "wb").write(data)


def write(name, write_function, file_options):
    """Creates file `name` through the low-level API, so that the root group
    too is written without modification times, with the libver bounds (one
    name for the low bound, the high one latest, as h5py takes it, or a pair)
    and user block the fixture asks for, and
    lets `write_function` fill it. `sizes` sets the bytes of addresses and
    lengths, `page_size` paged file-space management."""
    path = os.path.join(OUT, name)
    options = dict(file_options)
    creation = h5p.create(h5p.FILE_CREATE)
    creation.set_obj_track_times(False)
    if "userblock_size" in options:
        creation.set_userblock(options["userblock_size"])
    if "sizes" in options:
        creation.set_sizes(*options["sizes"])
    if "page_size" in options:
        creation.set_file_space_strategy(h5py.h5f.FSPACE_STRATEGY_PAGE, False, 1)
        creation.set_file_space_page_size(options["page_size"])
    access = h5p.create(h5p.FILE_ACCESS)
    if "libver" in options:
        libver = options["libver"]
        low, high = (libver, "latest") if isinstance(libver, str) else libver
        access.set_libver_bounds(LIBVER[low], LIBVER[high])
    with h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=creation, fapl=access)) as f:
        write_function(f, rng_for(name))
    if "page_size" in options:
        fix_superblock_extension_times(path)
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
