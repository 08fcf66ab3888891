"""Parquet shards in, one tagged zstd Parquet out per shard, and the manifest that makes a run resumable.

A run is its inputs, axes' version, the rules' fingerprint and the column mapping. Each finished shard is one
manifest line (rows, failures, version, fingerprint, the input's checksum, failures by reason, lens counts),
appended only after its output was renamed into place; so a shard is done when its line matches the run and
its output file exists. A killed run leaves at worst a temp file (removed on the next start) and shards
without a line, which the next run tags again, whole: no row is lost or written twice. A rerun of a finished
run writes nothing; a changed rules fingerprint (an edited rule file, another axes) is a new run.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from msgspec import Struct, field
from msgspec.structs import asdict

from .. import __version__
from ..errors import AxesError

MANIFEST = "manifest.jsonl"
BATCH_ROWS = 1000  # rows tagged and written at a time: bounds memory whatever the shard's size
COMPRESSION = "zstd"
Progress = Callable[[int], None]  # told how many more rows are done


class RunKey(Struct, frozen=True):
    """What makes two runs the same: a shard finished under another key is tagged again."""

    axes_version: str
    rules: str  # the fingerprint of the rule files and of the code that loads them
    columns: dict[str, str] = field(default_factory=dict)  # the --columns mapping


class Shard(Struct, frozen=True):
    source: str  # a local path or an hf:// URL
    output: str  # the output file's name in the out folder
    rows: int
    checksum: str


class ShardResult(Struct, frozen=True):
    """One finished shard, as its manifest line records it."""

    shard: Shard
    rows: int
    failures: int
    reasons: dict[str, int]
    lenses: dict[str, int]
    seconds: float


def run_key(rules: tuple[Path, ...], columns: Mapping[str, str]) -> RunKey:
    return RunKey(axes_version=__version__, rules=fingerprint(rules), columns=dict(columns))


def fingerprint(rules: tuple[Path, ...]) -> str:
    """The rule files' names and bytes (bundled, then the user's) and axes' own code, but no path: the same
    rules in another checkout or venv are the same run, an edited rule or a changed tagger is a new one."""
    from ..rules import RULES_DIR
    from ..rules.load import rule_files

    digest = hashlib.sha256(__version__.encode() + b"\0")
    for path in rule_files((RULES_DIR, *rules)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


# --- inputs --------------------------------------------------------------------------------------------


def expand(patterns: Iterable[str]) -> list[str]:
    """Local files, folders (their *.parquet) and globs, and hf:// paths or globs, in a stable order."""
    found: list[str] = []
    for pattern in patterns:
        if pattern.startswith("hf://"):
            found += _hf_glob(pattern)
            continue
        path = Path(pattern).expanduser()
        if glob.has_magic(pattern):
            matches = sorted(p for p in glob.glob(str(path)) if Path(p).is_file())
        elif path.is_dir():
            matches = sorted(str(p) for p in path.glob("*.parquet"))
        elif path.is_file():
            matches = [str(path)]
        else:
            raise AxesError("no such file or folder", where=pattern)
        if not matches:
            raise AxesError("matches no Parquet file", where=pattern)
        found += matches
    return list(dict.fromkeys(found))


def _hf_glob(pattern: str) -> list[str]:
    from huggingface_hub import HfFileSystem

    fs = HfFileSystem()
    try:
        matches = fs.glob(pattern) if glob.has_magic(pattern) else [pattern]
    except Exception as err:  # noqa: BLE001 - any Hub or network failure is one line naming the path
        raise AxesError(f"cannot list on the Hub: {type(err).__name__}: {err}", where=pattern) from None
    names = sorted(m if m.startswith("hf://") else f"hf://{m}" for m in matches)
    if not names:
        raise AxesError("matches no Parquet file on the Hub", where=pattern)
    return names


def open_input(source: str) -> pq.ParquetFile:
    """A Parquet file to read by row groups: a local path, or an hf:// path through fsspec."""
    try:
        if source.startswith("hf://"):
            from huggingface_hub import HfFileSystem

            return pq.ParquetFile(HfFileSystem().open(source, "rb"))
        return pq.ParquetFile(source)
    except (OSError, pa.ArrowInvalid) as err:
        raise AxesError(f"not a readable Parquet file: {err}", where=source) from None


def checksum(source: str) -> str:
    """The input's content hash: sha256 of a local file's bytes; the Hub's own sha256 (LFS) or blob id."""
    if source.startswith("hf://"):
        from huggingface_hub import HfFileSystem

        info = HfFileSystem().info(source)
        lfs = info.get("lfs") or {}
        return str(lfs.get("sha256") or info.get("blob_id") or info.get("size"))
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as err:
        raise AxesError(f"cannot read: {err.strerror or err}", where=source) from None
    return digest.hexdigest()


def shards(sources: list[str], out: Path) -> list[Shard]:
    """Each input with its output name (the input's stem; a repeated stem gets -2, -3 ...), rows and checksum."""
    if any(Path(s).resolve().parent == out.resolve() for s in sources if not s.startswith("hf://")):
        raise AxesError("an input is inside the output folder: give another --out", where=str(out))
    seen: Counter[str] = Counter()
    planned = []
    for source in sources:
        stem = re.sub(r"\.parquet$", "", source.rstrip("/").rsplit("/", 1)[-1]) or "shard"
        seen[stem] += 1
        name = f"{stem}.parquet" if seen[stem] == 1 else f"{stem}-{seen[stem]}.parquet"
        rows = open_input(source).metadata.num_rows
        planned.append(Shard(source=source, output=name, rows=rows, checksum=checksum(source)))
    return planned


# --- the manifest --------------------------------------------------------------------------------------


def finished(out: Path, key: RunKey) -> dict[str, dict[str, Any]]:
    """output name -> its latest manifest line, for the lines of this run whose output file exists."""
    path = out / MANIFEST
    lines: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return lines
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a kill: that shard runs again
            if isinstance(record, dict) and isinstance(record.get("output"), str):
                lines[record["output"]] = record
    same = {"axes_version": key.axes_version, "rules": key.rules, "columns": key.columns}
    return {name: line for name, line in lines.items()
            if all(line.get(k) == v for k, v in same.items()) and (out / name).is_file()}


def plan(planned: list[Shard], out: Path, key: RunKey) -> tuple[list[Shard], list[ShardResult]]:
    """(shards to tag, results of the shards this run already finished)."""
    done = finished(out, key)
    todo, kept = [], []
    for shard in planned:
        line = done.get(shard.output)
        if line is not None and line.get("input_checksum") == shard.checksum and line.get("input") == shard.source:
            kept.append(ShardResult(shard, line["rows"], line["failures"], line.get("reasons", {}),
                                    line.get("lenses", {}), line.get("seconds", 0.0)))
        else:
            todo.append(shard)
    return todo, kept


def record(out: Path, key: RunKey, result: ShardResult) -> None:
    """Append the shard's manifest line, flushed to disk: after it, the shard counts as done."""
    line = {
        "input": result.shard.source, "output": result.shard.output, "rows": result.rows,
        "failures": result.failures, **asdict(key), "input_checksum": result.shard.checksum,
        "reasons": result.reasons, "lenses": result.lenses, "seconds": round(result.seconds, 3),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    try:
        with (out / MANIFEST).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(out / MANIFEST)) from None


def clean(out: Path) -> None:
    """Remove temp files a killed run left behind (never a finished output)."""
    for stale in out.glob(".*.tmp"):
        stale.unlink(missing_ok=True)


# --- writing -------------------------------------------------------------------------------------------


def write_table(table: pa.Table, target: Path) -> None:
    """A whole tagged table as one output file, atomically (the engines that gather a shard's rows)."""
    with atomic(target) as partial:
        pq.write_table(table, partial, compression=COMPRESSION, row_group_size=BATCH_ROWS)


class atomic:
    """A temp path beside `target` (hidden, .tmp: never read as output), renamed over it on success."""

    def __init__(self, target: Path):
        self.target = target
        self.partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")

    def __enter__(self) -> str:
        return str(self.partial)

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            if kind is None:
                os.replace(self.partial, self.target)
        except OSError as err:
            raise AxesError(f"cannot write: {err.strerror or err}", where=str(self.target)) from None
        finally:
            self.partial.unlink(missing_ok=True)


class Tally:
    """Rows, failures by reason and lens counts of the tagged tables of one shard."""

    def __init__(self) -> None:
        self.rows = 0
        self.reasons: Counter[str] = Counter()
        self.lenses: Counter[str] = Counter()

    def add(self, tagged: pa.Table) -> None:
        self.rows += tagged.num_rows
        for error in pc.drop_null(tagged.column("error")).to_pylist():
            self.reasons[reason(error)] += 1
        ok = tagged.filter(tagged.column("ok"))
        for structure, reasoning in zip(ok.column("structure").to_pylist(), ok.column("reasoning").to_pylist(),
                                        strict=True):
            self.lenses[f"{structure or 'unknown'} + {'reasoning' if reasoning else 'standard'}"] += 1

    def result(self, shard: Shard, seconds: float) -> ShardResult:
        return ShardResult(shard, self.rows, sum(self.reasons.values()), dict(self.reasons), dict(self.lenses),
                           seconds)


def reason(error: str) -> str:
    """An error without its line numbers, so the same fault on many rows counts as one reason."""
    return re.sub(r":\d+(?=:)", "", error)


def tagged_files(out: Path) -> Iterator[Path]:
    """The output files of a run folder, in name order (temp files are hidden and never listed)."""
    return iter(sorted(p for p in out.glob("*.parquet") if not p.name.startswith(".")))
