"""Many targets at once: read a list lazily, inspect on worker threads, stream results in input order.

Memory stays flat however long the list: targets are read as they are needed, at most WINDOW_PER_JOB
results per worker wait in memory for their turn, and each result is rendered and dropped as soon as
every earlier one is out. A failing target becomes an error record; the others are still reported.

`--resume FILE` reads a previous JSONL run: targets with a result there are skipped, targets with an
error are tried again. Nothing here prints: the CLI owns the streams, this module hands it text.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Protocol, TextIO

from .errors import AxesError
from .i18n import Lang, t
from .models import Verdict
from .outfile import write_atomic
from .render import export, human, md_cell

WINDOW_PER_JOB = 4  # results in flight per worker: enough to keep workers busy behind one slow target
# CSV, Markdown and table columns. CSV keeps machine values (integers, true/false, tag names joined by
# spaces, empty for unknown); Markdown and the table show them for people, headers in --lang.
COLUMNS = ("target", "source", "structure", "moe", "reasoning", "total_params", "active_params", "attention",
           "post_training", "inference", "product", "murkiest", "error")


def default_jobs() -> int:
    # Hub fetches wait on the network, so a few threads per core overlap them; local work is GIL-bound
    # and gains nothing past that, so the cap stays small.
    return min(8, 4 * (os.cpu_count() or 1))


class BatchFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    table = "table"


@dataclass(frozen=True)
class Outcome:
    """One target's result: a verdict, or the one-line error that stopped it."""

    target: str
    verdict: Verdict | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def record(self) -> dict[str, Any]:
        """The JSONL line: CONTRACT.md's shape, or {"target", "error"} for a failed target."""
        if self.verdict is None:
            return {"target": self.target, "error": self.error}
        return self.verdict.to_contract()


# -- input -------------------------------------------------------------------------------------------


def read_targets(lines: Iterable[str], where: str) -> Iterator[str]:
    """Targets from list lines, lazily: `#` comment lines and blank lines are skipped."""
    try:
        for line in lines:
            text = line.strip()
            if text and not text.startswith("#"):
                yield text
    except UnicodeDecodeError as err:
        raise AxesError(f"not UTF-8 text: {err.reason}", where=where) from None


def open_list(name: str) -> TextIO:
    """The list file, opened now so a missing file fails before any target."""
    try:
        return open(name, encoding="utf-8-sig")  # the caller closes it once the run has streamed it
    except OSError as err:
        raise AxesError(f"cannot read the target list: {err.strerror or err}", where=name) from None


def previous_results(path: Path) -> set[str]:
    """Targets with a result in a previous JSONL run."""
    return {target for target, _ in _result_lines(path)}


def rewrite(path: Path) -> None:
    """Keep only the result lines of a previous run (stale errors and a half-written tail go), in one step."""
    write_atomic(path, (line + "\n" for _, line in _result_lines(path)))


def _result_lines(path: Path) -> Iterator[tuple[str, str]]:
    """(target, line) for each result of a previous run, streamed so a long run costs no memory.

    A missing file is a first run (so `--resume runs.jsonl --out runs.jsonl` works from the start). A
    half-written last line (a run killed mid-write) is dropped, so its target runs again; a broken line
    anywhere else means the file is not a batch output, which is bad input.
    """
    if not path.exists():
        return
    broken: tuple[int, str] | None = None
    try:
        # A kill can cut a multi-byte character: "replace" turns it into a broken last line, dropped below.
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                if broken:
                    raise AxesError(f"not a JSONL batch output: {broken[1]}", where=str(path), line=broken[0])
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    broken = (number, err.msg)
                    continue
                if isinstance(record, dict) and isinstance(record.get("target"), str) and "error" not in record:
                    yield record["target"], line.rstrip("\n")
    except OSError as err:
        raise AxesError(f"cannot read the previous run: {err.strerror or err}", where=str(path)) from None


class Skip:
    """Drops the targets a previous run finished, counting them for the closing notice."""

    def __init__(self, done: set[str]):
        self.done = done
        self.skipped = 0

    def rest(self, targets: Iterable[str]) -> Iterator[str]:
        for target in targets:
            if target in self.done:
                self.skipped += 1
            else:
                yield target


# -- running -----------------------------------------------------------------------------------------


def inspect_safely(inspect: Callable[[str], Verdict], target: str) -> Outcome:
    try:
        return Outcome(target, verdict=inspect(target))
    except AxesError as err:
        return Outcome(target, error=err.render())
    except Exception as err:  # noqa: BLE001 - one odd repo must not end a run of thousands
        if os.environ.get("AXES_DEBUG"):
            raise
        return Outcome(target, error=f"internal error: {type(err).__name__}: {err}")


def run(targets: Iterable[str], inspect: Callable[[str], Verdict], jobs: int, *, local: bool = False
        ) -> Iterator[Outcome]:
    """Outcomes in input order, each yielded as soon as it and every earlier one are done.

    `local`: no target touches the network (offline), so the work is all CPU: it runs in one process per
    core, since threads would share one core under the GIL. Otherwise threads overlap the Hub's waits.
    """
    pool: Executor
    if local:
        # Forked workers inherit the loaded rulebook; `inspect` and the outcomes travel by pickle.
        pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, os.cpu_count() or 1)))
    else:
        pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="axes-batch")
    pending: deque[Future[Outcome]] = deque()
    try:
        for target in targets:
            while pending and pending[0].done():
                yield pending.popleft().result()
            if len(pending) >= jobs * WINDOW_PER_JOB:
                yield pending.popleft().result()  # the window is full: wait for the oldest
            pending.append(pool.submit(inspect_safely, inspect, target))
        while pending:
            yield pending.popleft().result()
    finally:
        # Interrupted or abandoned: drop the queued targets; only the few already running finish.
        pool.shutdown(wait=True, cancel_futures=True)


# -- output ------------------------------------------------------------------------------------------


def cells(outcome: Outcome, lang: Lang | None) -> tuple[str, ...]:
    """One value per COLUMNS entry; lang None gives the machine form (CSV), a language the human form."""
    verdict = outcome.verdict
    if verdict is None:
        return (outcome.target, *("" for _ in COLUMNS[1:-1]), outcome.error or "")
    facts, lens = verdict.backbone.facts, verdict.lenses

    def flag(value: bool | None) -> str:
        if value is None:
            return "" if lang is None else "?"
        return str(value).lower() if lang is None else t("yes" if value else "no", lang)

    def count(value: int | None) -> str:
        return ("" if value is None else str(value)) if lang is None else human(value)

    def tags(axis: str) -> str:
        return (" " if lang is None else ", ").join(tag.name for tag in verdict.rows[axis].tags)

    return (verdict.target, verdict.source, lens.structure or "", flag(lens.moe), flag(lens.reasoning),
            count(facts.total_params), count(facts.active_params), facts.attention or "",
            tags("post_training"), tags("inference"), tags("product"),
            verdict.murkiest.axis if lang is None else t(verdict.murkiest.axis, lang), "")


def headers(lang: Lang) -> tuple[str, ...]:
    return tuple(t(name, lang) for name in COLUMNS)


class Emitter(Protocol):
    """Text for the start, each outcome (written and flushed at once) and the end of a run."""

    def start(self) -> str: ...

    def row(self, outcome: Outcome) -> str: ...

    def end(self) -> str: ...


class Jsonl:
    def start(self) -> str:
        return ""

    def row(self, outcome: Outcome) -> str:
        return json.dumps(outcome.record(), ensure_ascii=False) + "\n"

    def end(self) -> str:
        return ""


class Csv:
    def start(self) -> str:
        return self._line(COLUMNS)

    def row(self, outcome: Outcome) -> str:
        return self._line(cells(outcome, None))

    def end(self) -> str:
        return ""

    @staticmethod
    def _line(values: Iterable[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(values)
        return buffer.getvalue()


class Markdown:
    def __init__(self, lang: Lang):
        self.lang = lang

    def start(self) -> str:
        return self._line(headers(self.lang)) + "|" + "---|" * len(COLUMNS) + "\n"

    def row(self, outcome: Outcome) -> str:
        return self._line(cells(outcome, self.lang))

    def end(self) -> str:
        return ""

    @staticmethod
    def _line(values: Iterable[str]) -> str:
        return "| " + " | ".join(md_cell(v) for v in values) + " |\n"


class Table:
    """A rich table cannot be streamed: it keeps each target's short cells (never a verdict) until the end."""

    def __init__(self, lang: Lang, width: int | None):
        self.lang = lang
        self.width = width
        self.rows: list[tuple[str, ...]] = []

    def start(self) -> str:
        return ""

    def row(self, outcome: Outcome) -> str:
        self.rows.append(cells(outcome, self.lang))
        return ""

    def end(self) -> str:
        from rich.table import Table as RichTable  # rich costs start-up time: only for this format

        grid = RichTable(show_lines=False, expand=False)
        for name in headers(self.lang):
            grid.add_column(name)
        for values in self.rows:
            grid.add_row(*values)
        return export(grid, width=self.width or 200)


def emitter(fmt: BatchFormat, lang: Lang, width: int | None = None) -> Emitter:
    if fmt is BatchFormat.jsonl:
        return Jsonl()
    if fmt is BatchFormat.csv:
        return Csv()
    if fmt is BatchFormat.markdown:
        return Markdown(lang)
    return Table(lang, width)


def write_all(outcomes: Iterable[Outcome], out: Emitter, stream: TextIO,
              tick: Callable[[Outcome], None] = lambda _: None) -> int:
    """Write every outcome as it arrives, flushed, so an interrupted run keeps what it finished.

    Returns how many targets failed.
    """
    failed = 0
    stream.write(out.start())
    for outcome in outcomes:
        stream.write(out.row(outcome))
        stream.flush()
        failed += not outcome.ok
        tick(outcome)
    stream.write(out.end())
    stream.flush()
    return failed
