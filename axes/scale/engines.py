"""Where the shards are tagged: a local process pool (stdlib), or an existing engine, Dask or Ray Data.

Every engine runs the same function, table.tag_table, on the rows of each shard, and hands each finished
shard back to the caller (which writes its manifest line); so the output does not depend on the engine.
Dask and Ray are optional extras (`pip install "axes[dask]"`, `"axes[ray]"`), imported only when chosen;
without an address they start a local cluster of `workers` processes.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from enum import Enum
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import AxesError
from .columns import resolve
from .shards import BATCH_ROWS, COMPRESSION, Progress, Shard, ShardResult, Tally, atomic, open_input, write_table
from .table import OUTPUT_SCHEMA, tag_table

Done = Callable[[ShardResult], None]


class Engine(str, Enum):
    pool = "pool"
    dask = "dask"
    ray = "ray"


def run(engine: Engine, todo: list[Shard], out: Path, columns: Mapping[str, str], rules: tuple[Path, ...], *,
        workers: int, address: str | None, rows: Progress, done: Done) -> None:
    if not todo:
        return
    if engine is Engine.pool:
        _pool(todo, out, columns, rules, workers, rows, done)
    elif engine is Engine.dask:
        _dask(todo, out, columns, rules, workers, address, rows, done)
    else:
        _ray(todo, out, columns, rules, workers, address, rows, done)


# --- the local pool ------------------------------------------------------------------------------------


class _Now:
    """A finished result, shaped like a Future: the one-worker pool tags in this process."""

    def __init__(self, value: pa.Table):
        self.value = value

    def result(self) -> pa.Table:
        return self.value


def _pool(todo: list[Shard], out: Path, columns: Mapping[str, str], rules: tuple[Path, ...], workers: int,
          rows: Progress, done: Done) -> None:
    """This process reads and writes; the workers only tag batches of BATCH_ROWS rows, sent and returned in
    order. So every worker is busy however few the shards, the output does not depend on how many there are,
    and no more than a window of batches is ever in memory."""
    columns = dict(columns)
    if workers == 1:
        _drive(todo, out, columns, lambda batch: _Now(tag_table(batch, columns, rules)), 1, rows, done)
        return
    # forkserver: the workers do not inherit this process's threads (the progress bar's) or its locks.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        _drive(todo, out, columns, lambda batch: pool.submit(tag_table, batch, columns, rules), workers, rows,
               done)


def _drive(todo: list[Shard], out: Path, columns: Mapping[str, str], submit: Callable[[pa.Table], Any],
           workers: int, rows: Progress, done: Done) -> None:
    window: deque[tuple[int, Any]] = deque()  # (shard index, pending tagged batch), in input order
    writers: dict[int, tuple[Any, Any, Tally, float]] = {}
    left = {i: shard.rows for i, shard in enumerate(todo)}

    def collect() -> None:
        index, pending = window.popleft()
        tagged = pending.result()
        writer, _, tally, _ = writers[index]
        writer.write_table(tagged)
        tally.add(tagged)
        rows(tagged.num_rows)
        left[index] -= tagged.num_rows
        if left[index] == 0:
            finish(index)

    def finish(index: int) -> None:
        writer, target, tally, start = writers.pop(index)
        writer.close()
        target.__exit__(None)
        done(tally.result(todo[index], time.monotonic() - start))

    try:
        for index, shard in enumerate(todo):
            target = atomic(out / shard.output)
            writer = pq.ParquetWriter(target.__enter__(), OUTPUT_SCHEMA, compression=COMPRESSION)
            writers[index] = (writer, target, Tally(), time.monotonic())
            if shard.rows == 0:
                finish(index)
                continue
            handle = open_input(shard.source)
            wanted = list(resolve(handle.schema_arrow.names, columns).values())
            for batch in handle.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
                while len(window) >= 2 * workers:
                    collect()
                window.append((index, submit(pa.Table.from_batches([batch]))))
        while window:
            collect()
    finally:
        for writer, target, _, _ in writers.values():  # interrupted: temp files go, finished shards stay
            writer.close()
            target.partial.unlink(missing_ok=True)


# --- Dask ----------------------------------------------------------------------------------------------


def _read_frame(source: str, wanted: list[str]) -> Any:
    """One shard's input rows as a pandas frame of Arrow-backed columns (so nothing is converted twice)."""
    import pandas as pd

    return open_input(source).read(columns=wanted).to_pandas(types_mapper=pd.ArrowDtype)


def _tag_frame(frame: Any, columns: Mapping[str, str], rules: tuple[Path, ...]) -> Any:
    import pandas as pd

    table = pa.Table.from_pandas(frame, preserve_index=False)
    return tag_table(table, columns, rules).to_pandas(types_mapper=pd.ArrowDtype)


def _dask(todo: list[Shard], out: Path, columns: Mapping[str, str], rules: tuple[Path, ...], workers: int,
          address: str | None, rows: Progress, done: Done) -> None:
    """A partition per shard (dask.dataframe.from_map), tagged by map_partitions, gathered shard by shard."""
    try:
        import dask.dataframe as dd
        import pandas as pd
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise AxesError('--engine dask needs Dask: pip install "axes[dask]"') from None
    first = open_input(todo[0].source)
    wanted = list(resolve(first.schema_arrow.names, columns).values())
    meta_in = first.schema_arrow.empty_table().select(wanted).to_pandas(types_mapper=pd.ArrowDtype)
    meta_out = OUTPUT_SCHEMA.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    cluster = None if address else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                dashboard_address=None)
    try:
        with Client(address or cluster) as client:
            frames = dd.from_map(_read_frame, [s.source for s in todo], wanted=wanted, meta=meta_in,
                                 enforce_metadata=False)
            tagged = frames.map_partitions(_tag_frame, dict(columns), rules, meta=meta_out,
                                           enforce_metadata=False)
            futures = client.compute(tagged.to_delayed())
            index = {future.key: i for i, future in enumerate(futures)}
            for future in as_completed(futures):
                shard = todo[index[future.key]]
                start = time.monotonic()
                table = pa.Table.from_pandas(future.result(), schema=OUTPUT_SCHEMA, preserve_index=False)
                future.release()
                done(_written(shard, table, out, start))
                rows(table.num_rows)
    finally:
        if cluster is not None:
            cluster.close()


def _written(shard: Shard, table: pa.Table, out: Path, start: float) -> ShardResult:
    write_table(table, out / shard.output)
    tally = Tally()
    tally.add(table)
    return tally.result(shard, time.monotonic() - start)


# --- Ray Data ------------------------------------------------------------------------------------------


class _RayTagger:
    """A Ray Data actor: the rules load once, when the actor starts; each batch keeps its source path."""

    def __init__(self, columns: Mapping[str, str], rules: tuple[Path, ...]):
        from ..rules import rulebook

        rulebook(tuple(rules))
        self.columns = dict(columns)
        self.rules = rules

    def __call__(self, batch: pa.Table) -> pa.Table:
        tagged = tag_table(batch.drop_columns(["path"]), self.columns, self.rules)
        return tagged.append_column("path", batch.column("path"))


def _ray(todo: list[Shard], out: Path, columns: Mapping[str, str], rules: tuple[Path, ...], workers: int,
         address: str | None, rows: Progress, done: Done) -> None:
    """One dataset over every shard (read_parquet with include_paths), tagged by map_batches on a pool of
    actors with half a CPU each (whole-CPU actors on a small machine leave none for the reads, and wait
    forever); blocks come back in input order, so each shard is written as soon as its rows are in."""
    try:
        import ray
    except ImportError:
        raise AxesError('--engine ray needs Ray: pip install "axes[ray]"') from None
    if any(s.source.startswith("hf://") for s in todo):
        raise AxesError("--engine ray reads local shards only: download hf:// inputs first, or use pool/dask")
    wanted = list(resolve(open_input(todo[0].source).schema_arrow.names, columns).values())
    started = not ray.is_initialized()
    if started:
        # A local cluster of our own, for this run only: no token to share, nothing listening beyond it.
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        ray.init(address=address, num_cpus=None if address else workers, include_dashboard=False,
                 log_to_driver=False, configure_logging=False)
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        import pyarrow.fs

        data = ray.data.read_parquet([s.source for s in todo], include_paths=True,
                                     filesystem=pyarrow.fs.LocalFileSystem()).select_columns([*wanted, "path"])
        tagged = data.map_batches(_RayTagger, fn_constructor_args=(dict(columns), rules), batch_format="pyarrow",
                                  batch_size=1000, concurrency=workers, num_cpus=0.5)
        by_path = {str(Path(s.source).resolve()): s for s in todo}
        parts: dict[str, list[pa.Table]] = {}
        counts: dict[str, int] = {}
        start = time.monotonic()
        batch: Any
        for batch in tagged.iter_batches(batch_format="pyarrow", batch_size=None):
            for path in batch.column("path").unique().to_pylist():
                piece = batch.filter(pa.compute.equal(batch.column("path"), path)).drop_columns(["path"])
                key = str(Path(path).resolve())
                parts.setdefault(key, []).append(piece)
                counts[key] = counts.get(key, 0) + piece.num_rows
                rows(piece.num_rows)
                shard = by_path[key]
                if counts[key] == shard.rows:
                    table = pa.concat_tables(parts.pop(key)).cast(OUTPUT_SCHEMA)
                    done(_written(shard, table, out, start))
                    start = time.monotonic()
    finally:
        if started:
            ray.shutdown()
