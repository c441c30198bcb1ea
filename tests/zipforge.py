"""Hostile zip archives for the loading tests: entries with forged sizes, and deflate bombs built without inflating them."""

from __future__ import annotations

import io
import pathlib
import struct
import zlib

import numpy as np


def zip_of_raw_entries(path, entries):
    """A zip archive written byte by byte: ``(name, payload, method, file_size, crc[, compress_size])`` per entry.

    ``payload`` goes into the file as it is (already compressed for method 8),
    so the sizes and CRC can say whatever a forger wants.  Returns ``path``,
    or the archive's bytes when ``path`` is None.
    """
    local_header, central_header = struct.Struct("<4s5H3L2H"), struct.Struct("<4s6H3L5H2L")
    out, directory = bytearray(), bytearray()
    for name, payload, method, file_size, crc, *compress_size in entries:
        encoded = name.encode()
        offset = len(out)
        size = compress_size[0] if compress_size else len(payload)
        out += local_header.pack(b"PK\x03\x04", 20, 0, method, 0, 33, crc, size, file_size, len(encoded), 0)
        out += encoded + payload
        directory += central_header.pack(b"PK\x01\x02", 20, 20, 0, method, 0, 33, crc, size, file_size,
                                         len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(out), 0)
    if path is None:
        return bytes(out + directory + end)
    pathlib.Path(path).write_bytes(bytes(out + directory + end))
    return path


def deflate_bomb(prefix, filler, size, checksum=True):
    """``(raw deflate stream, crc32)`` of ``prefix`` followed by ``size`` bytes of ``filler`` (crc 0 without ``checksum``).

    Built in milliseconds, without ever holding the inflated bytes: once the
    compressor's window is all filler, each further chunk of filler flushed
    with Z_SYNC_FLUSH comes out as the same block, which is repeated.
    """
    chunk = filler * 2**20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix + chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH) == block  # the steady state
    repeats, rest = divmod(size - 3 * len(chunk), len(chunk))
    tail = compressor.compress(filler * rest) + compressor.flush()
    if not checksum:
        return head + block * (repeats + 2) + tail, 0
    crc = zlib.crc32(prefix)
    for _ in range(repeats + 3):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(filler * rest, crc)
    return head + block * (repeats + 2) + tail, crc


def npy_preamble(shape, dtype="<f8"):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue()
