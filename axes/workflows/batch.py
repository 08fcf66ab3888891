"""Many targets at once: read a list lazily, inspect on workers, yield outcomes in input order; --resume.

Memory stays flat however long the list: targets are read as they are needed, at most WINDOW_PER_JOB
results per worker wait in memory for their turn, and each result is handed on as soon as every earlier
one is out. A failing target becomes an error outcome; the others are still reported.

`--resume FILE` reads a previous JSONL run: targets with a result there are skipped, targets with an
error are tried again. Nothing here prints or renders: the CLI owns the streams, output.batch the text.
"""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..errors import AxesError
from ..storage import write_atomic
from ..types import Verdict

WINDOW_PER_JOB = 4  # results in flight per worker: enough to keep workers busy behind one slow target
Remaining = Callable[[set[str]], "int | None"]  # targets left once these are skipped; None: unknown


def default_jobs() -> int:
    # Hub fetches wait on the network, so a few threads per core overlap them; offline batches run one
    # process per core (run(local=True)) whatever this says.
    return min(8, 4 * (os.cpu_count() or 1))


@dataclass(frozen=True)
class Outcome:
    """One target's result: a verdict, or the one-line error that stopped it."""

    target: str
    verdict: Verdict | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


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

    A missing file is a first run (so `--resume runs.jsonl --out runs.jsonl` works from the start).
    """
    if not path.exists():
        return
    for _, record, line in _read_json_lines(path, "the previous run"):
        if isinstance(record, dict) and isinstance(record.get("target"), str) and "error" not in record:
            yield record["target"], line


def read_results(name: str) -> Iterator[dict[str, Any]]:
    """Every line of a batch's JSONL output (`-`: stdin), results and error lines, as contract dicts."""
    lines = _read_json_lines(None, "the results") if name == "-" else _read_json_lines(Path(name), "the results")
    for number, record, _ in lines:
        if not isinstance(record, dict) or not isinstance(record.get("target"), str):
            raise AxesError("not an axes result: a JSON object with a \"target\" expected", where=name, line=number)
        yield record


def _read_json_lines(path: Path | None, what: str) -> Iterator[tuple[int, Any, str]]:
    """(line number, value, line) of each JSON line of a file (None: stdin), streamed.

    A half-written last line (a run killed mid-write, or still running) is dropped; a broken line anywhere
    else means the file is not a batch output, which is bad input.
    """
    where = "<stdin>" if path is None else str(path)
    broken: tuple[int, str] | None = None
    try:
        # A kill can cut a multi-byte character: "replace" turns it into a broken last line, dropped below.
        with nullcontext(sys.stdin) if path is None else path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                if broken:
                    raise AxesError(f"not a JSONL batch output: {broken[1]}", where=where, line=broken[0])
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as err:
                    broken = (number, err.msg)
                    continue
                yield number, value, line.rstrip("\n")
    except OSError as err:
        raise AxesError(f"cannot read {what}: {err.strerror or err}", where=where) from None


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


@contextmanager
def target_list(name: str | None, hf_cache: bool, cache_dir: Path | None = None
                ) -> Iterator[tuple[Iterator[str], Remaining]]:
    """The targets, read lazily, and a function counting those left after skipping (None: unknown).
    `hf_cache`: every model repo in the HF cache (`cache_dir`, else the usual one)."""
    if hf_cache == (name is not None):
        raise AxesError("give one source of targets: a list FILE, - for stdin, or --hf-cache")
    if name is None:
        from ..sources.hfcache import scan_cache

        repos = scan_cache(cache_dir)
        yield iter(repos), lambda done: sum(r not in done for r in repos)
        return
    if name == "-":
        yield read_targets(sys.stdin, "<stdin>"), lambda _: None
        return

    def count(done: set[str]) -> int:
        # A second lazy pass over the file, only for the progress bar's total.
        with open(name, encoding="utf-8-sig") as again:
            return sum(target not in done for target in read_targets(again, name))

    with open_list(name) as handle:  # opened now: a missing list fails before any target
        yield read_targets(handle, name), count


@dataclass(frozen=True)
class Resume:
    """What --resume (and --out) make of a run: the targets already done, and whether to append."""

    done: frozenset[str]
    append_to: Path | None  # the resume file itself, when --out names it too

    @classmethod
    def plan(cls, resume: Path | None, out: Path | None, *, jsonl: bool) -> Resume:
        appending = resume is not None and out is not None and _same_file(resume, out)
        if appending and not jsonl:
            raise AxesError("--resume appends to its own file only as JSONL: add --format jsonl or another --out")
        return cls(frozenset(previous_results(resume)) if resume else frozenset(), resume if appending else None)

    def start(self) -> None:
        """Before the first new result: drop the resume file's stale error lines and half-written tail."""
        if self.append_to is not None:
            rewrite(self.append_to)


def _same_file(a: Path, b: Path) -> bool:
    return a.expanduser().resolve() == b.expanduser().resolve()


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
        from concurrent.futures import ProcessPoolExecutor  # multiprocessing: only for a local batch

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
