"""The headers of weight files, read without their tensors: safetensors (a length and a JSON header) and GGUF
(typed metadata and a table of tensor shapes).

Every read is capped: a header longer than its cap, an array longer than its cap or a file cut short is a note,
not an exception and not a memory spike. Nothing else of the file is read; nothing is executed.

GGUF is read by this small reader rather than llama.cpp's `gguf` package: that package imports numpy and
costs ~650 ms to import (measured here), three times the whole start-up budget of `axes inspect`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ..types import GGUFHeader

SAFETENSORS_HEADER_CAP = 32 * 1024 * 1024  # the format allows 100 MB; real headers are well under 1 MB
GGUF_STRING_CAP = 1024 * 1024  # a chat template is a few KB; a longer string is skipped
GGUF_KEEP_ARRAY = 64  # arrays up to this many items are kept; longer ones (the vocabulary) are counted
GGUF_READ_CAP = 256 * 1024 * 1024  # bytes of metadata read before giving up on reaching the tensor table
GGUF_ITEMS_CAP = 10_000_000  # metadata entries, array items and tensors, all told
GGUF_DIMS_CAP = 8


class Handle(Protocol):
    """What the GGUF reader needs of a file: sequential reads and relative forward seeks."""

    def read(self, n: int, /) -> bytes: ...

    def seek(self, offset: int, whence: int = ..., /) -> int: ...


class HeaderError(Exception):
    """A weight file whose header cannot be read: the message says why (one line)."""


def safetensors_header(path: Path, cap: int = SAFETENSORS_HEADER_CAP) -> str:
    """The JSON header of a .safetensors file: an 8-byte little-endian length, then that many bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if len(head) < 8:
                raise HeaderError("shorter than a safetensors header")
            (length,) = struct.unpack("<Q", head)
            if length > cap:
                raise HeaderError(f"header of {length:,} bytes, over the {cap // 2**20} MB cap")
            data = handle.read(length)
    except OSError as err:
        raise HeaderError(f"cannot read: {err.strerror or err}") from None
    if len(data) < length:
        raise HeaderError("file ends inside its header")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise HeaderError("header is not UTF-8 JSON") from None


class _Reader:
    """Bounded little-endian reads from a binary handle, through a buffer: a vocabulary of 150,000 strings is
    walked in memory, not with 300,000 small reads."""

    def __init__(self, handle: Handle, cap: int, chunk: int = 1 << 20):
        self.handle = handle
        self.chunk = chunk
        self.left = cap  # bytes the header may still take
        self.items = 0
        self.buffer = b""
        self.offset = 0

    def _fill(self, n: int) -> None:
        """At least n bytes buffered from the offset on (fewer only where the file ends)."""
        if len(self.buffer) - self.offset >= n:
            return
        rest = self.buffer[self.offset:]
        self.buffer = rest + self.handle.read(max(self.chunk, n - len(rest)))
        self.offset = 0

    def take(self, n: int) -> bytes:
        if n > self.left:
            raise HeaderError("metadata longer than the read cap")
        self._fill(n)
        data = self.buffer[self.offset: self.offset + n]
        if len(data) < n:
            raise HeaderError("file ends inside its header")
        self.offset += n
        self.left -= n
        return data

    def skip(self, n: int) -> None:
        if n > self.left:
            raise HeaderError("metadata longer than the read cap")
        self.left -= n
        held = len(self.buffer) - self.offset
        if n <= held:
            self.offset += n
            return
        self.handle.seek(n - held, 1)
        self.buffer, self.offset = b"", 0

    def skip_strings(self, count: int) -> None:
        """Skip `count` length-prefixed strings: a tight walk over the buffer, refilled as it runs out."""
        u64 = U64.unpack_from
        buffer, offset, used = self.buffer, self.offset, 0
        for _ in range(count):
            if offset + 8 > len(buffer):
                self.buffer, self.offset = buffer, offset
                self._fill(8)
                buffer, offset = self.buffer, self.offset
                if offset + 8 > len(buffer):
                    raise HeaderError("file ends inside its header")
            end = offset + 8 + u64(buffer, offset)[0]
            used += end - offset
            if used > self.left:
                raise HeaderError("metadata longer than the read cap")
            if end > len(buffer):  # a string running past the buffer: continue from the file
                self.buffer, self.offset, self.left = buffer, len(buffer), self.left - used
                self.handle.seek(end - len(buffer), 1)
                self.buffer, self.offset = b"", 0
                buffer, offset, used = b"", 0, 0
                continue
            offset = end
        self.buffer, self.offset, self.left = buffer, offset, self.left - used

    def unpack(self, fmt: str) -> Any:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))[0]

    def count(self, n: int = 1) -> None:
        self.items += n
        if self.items > GGUF_ITEMS_CAP:
            raise HeaderError("more metadata items than the cap")

    def string(self) -> str | None:
        length = self.unpack("Q")
        if length > GGUF_STRING_CAP:
            self.skip(length)
            return None
        return self.take(length).decode("utf-8", errors="replace")


U64 = struct.Struct("<Q")
# GGUF value types: id -> struct format of a fixed-size scalar.
SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
STRING, ARRAY = 8, 9


def _value(r: _Reader, kind: int, key: str, lengths: dict[str, int]) -> Any:
    if kind in SCALARS:
        return r.unpack(SCALARS[kind])
    if kind == STRING:
        return r.string()
    if kind != ARRAY:
        raise HeaderError(f"unknown value type {kind} at {key!r}")
    item, length = r.unpack("I"), r.unpack("Q")
    r.count(length)
    if length > GGUF_KEEP_ARRAY:
        lengths[key] = length
        if item in SCALARS:
            r.skip(length * struct.calcsize(SCALARS[item]))
        elif item == STRING:
            r.skip_strings(length)
        else:
            raise HeaderError(f"array of arrays at {key!r}")
        return None
    return [_value(r, item, key, lengths) for _ in range(length)]


def gguf_header(path: Path, cap: int = GGUF_READ_CAP) -> GGUFHeader:
    """Read a GGUF file's metadata and tensor table (version 2 or 3); never its tensor data."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            return gguf_from(handle, path.name, size, cap)
    except OSError as err:
        raise HeaderError(f"cannot read: {err.strerror or err}") from None


def gguf_from(handle: Handle, name: str, size: int, cap: int = GGUF_READ_CAP, chunk: int = 1 << 20) -> GGUFHeader:
    """Read a GGUF header from any handle with read(n) and seek(n, 1): a file, or ranges fetched over HTTP
    (`chunk`: bytes asked for at a time)."""
    r = _Reader(handle, cap, chunk)
    if r.take(4) != b"GGUF":
        raise HeaderError("not a GGUF file (no GGUF magic)")
    version = r.unpack("I")
    if version not in (2, 3):
        raise HeaderError(f"GGUF version {version}: only versions 2 and 3 are read")
    n_tensors, n_kv = r.unpack("Q"), r.unpack("Q")
    r.count(n_tensors + n_kv)
    metadata: dict[str, Any] = {}
    lengths: dict[str, int] = {}
    try:
        for _ in range(n_kv):
            key = r.string() or ""
            metadata[key] = _value(r, r.unpack("I"), key, lengths)
    except HeaderError as err:
        return GGUFHeader(file=name, size=size, version=version, metadata=metadata, array_lengths=lengths,
                          complete=False, note=f"metadata read in part: {err}")
    tensors: list[tuple[str, tuple[int, ...], int]] = []
    try:
        for _ in range(n_tensors):
            tensor = r.string() or ""
            dims = r.unpack("I")
            if dims > GGUF_DIMS_CAP:
                raise HeaderError(f"tensor {tensor!r} has {dims} dimensions")
            shape = tuple(r.unpack("Q") for _ in range(dims))
            kind = r.unpack("I")
            r.unpack("Q")  # the data offset: not needed, never followed
            tensors.append((tensor, shape, kind))
    except HeaderError as err:
        return GGUFHeader(file=name, size=size, version=version, metadata=metadata, array_lengths=lengths,
                          tensors=tuple(tensors), complete=False, note=f"tensor table read in part: {err}")
    return GGUFHeader(file=name, size=size, version=version, metadata=metadata, array_lengths=lengths,
                      tensors=tuple(tensors))


def read_all(paths: list[Path], reader: Callable[[Path], Any]) -> tuple[list[tuple[str, Any]], list[str]]:
    """Each file's header, and a note per file that could not be read."""
    found, notes = [], []
    for path in paths:
        try:
            found.append((path.name, reader(path)))
        except HeaderError as err:
            notes.append(f"{path.name}: {err}")
    return found, notes
