"""The engine-neutral function: an Arrow table of repos in, an Arrow table of verdicts out, one row each.

`tag_table` is what every engine runs (the local process pool, Dask's map_partitions, Ray Data's map_batches):
a pure function of its input rows and the rules, so any engine, any split of the rows and any number of
workers give the same output. The compiled rules are loaded once per worker process (rules.rulebook
caches them in the process, and on disk across processes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import AxesError
from ..rules import rulebook
from ..types import AXES
from .columns import resolve
from .rows import HUB_COLUMNS, output_record, tag_row

_TAGS = pa.list_(pa.string())
OUTPUT_SCHEMA = pa.schema([
    ("id", pa.string()), ("sha", pa.string()), ("ok", pa.bool_()), ("error", pa.string()),
    ("checkpoint", pa.string()), ("structure", pa.string()), ("moe", pa.bool_()), ("reasoning", pa.bool_()),
    ("total_params", pa.int64()), ("active_params", pa.int64()), ("params_source", pa.string()),
    ("attention", pa.string()),
    *((f"{axis}_tags", _TAGS) for axis in AXES),
    *((f"{axis}_murk", pa.float64()) for axis in AXES),
    ("murkiest", pa.string()), ("notes", _TAGS), ("contract", pa.string()),
])


def tag_table(table: pa.Table, columns: Mapping[str, str] | None = None, rules: tuple[Path, ...] = ()
              ) -> pa.Table:
    """One output row per input row, in input order (schema OUTPUT_SCHEMA).

    `columns` maps canonical input names to this table's columns (columns.parse_mapping); without it the
    canonical names and the bulk sources' own spellings (modelId, cardData, ...) are found by themselves.
    `rules` adds rule directories after the bundled ones. A row that cannot be read is ok=false with its
    error; nothing a row holds makes this raise. A table without an id column is bad input (AxesError).
    """
    found = resolve(table.column_names, columns or {})
    book = rulebook(tuple(rules))
    hub_columns = any(name in found for name in HUB_COLUMNS)
    values = {name: table.column(source).to_pylist() for name, source in found.items()}
    names = list(values)
    out: dict[str, list[Any]] = {field.name: [] for field in OUTPUT_SCHEMA}
    for index in range(table.num_rows):
        row = {name: values[name][index] for name in names}
        flat = output_record(tag_row(row, book, hub_columns=hub_columns))
        for key, column in out.items():
            column.append(flat.get(key))
    return pa.Table.from_pydict(out, schema=OUTPUT_SCHEMA)


def read_contracts(paths: Iterable[str | Path]) -> Iterator[dict[str, Any]]:
    """The contract dict of every row of hub-batch output files, in file and row order; a failed row is
    {"target": id, "error": ...} as in a batch's JSONL. Reads one row group at a time, only two columns."""
    for path in paths:
        try:
            handle = pq.ParquetFile(path)
        except (OSError, pa.ArrowInvalid) as err:
            raise AxesError(f"not a hub-batch output: {err}", where=str(path)) from None
        missing = {"id", "error", "contract"} - set(handle.schema_arrow.names)
        if missing:
            raise AxesError(f"not a hub-batch output: no {', '.join(sorted(missing))} column", where=str(path))
        for batch in handle.iter_batches(columns=["id", "error", "contract"]):
            for repo, error, text in zip(*(batch.column(i).to_pylist() for i in range(3)), strict=True):
                yield json.loads(text) if text is not None else {"target": repo, "error": error}
