"""`axes hub-batch`, without the printing: plan the shards, skip the finished ones, tag the rest on an engine,
record each in the manifest, and sum up the whole run folder (rows, failures by reason, lens counts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

from msgspec import Struct, field

from ..errors import AxesError
from .engines import Engine, run
from .reshard import reshard
from .shards import Progress, Shard, ShardResult, clean, expand, plan, record, run_key, shards


class Summary(Struct):
    shards: int = 0
    skipped: int = 0  # finished by an earlier run of the same key
    rows: int = 0
    failures: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    lenses: Counter[str] = field(default_factory=Counter)
    new_rows: int = 0  # tagged by this run

    def add(self, result: ShardResult, *, new: bool) -> None:
        self.shards += 1
        self.rows += result.rows
        self.failures += result.failures
        self.reasons.update(result.reasons)
        self.lenses.update(result.lenses)
        if new:
            self.new_rows += result.rows
        else:
            self.skipped += 1


class Hooks(Struct, frozen=True):
    """What the CLI is told as the run goes: the plan (shards to do, rows to do), rows, finished shards."""

    planned: Callable[[int, int], None] = lambda shards, rows: None
    rows: Progress = lambda n: None
    shard: Callable[[ShardResult], None] = lambda result: None


QUIET = Hooks()  # nobody is told anything

def hub_batch(inputs: list[str], out: Path, *, engine: Engine = Engine.pool, workers: int = 1,
              address: str | None = None, columns: Mapping[str, str] | None = None, rules: tuple[Path, ...] = (),
              resharded: int | None = None, hooks: Hooks = QUIET) -> Summary:
    """Tag every row of `inputs` into `out`; `resharded` splits each input into files of that many rows first."""
    columns = dict(columns or {})
    if not out.parent.is_dir():
        raise AxesError("cannot write: the folder does not exist", where=str(out.parent))
    out.mkdir(exist_ok=True)
    sources = expand(inputs)
    if resharded:
        split: list[str] = []
        for number, source in enumerate(sources):
            folder = out / "input" / f"{number:03d}"
            split += [str(p) for p in reshard(source, folder, rows=resharded, id_column=columns.get("id"))]
        sources = split
    planned: list[Shard] = shards(sources, out)
    key = run_key(rules, columns)
    todo, kept = plan(planned, out, key)
    summary = Summary()
    for result in kept:
        summary.add(result, new=False)
    if not todo:
        return summary  # a rerun of a finished run: nothing is written, not even the manifest
    clean(out)
    hooks.planned(len(todo), sum(s.rows for s in todo))

    def finished(result: ShardResult) -> None:
        record(out, key, result)
        summary.add(result, new=True)
        hooks.shard(result)

    run(engine, todo, out, columns, rules, workers=workers, address=address, rows=hooks.rows, done=finished)
    return summary
