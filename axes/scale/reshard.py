"""One big input (the Hub's models.parquet: 3M rows in a few row groups) -> files of about 10k rows, each id
in the file its stable hash names, so a pool or a cluster can share the work and a rerun shards the same way.

Rows are streamed a batch at a time; each output file keeps a small buffer that is flushed as a row group,
so memory stays bounded however large the input. The split is written under temp names and renamed when
complete, with a record of the input's checksum: resharding the same input again writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import AxesError
from .columns import resolve
from .shards import COMPRESSION, atomic, checksum, open_input

RECORD = "reshard.json"
FLUSH_ROWS = 1000  # rows buffered per output file before they are written as a row group
FLUSH_BYTES = 256 * 1024 * 1024  # all buffers together: past this the largest is written out


def bucket(repo: str, count: int) -> int:
    """The output file of a repo id: blake2b of the id (stable across runs and machines, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(repo.encode(), digest_size=8).digest(), "big") % count


def reshard(source: str, folder: Path, *, rows: int = 10_000, count: int | None = None,
            id_column: str | None = None) -> list[Path]:
    """Split `source` into `count` files in `folder` (default: enough for `rows` rows each); returns their
    paths. Two inputs split into the same count put each id in files of the same number (a join's halves)."""
    handle = open_input(source)
    count = count or max(1, math.ceil(handle.metadata.num_rows / rows))
    names = [folder / f"part-{i:05d}-of-{count:05d}.parquet" for i in range(count)]
    digest = checksum(source)
    done = folder / RECORD
    if done.is_file() and all(p.is_file() for p in names):
        try:
            if json.loads(done.read_text(encoding="utf-8")).get("input_checksum") == digest:
                return names
        except (OSError, json.JSONDecodeError):
            pass
    folder.mkdir(parents=True, exist_ok=True)
    key = resolve(handle.schema_arrow.names, {"id": id_column} if id_column else {})["id"]
    schema = handle.schema_arrow
    temps = [atomic(p) for p in names]
    writers = [pq.ParquetWriter(t.__enter__(), schema, compression=COMPRESSION) for t in temps]
    buffers: list[list[pa.Table]] = [[] for _ in names]
    sizes = [0] * count
    try:
        for batch in handle.iter_batches(batch_size=10_000):
            table = pa.Table.from_batches([batch], schema=schema)
            groups: list[list[int]] = [[] for _ in names]
            for index, repo in enumerate(table.column(key).to_pylist()):
                groups[bucket(str(repo or ""), count)].append(index)
            for target, indices in enumerate(groups):
                if indices:
                    piece = table.take(pa.array(indices, pa.int64()))
                    buffers[target].append(piece)
                    sizes[target] += piece.nbytes
                    if sum(t.num_rows for t in buffers[target]) >= FLUSH_ROWS:
                        _flush(writers[target], buffers[target], sizes, target)
            while sum(sizes) > FLUSH_BYTES:
                largest = max(range(count), key=sizes.__getitem__)
                _flush(writers[largest], buffers[largest], sizes, largest)
        for target in range(count):
            _flush(writers[target], buffers[target], sizes, target)
    except BaseException:
        for writer, temp in zip(writers, temps, strict=True):
            writer.close()
            temp.partial.unlink(missing_ok=True)
        raise
    for writer, temp in zip(writers, temps, strict=True):
        writer.close()
        temp.__exit__(None)
    try:
        done.write_text(json.dumps({"input": source, "input_checksum": digest, "files": count}) + "\n",
                        encoding="utf-8")
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(done)) from None
    return names


def _flush(writer: pq.ParquetWriter, buffer: list[pa.Table], sizes: list[int], target: int) -> None:
    if buffer:
        writer.write_table(pa.concat_tables(buffer))
        buffer.clear()
    sizes[target] = 0
