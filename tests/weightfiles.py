"""Small weight files for tests, written byte by byte (json + struct): no torch, no gguf package.

A safetensors file is its 8-byte header length, the JSON header, then zero bytes standing for the tensors.
A GGUF file is the magic, version 3, counts, typed metadata and the tensor table; its tensor data is left out
(the readers never go there).
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

DTYPE_BYTES = {"F32": 4, "F16": 2, "BF16": 2, "F8_E4M3": 1, "I32": 4, "U8": 1, "I64": 8}


def write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int]]], data: bool = True) -> Path:
    """tensors: name -> (dtype, shape). `data=False` leaves the data out (the header still says where it is)."""
    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        size = math.prod(shape) * DTYPE_BYTES[dtype]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + (bytes(min(offset, 1 << 16)) if data else b""))
    return path


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _value(value: Any) -> tuple[int, bytes]:
    if isinstance(value, bool):
        return 7, struct.pack("<?", value)
    if isinstance(value, int):
        return (4, struct.pack("<I", value)) if 0 <= value < 2**32 else (11, struct.pack("<q", value))
    if isinstance(value, float):
        return 6, struct.pack("<f", value)
    if isinstance(value, str):
        return 8, _string(value)
    if isinstance(value, list):
        kinds = {_value(v)[0] for v in value} or {8}
        kind = kinds.pop()
        body = b"".join(_value(v)[1] for v in value)
        return 9, struct.pack("<IQ", kind, len(value)) + body
    raise TypeError(value)


def write_gguf(path: Path, metadata: dict[str, Any], tensors: dict[str, list[int]], version: int = 3) -> Path:
    """metadata: key -> value (int, float, bool, str or a list of one of them); tensors: name -> shape."""
    out = [b"GGUF", struct.pack("<IQQ", version, len(tensors), len(metadata))]
    for key, value in metadata.items():
        kind, body = _value(value)
        out += [_string(key), struct.pack("<I", kind), body]
    offset = 0
    for name, shape in tensors.items():
        out += [_string(name), struct.pack("<I", len(shape)), struct.pack(f"<{len(shape)}Q", *shape),
                struct.pack("<IQ", 12, offset)]  # type 12: Q4_K
        offset += math.prod(shape)
    path.write_bytes(b"".join(out))
    return path
