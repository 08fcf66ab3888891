"""Many targets at once: read a list lazily, inspect on workers, yield outcomes in input order; --resume.

Memory stays flat however long the list: targets are read as they are needed, at most WINDOW_PER_JOB
results per worker wait in memory for their turn, and each result is handed on as soon as every earlier
one is out. A failing target becomes an error outcome; the others are still reported.

`--resume FILE` reads a previous JSONL run: targets with a result there are skipped, targets with an
error are tried again. Nothing here prints or renders: the CLI owns the streams, output.batch the text.
"""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from msgspec import Struct

from ..errors import AxesError, one_line
from ..storage import open_for_reading, open_locked
from ..types import Verdict

if TYPE_CHECKING:  # concurrent.futures (and the logging it loads) only once a batch runs: not for `axes inspect`
    from concurrent.futures import Executor, Future

WINDOW_PER_JOB = 4  # results in flight per worker: enough to keep workers busy behind one slow target
QUEUED_PER_SIDE = 3  # targets handed to a local batch's own thread, or to each of its workers, at a time
Remaining = Callable[[set[str]], "int | None"]  # targets left once these are skipped; None: unknown


def default_jobs() -> int:
    # Hub fetches wait on the network, so a few threads per core overlap them; offline batches run one
    # process per core (run(local=True)) whatever this says.
    return min(8, 4 * (os.cpu_count() or 1))


class Outcome(Struct, frozen=True):
    """One target's result: a verdict, or the one-line error that stopped it."""

    target: str
    verdict: Verdict | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# -- input -------------------------------------------------------------------------------------------


# A list line longer than this is no target (a device or a binary file given as the list): it becomes an error
# outcome instead of a line read without end.
MAX_LINE_BYTES = 4096


class Unreadable(str):
    """A list line that is no target (not UTF-8, or over MAX_LINE_BYTES): it travels in the target stream,
    keeping its place in the input order, and becomes that target's error line (inspect_safely)."""

    reason: str

    def __new__(cls, text: str, reason: str) -> Unreadable:
        line = super().__new__(cls, text)
        line.reason = reason
        return line

    def __reduce__(self) -> tuple[type[Unreadable], tuple[str, str]]:
        return type(self), (str(self), self.reason)  # to a worker process and back, reason and all


def read_targets(lines: Iterable[bytes], where: str) -> Iterator[str]:
    """Targets from the list's raw lines, lazily: `#` comment lines and blank lines are skipped.

    Bytes, decoded here a line at a time: a line that is not UTF-8 costs only its own target, which comes out
    as an Unreadable (its bytes escaped) instead of stopping the run.
    """
    rows = iter(lines)
    for number, raw in enumerate(rows, 1):
        if len(raw) > MAX_LINE_BYTES:  # readline's limit cut it: skip the rest of the line
            while not raw.endswith(b"\n"):
                raw = next(rows, b"\n")
            yield Unreadable(f"{where} line {number}", f"longer than {MAX_LINE_BYTES} bytes: not a target")
            continue
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff").strip()
        except UnicodeDecodeError as err:
            shown = one_line(raw.decode("utf-8", errors="surrogateescape").strip())
            yield Unreadable(shown, f"not UTF-8 text ({err.reason} at byte {err.start}), line {number} of {where}")
            continue
        if text and not text.startswith("#"):
            yield text


def _lines(handle: BinaryIO) -> Iterator[bytes]:
    """A binary stream's lines, none longer than MAX_LINE_BYTES + 1 (the rest of a longer one follows)."""
    while line := handle.readline(MAX_LINE_BYTES + 1):
        yield line


def open_list(name: str) -> BinaryIO:
    """The list file, opened now so a missing file fails before any target. A FIFO or a pipe (`<(...)`)
    is read as a stream, once, as stdin is."""
    try:
        return open(name, "rb")  # the caller closes it once the run has streamed it
    except OSError as err:
        raise AxesError(f"cannot read the target list: {err.strerror or err}", where=name) from None


def previous_results(path: Path) -> set[str]:
    """Targets with a result in a previous JSONL run (refused while another run is writing that file)."""
    return {target for target, _ in _result_lines(path, locked=True)}


def _result_lines(path: Path, *, locked: bool) -> Iterator[tuple[str, str]]:
    """(target, line) for each result of a previous run, streamed so a long run costs no memory.

    A missing file is a first run (so `--resume runs.jsonl --out runs.jsonl` works from the start). `locked`:
    read under a shared lock, so a file another batch is still writing is refused (False: this run holds the
    file's lock).
    """
    if not path.exists():
        return
    for _, record, line in _read_json_lines(path, "the previous run", locked=locked):
        if isinstance(record, dict) and isinstance(record.get("target"), str) and "error" not in record:
            yield record["target"], line


def read_results(name: str) -> Iterator[dict[str, Any]]:
    """Every line of a batch's JSONL output (`-`: stdin), results and error lines, as contract dicts."""
    lines = _read_json_lines(None, "the results") if name == "-" else _read_json_lines(Path(name), "the results")
    for number, record, _ in lines:
        if not isinstance(record, dict) or not isinstance(record.get("target"), str):
            raise AxesError("not an axes result: a JSON object with a \"target\" expected", where=name, line=number)
        yield record


def _open_text(path: Path | None, locked: bool) -> AbstractContextManager[TextIO]:
    """A JSONL file as text (None: stdin), opened under a shared lock when `locked`."""
    if path is None:
        return nullcontext(sys.stdin)
    raw = open_for_reading(path) if locked else path.open("rb")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace")


def _read_json_lines(path: Path | None, what: str, *, locked: bool = False) -> Iterator[tuple[int, Any, str]]:
    """(line number, value, line) of each JSON line of a file (None: stdin), streamed.

    A half-written last line (a run killed mid-write, or still running) is dropped; a broken line anywhere
    else means the file is not a batch output, which is bad input.
    """
    where = "<stdin>" if path is None else str(path)
    broken: tuple[int, str] | None = None
    try:
        # A kill can cut a multi-byte character: "replace" turns it into a broken last line, dropped below.
        with _open_text(path, locked) as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                if broken:
                    raise AxesError(f"not a JSONL batch output: {broken[1]}", where=where, line=broken[0])
                try:
                    value = json.loads(line)
                except (json.JSONDecodeError, RecursionError, ValueError) as err:
                    broken = (number, getattr(err, "msg", "not valid JSON"))
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
    """The targets, read once and lazily, and a function counting those left after skipping (None: unknown).
    `hf_cache`: every model repo in the HF cache (`cache_dir`, else the usual one).

    Only a regular file is counted (a second pass, for the progress bar): a pipe or FIFO can be read once.
    """
    if hf_cache == (name is not None):
        raise AxesError("give one source of targets: a list FILE, - for stdin, or --hf-cache")
    if name is None:
        from ..sources.hfcache import scan_cache

        repos = scan_cache(cache_dir)
        yield iter(repos), lambda done: sum(r not in done for r in repos)
        return
    if name == "-":
        if sys.stdin is None:  # started with stdin closed (`<&-`)
            raise AxesError("stdin is closed: give a list FILE, or pipe the targets in", where="<stdin>")
        yield read_targets(_lines(sys.stdin.buffer), "<stdin>"), lambda _: None
        return

    def count(done: set[str]) -> int | None:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        with open(name, "rb") as again:
            return sum(target not in done for target in read_targets(_lines(again), name))

    with open_list(name) as handle:  # opened now: a missing list fails before any target
        yield read_targets(_lines(handle), name), count


class Resume(Struct, frozen=True):
    """What --resume (and --out) make of a run: the targets already done, and whether to append."""

    done: frozenset[str]
    append_to: Path | None  # the resume file itself, when --out names it too

    @classmethod
    def plan(cls, resume: Path | None, out: Path | None, *, jsonl: bool) -> Resume:
        appending = resume is not None and out is not None and _same_file(resume, out)
        if appending and not jsonl:
            raise AxesError("--resume appends to its own file only as JSONL: add --format jsonl or another --out")
        return cls(frozenset(previous_results(resume)) if resume else frozenset(), resume if appending else None)

    def open_out(self, out: Path) -> TextIO:
        """--out for this run alone (locked: a second batch writing it is refused). Appending to the resume
        file first drops its stale error lines and half-written tail, in one step, under the same lock."""
        if self.append_to is None:
            return open_locked(out)
        path = self.append_to
        return open_locked(out, keep=lambda: (line + "\n" for _, line in _result_lines(path, locked=False)))


def _same_file(a: Path, b: Path) -> bool:
    return a.expanduser().resolve() == b.expanduser().resolve()


def inspect_safely(inspect: Callable[[str], Verdict], target: str) -> Outcome:
    if isinstance(target, Unreadable):
        return Outcome(str(target), error=one_line(f"{target}: {target.reason}"))
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

    `local`: no target touches the network (offline), so the work is all CPU: it runs on one thread of this
    process and one forked process per further core, since threads would share one core under the GIL.
    Otherwise threads overlap the Hub's waits. Ctrl-C reaches only this process: the workers ignore it (a
    worker interrupted while it hands back a result can leave the pool waiting for ever), each side finishes
    the target in hand, and the queued ones are dropped.
    """
    pools: list[Executor]
    submit: Callable[[str], Future[Outcome]]
    if local:
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

        cores = max(1, min(jobs, os.cpu_count() or 1))
        # This process inspects too, on a thread of its own, beside cores - 1 forked workers (which inherit the
        # loaded rulebook; `inspect` and their outcomes travel by pickle): one process fewer holding the
        # rulebook and its caches, and no pickling for the targets it takes. Its main thread only hands
        # results on, so the thread gets the share of a core that leaves.
        processes = ProcessPoolExecutor(max_workers=cores - 1, initializer=_ignore_interrupts) if cores > 1 else None
        if processes is not None:
            # Fork every worker now, while this process has one thread: a fork beside a thread inspecting a
            # target can copy a lock that thread holds, and the worker waits for it for ever.
            _start(processes)
        here = ThreadPoolExecutor(max_workers=1, thread_name_prefix="axes-batch")
        pools = [here] if processes is None else [here, processes]
        # Each side is handed a target when it has few left to do, so neither waits while the other has a queue.
        # A slot is taken before a target is handed on and given back when it is done; waiting for one is
        # a semaphore's acquire, which a Ctrl-C leaves with nothing held (concurrent.futures.wait can leave
        # futures' locks taken, and the pool's shutdown then waits for them for ever).
        room: dict[Executor, int] = {here: QUEUED_PER_SIDE}  # this process's thread first: no pickling
        if processes is not None:
            room[processes] = QUEUED_PER_SIDE * (cores - 1)
        slots = threading.Semaphore(sum(room.values()))
        counting = threading.Lock()

        def submit(target: str) -> Future[Outcome]:
            slots.acquire()
            with counting:
                side = next(pool for pool, free in room.items() if free)
                room[side] -= 1
            future = side.submit(inspect_safely, inspect, target)
            future.add_done_callback(lambda _: _give_back(side))
            return future

        def _give_back(side: Executor) -> None:
            with counting:
                room[side] += 1
            slots.release()
    else:
        from concurrent.futures import ThreadPoolExecutor

        threads = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="axes-batch")
        pools = [threads]

        def submit(target: str) -> Future[Outcome]:
            return threads.submit(inspect_safely, inspect, target)
    pending: deque[Future[Outcome]] = deque()
    try:
        for target in targets:
            while pending and pending[0].done():
                yield pending.popleft().result()
            if len(pending) >= jobs * WINDOW_PER_JOB:
                yield pending.popleft().result()  # the window is full: wait for the oldest
            pending.append(submit(target))
        while pending:
            yield pending.popleft().result()
    finally:
        # Interrupted or abandoned: drop the queued targets; only the few already running finish.
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)


def _start(processes: Executor) -> None:
    """Have a process pool fork its workers (it forks them all at its first task), SIGINT blocked meanwhile: a
    Ctrl-C cannot reach a new process before it ignores SIGINT; here it is only delayed until the mask is
    restored."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        started = processes.submit(int)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    started.result()


def _ignore_interrupts() -> None:
    """A worker process's first step: Ctrl-C is the parent's to handle (see run)."""
    if threading.current_thread() is not threading.main_thread():
        return  # a thread pool standing in for the processes (the tests do that): nothing of its own to ignore
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
