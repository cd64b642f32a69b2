"""Writes the hostile zip fixtures of Fixtures/hostile/zip/ (see Fixtures/README.md).

Run from the repository root: .venv/bin/python Fixtures/hostile/make_zip_hostile.py
Each file is a few KB to ~150 KB; each must be refused in one line, quickly.
The archives are written by hand (zipfile cannot write a wrong CRC, a size that
lies or a ZIP64 offset past the file), from members of committed fixtures.
"""
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "zip"
FIXTURES = HERE.parent
BOMB_ZEROS = 150_000_000  # inflates to ~150 MB from ~150 KB: deflate packs zeros ~1000:1


def deflate(data_parts):
    """Raw deflate (no zlib header), as zip method 8 stores it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return b"".join(packer.compress(part) for part in data_parts) + packer.flush()


def write_zip(path, members):
    """members: (name, method, stored bytes, declared uncompressed size, CRC-32, ZIP64 local-header offset or None).

    A member with a ZIP64 offset gets 0xFFFFFFFF as its 32-bit offset and the
    real (here: false) one in a ZIP64 extra field of its central directory entry.
    """
    body, directory = b"", b""
    for name, method, data, size, crc, zip64_offset in members:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0)
        body += encoded + data
        extra = b"" if zip64_offset is None else struct.pack("<HHQ", 1, 8, zip64_offset)
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 20, 0, method, 0, 0x21, crc, len(data), size,
                                 len(encoded), len(extra), 0, 0, 0, 0, 0xFFFFFFFF if zip64_offset is not None else offset)
        directory += encoded + extra
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    path.write_bytes(body + directory + end)


def member(name, data, method=0, crc=None, size=None, zip64_offset=None):
    stored = data if method == 0 else deflate([data])
    return (name, method, stored, len(data) if size is None else size,
            zlib.crc32(data) if crc is None else crc, zip64_offset)


def npy_header(shape, descr="<f4"):
    """A version 1.0 .npy header for `shape`, padded to 64 bytes as NumPy pads it."""
    text = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, repr(tuple(shape)))
    text += " " * ((64 - (10 + len(text) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode()


def main():
    OUT.mkdir(exist_ok=True)
    with zipfile.ZipFile(FIXTURES / "old_keras/tiny_k3.keras") as keras:
        config, metadata, weights = (keras.read(n) for n in ("config.json", "metadata.json", "model.weights.h5"))

    # The weights member stored as Keras stores it, its recorded CRC-32 off by one.
    write_zip(OUT / "crc_mismatch.keras", [
        member("metadata.json", metadata), member("config.json", config),
        member("model.weights.h5", weights, crc=zlib.crc32(weights) ^ 1)])

    # config.json deflated, its recorded CRC-32 off by one.
    write_zip(OUT / "crc_mismatch_deflated.keras", [
        member("metadata.json", metadata), member("config.json", config, method=8, crc=zlib.crc32(config) ^ 1),
        member("model.weights.h5", weights)])

    # The weights member declares its real size but inflates to ~150 MB of zeros.
    bomb = deflate([weights] + [bytes(1 << 20)] * (BOMB_ZEROS >> 20))
    write_zip(OUT / "deflate_bomb.keras", [
        member("metadata.json", metadata), member("config.json", config),
        ("model.weights.h5", 8, bomb, len(weights), zlib.crc32(weights), None)])

    # x.npy declares 10 letters (31 kB) but inflates to ~150 MB; y.npy is honest.
    x_header = npy_header((10, 784))
    x_size = len(x_header) + 10 * 784 * 4
    x_bomb = deflate([x_header] + [bytes(1 << 20)] * (BOMB_ZEROS >> 20))
    y = npy_header((10,), "<i8") + np.arange(10, dtype="<i8").tobytes()
    write_zip(OUT / "deflate_bomb.npz", [
        ("x.npy", 8, x_bomb, x_size, zlib.crc32(x_header + bytes(x_size - len(x_header))), None),
        member("y.npy", y, method=8)])

    # The one member's local header said to lie 2^64 - 16 bytes in: past the file, past Int64.max.
    write_zip(OUT / "zip64_offset.keras", [member("config.json", config, zip64_offset=(1 << 64) - 16)])

    # Shape (2^40, 2^40, 0): no elements, but the first two extents overflow a 64-bit product.
    (OUT / "empty_overflowing_shape.npy").write_bytes(npy_header((1 << 40, 1 << 40, 0)))

    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
