"""The performance targets of axes, measured: one line per case, `case  figure  target  PASS|FAIL`.

    .venv/bin/python bench/run.py [--quick] [--case NAME]...

Every measurement runs axes as a fresh process, as a user meets it. Inputs are generated into a temp
dir (bench/inputs.py); ../shared/corpus, when present, adds a batch over real model files. The exit code
is 0 whatever the figures: this reports, it is not a test. See bench/README.md for what each case means.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import inputs

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
CATALOG_TARGET = "deepseek-ai/DeepSeek-R1"

# The targets of the issue.
INSPECT_MAX_S = 0.20
BATCH_MIN_RATE = 300.0  # targets per second
HUB_MIN_SPEEDUP = 8.0
MEMORY_MAX_MB = 150.0

BATCH_TARGETS = 1_000
HUB_TARGETS = 100
HUB_DELAY_S = 0.1
HUB_JOBS = (1, 16)
MEMORY_TARGETS = 10_000
MEMORY_FOLDERS = 50

# The user's own Hub setup must not leak into a measurement.
DROPPED_ENV = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_ENDPOINT", "AXES_CARDS", "AXES_CACHE",
               "AXES_DEBUG", "PYTHONDONTWRITEBYTECODE")


@dataclass(frozen=True)
class Result:
    case: str
    figure: str
    target: str
    passed: bool

    def line(self) -> str:
        return f"{self.case:<28}  {self.figure:<36}  {self.target:<12}  {'PASS' if self.passed else 'FAIL'}"


@dataclass(frozen=True)
class Run:
    """One finished process: wall and CPU time, its own peak RSS, exit code and what it said on stderr."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    code: int
    stderr: str


@dataclass(frozen=True)
class Bench:
    work: Path  # the temp dir holding every input and cache
    folders: tuple[Path, ...]  # generated model folders
    quick: bool
    axes: tuple[str, ...]  # the command that runs axes

    @property
    def repeats(self) -> int:
        return 5 if self.quick else 15

    @property
    def batch_repeats(self) -> int:
        return 1 if self.quick else 3

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of every measured process: an empty HF home and user cache, no token, not offline.

        Bytecode is written (axes/__pycache__, as on any checkout): a pip install ships it, but a machine
        may set PYTHONDONTWRITEBYTECODE, and then every run would recompile axes/ (tens of ms) on top of its
        work.
        """
        env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
        env.update(HF_HOME=str(self.work / "hf"), HF_HUB_CACHE=str(self.work / "hf" / "hub"),
                   XDG_CACHE_HOME=str(self.work / "cache"))
        env.update(extra)
        return env

    def batch_argv(self, list_file: Path, *, offline: bool, jobs: int | None = None) -> list[str]:
        """`axes batch` writing JSONL."""
        argv = [*self.axes, "batch", str(list_file), "--format", "jsonl"]
        return argv + (["--offline"] if offline else []) + (["--jobs", str(jobs)] if jobs else [])


def run(argv: list[str], env: dict[str, str], cwd: Path, stdout: Path | None = None) -> Run:
    """Run a process to its end; stdout goes to a file or /dev/null.

    `cwd` should hold no `axes` folder: `python -m axes` would import that one instead of the installed one.
    """
    with tempfile.TemporaryFile() as err, open(stdout or os.devnull, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        peak = PeakRss(proc.pid)
        peak.start()
        _, status, usage = os.wait4(proc.pid, 0)  # wait4: this child's own CPU time
        seconds = time.perf_counter() - start
        peak.stop.set()
        peak.join()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
        err.seek(0)
        return Run(seconds, usage.ru_utime + usage.ru_stime, peak.kib * 1024 / 1e6, proc.returncode,
                   err.read().decode(errors="replace"))


class PeakRss(threading.Thread):
    """Peak resident memory of a process and of the processes it starts (a batch may run workers): the
    sum of each one's own peak, its VmHWM in /proc/PID/status, polled until the bench says stop.

    Not ru_maxrss: Linux carries the parent's own peak into a child's ru_maxrss when the child execs from a
    vfork (as subprocess does), so a bench process holding a Hub's worth of files would inflate it. VmHWM
    belongs to the exec'd program alone. Summing peaks reached at different times overstates a little,
    never understates; polling can miss only a process that lives less than one interval.
    """

    POLL_S = 0.02
    SCAN_EVERY = 10  # polls between two looks for new child processes (a walk over /proc)

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[int, int] = {pid: 0}  # pid -> its highest VmHWM seen, in KiB
        self.live = {pid}  # polled until gone: a pid is never read again once its process ended
        self.stop = threading.Event()

    @property
    def kib(self) -> int:
        return sum(self.peaks.values())

    def run(self) -> None:
        polls = 0
        while not self.stop.is_set():
            if polls % self.SCAN_EVERY == 0:
                self._adopt_children()
            for pid in list(self.live):
                hwm = _hwm_kib(pid)
                if hwm is None:
                    self.live.discard(pid)
                else:
                    self.peaks[pid] = max(self.peaks[pid], hwm)
            polls += 1
            self.stop.wait(self.POLL_S)

    def _adopt_children(self) -> None:
        parents = {pid: parent for pid in _pids() if (parent := _parent(pid)) is not None}
        grown = True
        while grown:
            found = [pid for pid, parent in parents.items() if parent in self.live and pid not in self.peaks]
            self.peaks.update(dict.fromkeys(found, 0))
            self.live.update(found)
            grown = bool(found)


def _pids() -> list[int]:
    return [int(entry.name) for entry in os.scandir("/proc") if entry.name.isdigit()]


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])  # after "pid (command)": state, then the parent's pid


def _hwm_kib(pid: int) -> int | None:
    """The process's peak RSS so far; None once it has ended (an exited process has no memory line)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)


def note(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def failed(case: str, what: Run, target: str) -> Result:
    """A measured process that exited with an error: the figure would mean nothing."""
    last = what.stderr.strip().splitlines()[-1:] or ["(no message)"]
    note(f"{case}: exit {what.code}: {last[0]}")
    return Result(case, f"error (exit {what.code})", target, False)


def records(path: Path) -> list[dict[str, object]]:
    """The JSONL a batch wrote."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- inspect: one target, one fresh process ---------------------------------------------------------


def inspect_case(name: str, target: Callable[[Bench], str], fmt: str, offline: bool) -> Callable[[Bench], Result]:
    def measure(bench: Bench) -> Result:
        argv = [*bench.axes, "inspect", target(bench), "--format", fmt] + (["--offline"] if offline else [])
        # A user cache of its own: the first run ("cold", as after an install or a rule edit) fills it, and
        # the target is about the runs after it.
        env = bench.env(XDG_CACHE_HOME=str(bench.work / f"cache-{name}"))
        cold = run(argv, env, bench.work)
        if cold.code != 0:
            return failed(name, cold, f"<= {INSPECT_MAX_S:.2f} s")
        runs = [run(argv, env, bench.work) for _ in range(bench.repeats)]
        wall = statistics.median(r.seconds for r in runs)
        cpu = statistics.median(r.cpu_seconds for r in runs)
        return Result(name, f"{wall:.3f} s (cpu {cpu:.3f}, cold {cold.seconds:.3f})", f"<= {INSPECT_MAX_S:.2f} s",
                      wall <= INSPECT_MAX_S)

    return measure


def local_target(bench: Bench) -> str:
    # The DeepSeek-V3-like folder: the same family as the catalog target, read from disk instead.
    return str(bench.folders[3])


# -- batch: throughput, Hub concurrency, memory ---------------------------------------------------------


def write_list(path: Path, targets: list[str]) -> Path:
    path.write_text("".join(f"{target}\n" for target in targets), encoding="utf-8")
    return path


def throughput(bench: Bench, name: str, targets: list[str]) -> Result:
    """targets/s of a whole offline batch process (start-up and rule loading included)."""
    goal = f">= {BATCH_MIN_RATE:.0f}/s"
    list_file = write_list(bench.work / f"{name}.txt", targets)
    output = bench.work / f"{name}.jsonl"
    argv = bench.batch_argv(list_file, offline=True)
    rates = []
    for _ in range(bench.batch_repeats):
        done = run(argv, bench.env(), bench.work, stdout=output)
        if done.code != 0:
            return failed(name, done, goal)
        results = records(output)
        errors = sum("error" in record for record in results)
        if len(results) != len(targets) or errors:
            note(f"{name}: {len(results)} results for {len(targets)} targets, {errors} errors")
            return Result(name, f"{len(results) - errors}/{len(targets)} targets ok", goal, False)
        rates.append(len(targets) / done.seconds)
    rate = statistics.median(rates)
    return Result(name, f"{rate:.0f} targets/s", goal, rate >= BATCH_MIN_RATE)


def batch_local(bench: Bench) -> Result:
    return throughput(bench, "batch-local", [str(folder) for folder in bench.folders[:BATCH_TARGETS]])


def batch_corpus(bench: Bench) -> Result:
    real = sorted(str(folder) for folder in CORPUS.glob("*/*") if folder.is_dir())
    return throughput(bench, "batch-corpus", [real[i % len(real)] for i in range(BATCH_TARGETS)])


def batch_hub(bench: Bench) -> Result:
    """100 repo ids against a local Hub that answers every request after 100 ms: --jobs 16 vs --jobs 1."""
    sys.path.insert(0, str(REPO / "tests"))
    from hubserver import HubServer, Repo  # the tests' stand-in Hub, reused rather than copied

    goal = f">= {HUB_MIN_SPEEDUP:.0f}x"
    repos = {}
    for index in range(HUB_TARGETS):
        generated = inputs.model(index)
        repos[f"bench-org/model-{index}"] = Repo(files=dict(generated.files), listed_only=("model.safetensors",),
                                                 delay=HUB_DELAY_S)
    list_file = write_list(bench.work / "batch-hub.txt", list(repos))
    seconds: dict[int, float] = {}
    with HubServer(repos) as hub:
        for jobs in HUB_JOBS:
            # A fresh HF cache per run: a warm one would skip the file downloads.
            cache = bench.work / f"hub-cache-{jobs}"
            env = bench.env(HF_ENDPOINT=hub.url, HF_HUB_CACHE=str(cache), NO_PROXY="127.0.0.1,localhost",
                            no_proxy="127.0.0.1,localhost")
            output = bench.work / f"batch-hub-{jobs}.jsonl"
            done = run(bench.batch_argv(list_file, offline=False, jobs=jobs), env, bench.work, stdout=output)
            if done.code != 0:
                return failed("batch-hub", done, goal)
            fetched = sum(record.get("source") == "hub" for record in records(output))
            if fetched != HUB_TARGETS:
                note(f"batch-hub: --jobs {jobs}: {fetched} of {HUB_TARGETS} targets came from the Hub")
                return Result("batch-hub", f"{fetched}/{HUB_TARGETS} from the Hub at --jobs {jobs}", goal, False)
            seconds[jobs] = done.seconds
    slow, fast = (seconds[jobs] for jobs in HUB_JOBS)
    speedup = slow / fast
    return Result("batch-hub", f"{speedup:.1f}x ({slow:.1f} s -> {fast:.1f} s)", goal,
                  speedup >= HUB_MIN_SPEEDUP)


def batch_memory(bench: Bench) -> Result:
    """Peak RSS of a streamed 10,000-target batch over 50 folders, output to /dev/null."""
    goal = f"< {MEMORY_MAX_MB:.0f} MB"
    folders = [str(folder) for folder in bench.folders[:MEMORY_FOLDERS]]
    targets = [folders[i % len(folders)] for i in range(MEMORY_TARGETS)]
    list_file = write_list(bench.work / "batch-memory.txt", targets)
    done = run(bench.batch_argv(list_file, offline=True), bench.env(), bench.work)
    if done.code != 0:
        return failed("batch-memory", done, goal)
    return Result("batch-memory", f"{done.peak_rss_mb:.0f} MB peak RSS", goal,
                  done.peak_rss_mb < MEMORY_MAX_MB)


def catalog_target(_: Bench) -> str:
    return CATALOG_TARGET


# name, target, format, --offline
INSPECTS: tuple[tuple[str, Callable[[Bench], str], str, bool], ...] = (
    ("inspect-catalog-json", catalog_target, "json", True),
    ("inspect-catalog-table", catalog_target, "table", True),
    ("inspect-catalog-online-json", catalog_target, "json", False),
    ("inspect-catalog-online-table", catalog_target, "table", False),
    ("inspect-local-json", local_target, "json", True),
    ("inspect-local-table", local_target, "table", True),
)
CASES: dict[str, Callable[[Bench], Result]] = {
    **{name: inspect_case(name, target, fmt, offline) for name, target, fmt, offline in INSPECTS},
    "batch-local": batch_local,
    "batch-corpus": batch_corpus,
    "batch-hub": batch_hub,
    "batch-memory": batch_memory,
}


def chosen_cases(patterns: list[str] | None) -> list[str]:
    if not patterns:
        return list(CASES)
    return [name for name in CASES if any(fnmatch.fnmatchcase(name, p) for p in patterns)]


def axes_command() -> tuple[str, ...]:
    """The `axes` script beside this interpreter (the venv's), else `python -m axes`."""
    script = Path(sys.executable).with_name("axes")
    return (str(script),) if script.is_file() else (sys.executable, "-m", "axes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (5 inspect runs, 1 batch run)")
    parser.add_argument("--case", action="append", metavar="NAME",
                        help=f"run only this case (a shell pattern; may be repeated): {', '.join(CASES)}")
    args = parser.parse_args()
    names = chosen_cases(args.case)
    if not names:
        parser.error(f"no case matches {', '.join(args.case)}")
    if "batch-corpus" in names and not CORPUS.is_dir():
        note(f"batch-corpus skipped: no corpus at {CORPUS}")
        names.remove("batch-corpus")
    axes = axes_command()
    with tempfile.TemporaryDirectory(prefix="axes-bench-") as tmp:
        work = Path(tmp)
        folders = inputs.write_folders(work / "models", BATCH_TARGETS)
        bench = Bench(work, tuple(folders), args.quick, axes)
        # Write axes' bytecode once, as an install does, so no case's first run pays for it.
        run([*axes, "inspect", CATALOG_TARGET, "--offline", "--format", "json"], bench.env(), work)
        for name in names:
            print(CASES[name](bench).line(), flush=True)


if __name__ == "__main__":
    main()
