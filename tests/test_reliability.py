"""Reliability: no hang, no lost result, no file clobbered, every error one clear line (issue 17).

Every test is bounded in time: a command runs in a subprocess with a timeout (or in-process behind
signal.alarm), so a regression fails instead of hanging CI. Device-like targets are FIFOs made in tmp_path,
never the machine's own devices.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from modelfiles import LLAMA_1B, isolate, model_folder
from typer.testing import CliRunner

from axes.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def axes(*args: str, timeout: float = 30, stdin: int | None | bytes = None, **kwargs) -> subprocess.CompletedProcess:
    """`axes ARGS` in its own process, killed (and the test failed) if it outlives `timeout`."""
    data = stdin if isinstance(stdin, bytes) else None
    kwargs.setdefault("stdout", subprocess.PIPE)
    try:
        return subprocess.run([sys.executable, "-m", "axes", *args], stderr=subprocess.PIPE, timeout=timeout,
                              input=data, stdin=None if data is not None else stdin, env=os.environ.copy(), **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"axes {' '.join(args)} still running after {timeout} s: a hang")


@contextmanager
def alarm(seconds: int) -> Iterator[None]:
    """Fail an in-process step that outlives `seconds` (SIGALRM raises in the main thread)."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def one_error_line(result: subprocess.CompletedProcess, *needles: str, code: int = 2) -> str:
    err = result.stderr.decode()
    lines = err.strip().splitlines()
    assert result.returncode == code, err
    assert len(lines) == 1 and "Traceback" not in err and "internal error" not in err, err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def model(tmp_path: Path) -> Path:
    return model_folder(tmp_path / "models", "llama-1b", LLAMA_1B)


def drained(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    """A reader on the FIFO, opened without blocking so a writer that never comes cannot hang the test."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    chunks: list[bytes] = []

    def read() -> None:
        deadline = time.monotonic() + 20
        os.set_blocking(fd, True)
        try:
            while time.monotonic() < deadline:
                data = os.read(fd, 65536)
                if data:
                    chunks.append(data)
                elif chunks:
                    return  # the writer closed
                else:
                    time.sleep(0.01)  # no writer yet: a nonblocking-opened FIFO reads empty until one comes
        finally:
            os.close(fd)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, chunks


# -- 1: --out writes through what it points at ------------------------------------------------------------


def test_out_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path, model):
    real = tmp_path / "results" / "verdict.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = axes("inspect", str(model), "--offline", "--format", "json", "--out", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and json.loads(real.read_text())["facts"]["layers"] == 16


def test_out_into_a_fifo_writes_into_it_and_leaves_it_a_fifo(tmp_path, model):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader, chunks = drained(fifo)
    result = axes("inspect", str(model), "--offline", "--format", "json", "--out", str(fifo))
    reader.join(20)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(b"".join(chunks))["facts"]["layers"] == 16


def test_out_into_a_character_device_leaves_the_device(tmp_path, model):
    """A null device made in tmp_path (root only): written into, never renamed over."""
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("making a device node needs root")
    for command in (("inspect", str(model), "--format", "json"), ("exercise", "four-axes", str(model))):
        result = axes(*command, "--offline", "--out", str(node))
        assert result.returncode == 0, result.stderr
        assert stat.S_ISCHR(os.lstat(node).st_mode)


# -- 2, 9, 10: the target list and the targets --------------------------------------------------------------


def test_a_list_that_is_a_pipe_is_read_once(tmp_path, model):
    """`axes batch <(echo target)`: the list is a pipe; counting it first would drain it."""
    read_end, write_end = os.pipe()
    os.write(write_end, f"# list\n{model}\n".encode())
    os.close(write_end)
    result = axes("batch", f"/dev/fd/{read_end}", "--offline", pass_fds=(read_end,))
    os.close(read_end)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["target"] for line in result.stdout.splitlines()] == [str(model)]


def test_a_fifo_list_is_streamed(tmp_path, model):
    fifo = tmp_path / "list.fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w") as writer:  # blocks until axes opens the list
            writer.write(f"{model}\n{model}\n")

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result = axes("batch", str(fifo), "--offline")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2


@pytest.mark.parametrize("via_stdin", [False, True])
def test_a_line_that_is_not_utf8_is_one_error_line_and_the_rest_go_on(tmp_path, model, via_stdin):
    listing = f"{model}\n".encode() + b"caf\xe9/mod\xffel\n" + f"{model}\n".encode()
    path = tmp_path / "list.txt"
    path.write_bytes(listing)
    out = tmp_path / "out.jsonl"
    args = ("batch", "-") if via_stdin else ("batch", str(path))
    result = axes(*args, "--offline", "--out", str(out), stdin=listing if via_stdin else None)
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [("error" in line) for line in lines] == [False, True, False]
    assert lines[1]["target"] == "caf\\xe9/mod\\xffel" and "not UTF-8" in lines[1]["error"]
    to_stdout = axes(*args, "--offline", stdin=listing if via_stdin else None)
    to_stdout.stdout.decode("utf-8")  # valid UTF-8 throughout
    assert len(to_stdout.stdout.splitlines()) == 3


def test_a_line_without_end_is_one_error_and_not_read_whole(tmp_path, model):
    listing = tmp_path / "list.txt"
    listing.write_bytes(b"x" * 100_000 + b"\n" + f"{model}\n".encode())
    result = axes("batch", str(listing), "--offline")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1 and len(lines) == 2
    assert "longer than" in lines[0]["error"] and lines[1]["target"] == str(model)


@pytest.mark.parametrize("name", ["config.json", "card.md", "card.yaml"])
def test_a_fifo_as_the_target_is_refused_not_waited_on(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    one_error_line(axes("inspect", str(fifo), "--offline", timeout=20), name, "not a regular file")


def test_a_fifo_inside_a_model_folder_is_not_read(tmp_path, model):
    for name in ("generation_config.json", "README.md"):
        (model / name).unlink(missing_ok=True)
        os.mkfifo(model / name)
    result = axes("inspect", str(model), "--offline", "--format", "json", timeout=20)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["facts"]["layers"] == 16


def test_stdin_or_stdout_closed_is_one_line(tmp_path, model):
    one_error_line(axes("batch", "-", "--offline", stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0)),
                   "stdin")
    listing = tmp_path / "list.txt"
    listing.write_text(f"{model}\n")
    one_error_line(axes("batch", str(listing), "--offline", stdout=subprocess.DEVNULL,
                        preexec_fn=lambda: os.close(1)), "stdout is closed")


# -- 11: one writer per --out -----------------------------------------------------------------------------


def test_a_second_batch_on_the_same_out_is_refused(tmp_path, model):
    out = tmp_path / "run.jsonl"
    listing = tmp_path / "list.txt"
    listing.write_text(f"{model}\n")
    fifo = tmp_path / "slow.fifo"
    os.mkfifo(fifo)
    # The first batch reads its list from a FIFO we hold open: it keeps --out locked until we close it.
    first = subprocess.Popen([sys.executable, "-m", "axes", "batch", str(fifo), "--offline", "--out", str(out)],
                             stderr=subprocess.PIPE)
    try:
        with open(fifo, "w") as feed:
            feed.write(f"{model}\n")
            feed.flush()
            for _ in range(200):  # until --out is opened (and locked, a moment later)
                if out.exists():
                    break
                time.sleep(0.05)
            time.sleep(0.3)
            second = axes("batch", str(listing), "--offline", "--out", str(out))
            one_error_line(second, "run.jsonl", "another axes run is writing this file")
            resumed = axes("batch", str(listing), "--offline", "--resume", str(out))
            one_error_line(resumed, "run.jsonl", "another axes run is writing this file")
    finally:
        _, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
    assert [json.loads(line)["target"] for line in out.read_text().splitlines()] == [str(model)]


def test_resume_into_its_own_file_keeps_its_results(tmp_path, model):
    listing = tmp_path / "list.txt"
    listing.write_text(f"{model}\n{model}-missing\n")
    out = tmp_path / "run.jsonl"
    axes("batch", str(listing), "--offline", "--out", str(out))
    assert len(out.read_text().splitlines()) == 2
    again = axes("batch", str(listing), "--offline", "--out", str(out), "--resume", str(out))
    assert again.returncode == 1
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["target"] for line in lines] == [str(model), f"{model}-missing"] and "error" in lines[1]


# -- 5: Ctrl-C ------------------------------------------------------------------------------------------------


def test_ctrl_c_ends_an_offline_batch_at_once_and_resume_finishes_it(tmp_path):
    models = [str(model_folder(tmp_path / "models", f"m{i:03d}", LLAMA_1B)) for i in range(40)]
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(models * 50) + "\n")  # 2,000 targets: far more than a second's work
    out = tmp_path / "run.jsonl"
    for attempt in range(6):
        out.unlink(missing_ok=True)
        batch = subprocess.Popen([sys.executable, "-m", "axes", "batch", str(listing), "--offline", "--jobs", "2",
                                  "--out", str(out)], stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (out.exists() and out.stat().st_size > 5000 * (attempt + 1)):
            time.sleep(0.02)
        os.killpg(batch.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: the whole process group
        sent = time.monotonic()
        try:
            _, err = batch.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(batch.pid, signal.SIGKILL)
            pytest.fail(f"attempt {attempt}: still running 10 s after Ctrl-C")
        assert time.monotonic() - sent < 3, f"attempt {attempt}: took {time.monotonic() - sent:.1f} s"
        assert batch.returncode == 130, err
        assert err.decode().strip().splitlines() == ["axes: interrupted"], err.decode()
    resumed = axes("batch", str(listing), "--offline", "--out", str(out), "--resume", str(out), timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert len({json.loads(line)["target"] for line in out.read_text().splitlines()}) == len(models)


# -- 13: writing fails, reading stops ------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("to_out", [False, True])
def test_a_full_disk_is_one_line(tmp_path, model, to_out):
    listing = tmp_path / "list.txt"
    listing.write_text(f"{model}\n" * 3)
    if to_out:
        result = axes("batch", str(listing), "--offline", "--out", "/dev/full")
        one_error_line(result, "/dev/full", "No space left on device")
    else:
        with open("/dev/full", "wb") as full:
            for args in (("batch", str(listing)), ("inspect", str(model), "--format", "json")):
                one_error_line(axes(*args, "--offline", stdout=full), "stdout", "No space left on device")


def test_a_reader_that_stops_early_is_no_error(model):
    """`axes rules list | head -1`: the reader has what it wanted."""
    for args in (("rules", "list"), ("cards", "list"), ("inspect", str(model), "--format", "json", "--offline")):
        command = subprocess.Popen([sys.executable, "-m", "axes", *args], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        assert command.stdout is not None
        command.stdout.close()  # before axes writes a byte: its first write meets a closed pipe
        _, err = command.communicate(timeout=30)
        assert command.returncode == 0 and err == b"", err.decode()


# -- 17: one line, whatever the target holds -----------------------------------------------------------------


def test_a_newline_in_a_target_stays_one_line():
    result = runner.invoke(app, ["inspect", "org/a\nb\x1b[2J", "--offline"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "org/a\\nb\\x1b[2J" in result.stderr


# -- 13, 14, 15: arguments ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", ["-5", "0", "10000000"])
def test_a_width_out_of_range_is_an_option_error(model, width):
    result = runner.invoke(app, ["inspect", str(model), "--offline", "--width", width])
    assert result.exit_code == 2 and "--width" in result.output and "range" in result.output


def test_a_path_part_over_255_bytes_is_one_line(tmp_path):
    for target in ("./" + "a" * 300, "a" * 300 + "/x"):
        result = runner.invoke(app, ["inspect", target, "--offline"])
        assert result.exit_code == 2 and "File name too long" in result.stderr, result.output
        assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr


def test_a_revision_with_slashes_is_not_a_path():
    result = runner.invoke(app, ["inspect", "org/m@refs/pr/1", "--offline"])
    assert result.exit_code == 2 and "not in the local HF cache or the catalog" in result.stderr, result.output


def test_a_binary_card_beside_a_config_is_a_note(model):
    (model / "README.md").write_bytes(b"\x00\x01\x02 binary")
    result = runner.invoke(app, ["inspect", str(model), "--offline", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["facts"]["layers"] == 16
    assert any("README.md: binary content, not text; README.md left out" in n for n in out["notices"])
