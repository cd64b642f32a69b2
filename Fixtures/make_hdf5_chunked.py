#!/usr/bin/env python3
"""Writes Fixtures/hdf5_chunked/: small HDF5 files of chunked datasets, one
per way libhdf5 (through h5py) stores chunks, and beside each dataset the
values libhdf5 reads from it as float32, in a .npy file named
`<file>.<dataset>.npy` (the reference ChunkedStorageTests compares with).

- earliest.h5, earliest_many_chunks.h5: libver earliest (layout message version 3, version-1 B-tree
  index), filters deflate, shuffle and Fletcher32, partial edge chunks, a tree
  of several levels, chunks never written (fill value 0 and not), a dataset
  never written at all.
- latest_*.h5: libver latest (layout message version 4), every chunk index:
  single chunk with and without a filter, implicit (early allocation), fixed
  array (one block, and paged with a page never written), extensible array
  (unlimited first dimension and unlimited second), version-2 B-tree (two
  unlimited dimensions), and the flag that leaves partial edge chunks unfiltered.

Run from the repository root: .venv/bin/python Fixtures/make_hdf5_chunked.py
The files are the same bytes every run (fixed seed, no modification times).
"""
import ctypes
import os

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hdf5_chunked")
rng = np.random.default_rng(20261203)


def values(shape, dtype):
    """Random values of `dtype`: floats spread over several magnitudes, integers over their range."""
    if np.dtype(dtype).kind == "f":
        return (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4, shape)).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -30000), min(info.max, 30000), shape, endpoint=True).astype(dtype)


def libhdf5():
    """The libhdf5 h5py itself loaded (its ids mean nothing to another copy), for what h5py does not wrap."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "libhdf5-" in path or "libhdf5.so" in path or "libhdf5_serial.so" in path:
                return ctypes.CDLL(path)
    raise RuntimeError("h5py's libhdf5 is not loaded")


def dcpl(chunks, *, early=False, dont_filter_partial=False, deflate=False):
    """A dataset creation property list for the low-level cases h5py's create_dataset cannot express."""
    plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    plist.set_chunk(chunks)
    plist.set_obj_track_times(False)
    if early:
        plist.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    if deflate:
        plist.set_deflate(6)
    if dont_filter_partial:
        H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS = 0x0002
        assert libhdf5().H5Pset_chunk_opts(ctypes.c_int64(plist.id), ctypes.c_uint(H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS)) >= 0
    return plist


def create(name, libver):
    """Opens a new file `name` with libver bounds (`libver`, latest), its root group too without modification times."""
    path = os.path.join(OUT, name)
    creation = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    creation.set_obj_track_times(False)
    access = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    low = {"earliest": h5py.h5f.LIBVER_EARLIEST, "latest": h5py.h5f.LIBVER_LATEST}[libver]
    access.set_libver_bounds(low, h5py.h5f.LIBVER_LATEST)
    return path, h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=creation, fapl=access))


def finish(path):
    """Writes every dataset's values, as libhdf5 converts them to float32, beside the file."""
    stem = os.path.splitext(os.path.basename(path))[0]
    with h5py.File(path, "r") as f:
        def save(name, obj):
            if isinstance(obj, h5py.Dataset):
                expected = obj.astype(np.float32)[()]
                np.save(os.path.join(OUT, f"{stem}.{name}.npy"), np.ascontiguousarray(expected))
        f.visititems(save)
    size = os.path.getsize(path)
    assert size < 50_000, f"{path} is {size} bytes"


def make_earliest():
    path, f = create("earliest.h5", "earliest")
    with f:
        common = dict(track_times=False)
        f.create_dataset("f32_deflate", data=values((40, 30), np.float32), chunks=(7, 8), compression="gzip", **common)
        f.create_dataset("f64_shuffle_deflate", data=values((33, 17), np.float64), chunks=(8, 5), shuffle=True, compression="gzip", **common)
        f.create_dataset("i32_fletcher32", data=values((50,), np.int32), chunks=(7,), fletcher32=True, **common)
        f.create_dataset("i16_all_filters", data=values((9, 10, 11), np.int16), chunks=(4, 3, 5), shuffle=True,
                         compression="gzip", fletcher32=True, **common)
        f.create_dataset("u8_plain", data=values((13, 9), np.uint8), chunks=(5, 4), **common)
        sparse = f.create_dataset("f32_sparse_fill0", shape=(20, 20), dtype=np.float32, chunks=(5, 5), **common)
        sparse[0:5, 5:10] = values((5, 5), np.float32)
        sparse[12:18, 17:20] = values((6, 3), np.float32)
        filled = f.create_dataset("f32_sparse_fill", shape=(20, 20), dtype=np.float32, chunks=(5, 5), fillvalue=-7.5,
                                  compression="gzip", **common)
        filled[6:9, 0:20] = values((3, 20), np.float32)
        f.create_dataset("f32_never_written", shape=(6, 4), dtype=np.float32, chunks=(3, 2), fillvalue=3.25, **common)
    finish(path)
    path, f = create("earliest_many_chunks.h5", "earliest")
    with f:
        # 300 chunks: more than one node of 64 holds, so the tree has two levels.
        f.create_dataset("i16_many_chunks", data=values((60, 25), np.int16), chunks=(2, 5), track_times=False)
    finish(path)


def make_latest():
    path, f = create("latest_single_implicit.h5", "latest")
    with f:
        common = dict(track_times=False)
        f.create_dataset("single", data=values((6, 7), np.float32), chunks=(6, 7), **common)
        f.create_dataset("single_deflate", data=values((6, 7), np.float64), chunks=(6, 7), compression="gzip", **common)
        data = values((10, 9), np.float32)
        implicit = h5py.h5d.create(f.id, b"implicit", h5py.h5t.IEEE_F32LE, h5py.h5s.create_simple((10, 9)), dcpl=dcpl((4, 4), early=True))
        implicit.write(h5py.h5s.ALL, h5py.h5s.ALL, data)
    finish(path)
    path, f = create("latest_fixed_array.h5", "latest")
    with f:
        common = dict(track_times=False)
        f.create_dataset("fixed_array", data=values((30, 20), np.float32), maxshape=(40, 20), chunks=(4, 6), **common)
        f.create_dataset("fixed_array_filtered", data=values((30, 20), np.int32), maxshape=(40, 25), chunks=(4, 6),
                         shuffle=True, compression="gzip", fletcher32=True, **common)
    finish(path)
    path, f = create("latest_fixed_array_paged.h5", "latest")
    with f:
        common = dict(track_times=False)
        # 2,100 one-element chunks: three pages of 1,024 entries, the middle one never written.
        paged = f.create_dataset("fixed_array_paged", shape=(2100,), dtype=np.uint8, chunks=(1,), fillvalue=9, **common)
        paged[0:500] = values((500,), np.uint8)
        paged[2050:2100] = values((50,), np.uint8)
        sparse = f.create_dataset("fixed_array_sparse", shape=(20, 20), dtype=np.float32, chunks=(5, 5), fillvalue=-1.5, **common)
        sparse[5:10, 10:20] = values((5, 10), np.float32)
    finish(path)
    path, f = create("latest_extensible_array.h5", "latest")
    with f:
        common = dict(track_times=False)
        # 150 × 3 chunks reach the array's super blocks past the index block's data blocks.
        f.create_dataset("extensible", data=values((300, 12), np.float32), maxshape=(None, 12), chunks=(2, 5), **common)
        f.create_dataset("extensible_filtered", data=values((12, 200), np.float32), maxshape=(12, None), chunks=(5, 2),
                         shuffle=True, compression="gzip", **common)
        sparse = f.create_dataset("extensible_sparse", shape=(60, 6), dtype=np.float64, maxshape=(None, 6), chunks=(2, 4),
                                  fillvalue=2.5, **common)
        sparse[40:44, :] = values((4, 6), np.float64)
        sparse[3:4, 5:6] = 1.0
    finish(path)
    path, f = create("latest_btree2.h5", "latest")
    with f:
        common = dict(track_times=False)
        f.create_dataset("btree2", data=values((25, 14), np.float32), maxshape=(None, None), chunks=(4, 3), **common)
        f.create_dataset("btree2_filtered", data=values((25, 14), np.int16), maxshape=(None, None), chunks=(4, 3),
                         compression="gzip", fletcher32=True, **common)
    finish(path)
    path, f = create("latest_unfiltered_edges.h5", "latest")
    with f:
        common = dict(track_times=False)
        edge = h5py.h5d.create(f.id, b"unfiltered_edges", h5py.h5t.IEEE_F32LE, h5py.h5s.create_simple((10, 9), (20, 9)),
                               dcpl=dcpl((4, 4), dont_filter_partial=True, deflate=True))
        edge.write(h5py.h5s.ALL, h5py.h5s.ALL, values((10, 9), np.float32))
    finish(path)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    make_earliest()
    make_latest()


if __name__ == "__main__":
    main()
