"""`axes batch`: order kept, failures as error lines, exit codes, --resume, stdin, every format, streaming."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import itertools
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from modelfiles import LLAMA_1B, OLMOE, QWEN_05B, isolate, model_folder
from typer.testing import CliRunner

from axes import pipeline as engine
from axes.cli import app
from axes.output import batch as batch_output
from axes.output.formats import BatchFormat
from axes.workflows import batch

runner = CliRunner()
CONFIGS = (LLAMA_1B, QWEN_05B, OLMOE)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def folders(root: Path, count: int) -> list[str]:
    return [str(model_folder(root, f"model-{i:02d}", CONFIGS[i % len(CONFIGS)])) for i in range(count)]


def write_list(path: Path, targets: list[str]) -> Path:
    path.write_text("# models to tag\n\n" + "\n".join(targets) + "\n", encoding="utf-8")
    return path


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The targets the batch actually inspected (engine.inspect is wrapped, not replaced)."""
    seen: list[str] = []
    lock = threading.Lock()
    real = engine.inspect

    def inspect(target: str, **kwargs):
        with lock:
            seen.append(target)
        return real(target, **kwargs)

    monkeypatch.setattr(engine, "inspect", inspect)
    # The wrapper is a closure, which cannot travel to worker processes: these tests are about what gets
    # inspected, so the offline batch runs on threads here (the other tests use its process pool).
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", ThreadPoolExecutor)
    return seen


def test_forty_folders_three_broken_keep_order_and_exit_1(tmp_path: Path) -> None:
    targets = folders(tmp_path / "models", 37)
    malformed = model_folder(tmp_path / "broken", "malformed", '{"hidden_size": 2048,,}')
    as_list = model_folder(tmp_path / "broken", "as-list", [LLAMA_1B])
    missing = str(tmp_path / "broken" / "not-there")
    targets.insert(4, str(malformed))
    targets.insert(20, missing)
    targets.insert(39, str(as_list))
    listing = write_list(tmp_path / "models.txt", targets)

    result = runner.invoke(app, ["batch", str(listing), "--offline", "--jobs", "4"])

    assert result.exit_code == 1, result.output
    lines = jsonl(result.stdout)
    assert [line["target"] for line in lines] == targets
    errors = {line["target"]: line["error"] for line in lines if "error" in line}
    assert set(errors) == {str(malformed), missing, str(as_list)}
    assert "config.json:1" in errors[str(malformed)]  # the error names the file and line
    assert "list" in errors[str(as_list)]
    results = [line for line in lines if "error" not in line]
    assert len(results) == 37
    for line in results:
        assert set(line["axes"]) == {"backbone", "post_training", "inference", "product"}
        assert line["source"] == "local" and line["facts"]["total_params"] > 0
    assert "3 targets failed" in result.stderr


def test_all_good_exits_0_and_skips_comments(tmp_path: Path) -> None:
    targets = folders(tmp_path, 3)
    listing = tmp_path / "list.txt"
    listing.write_text(f"# a comment\n\n  {targets[0]}  \n#{targets[1]}\n{targets[2]}\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(listing), "--offline"])
    assert result.exit_code == 0, result.output
    assert [line["target"] for line in jsonl(result.stdout)] == [targets[0], targets[2]]


def test_resume_appends_only_the_rest(tmp_path: Path, recorded: list[str]) -> None:
    targets = folders(tmp_path / "models", 6)
    listing = write_list(tmp_path / "models.txt", targets)
    out = tmp_path / "run.jsonl"
    first = runner.invoke(app, ["batch", str(listing), "--offline", "--out", str(out)])
    assert first.exit_code == 0, first.output
    lines = out.read_text(encoding="utf-8").splitlines()
    # A run killed while writing: two results, an error for the third, half of the fourth line.
    error = json.dumps({"target": targets[2], "error": "the Hub timed out"})
    out.write_text("\n".join([lines[0], lines[1], error, lines[3][: len(lines[3]) // 2]]), encoding="utf-8")
    recorded.clear()

    result = runner.invoke(app, ["batch", str(listing), "--offline", "--resume", str(out), "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert sorted(recorded) == sorted(targets[2:])  # the error is retried, the half line redone
    final = jsonl(out.read_text(encoding="utf-8"))
    assert [line["target"] for line in final] == targets
    assert all("error" not in line for line in final)
    assert "skipped 2 targets" in result.stderr


def test_resume_from_a_file_not_written_yet_is_a_first_run(tmp_path: Path) -> None:
    targets = folders(tmp_path / "models", 2)
    listing = write_list(tmp_path / "models.txt", targets)
    out = tmp_path / "run.jsonl"
    result = runner.invoke(app, ["batch", str(listing), "--offline", "--resume", str(out), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [line["target"] for line in jsonl(out.read_text(encoding="utf-8"))] == targets


def test_resume_rejects_a_file_broken_in_the_middle(tmp_path: Path) -> None:
    listing = write_list(tmp_path / "models.txt", folders(tmp_path / "models", 1))
    old = tmp_path / "old.jsonl"
    old.write_text('{"target": "a"}\nnot json\n{"target": "b"}\n', encoding="utf-8")
    result = runner.invoke(app, ["batch", str(listing), "--offline", "--resume", str(old)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"axes: {old}:2: not a JSONL batch output")


def test_resume_drops_a_tail_cut_inside_a_character(tmp_path: Path) -> None:
    targets = folders(tmp_path / "models", 2)
    old = tmp_path / "old.jsonl"
    done = json.dumps({"target": targets[0], "lenses": {}}, ensure_ascii=False)
    cut = '{"target": "x", "note": "모호'.encode()[:-1]  # a kill in the middle of a UTF-8 sequence
    old.write_bytes(done.encode() + b"\n" + cut)
    result = runner.invoke(app, ["batch", "-", "--offline", "--resume", str(old)], input="\n".join(targets))
    assert result.exit_code == 0, result.output
    assert [line["target"] for line in jsonl(result.stdout)] == targets[1:]


def test_resume_to_stdout_leaves_the_old_file(tmp_path: Path, recorded: list[str]) -> None:
    targets = folders(tmp_path / "models", 4)
    listing = write_list(tmp_path / "models.txt", targets)
    old = tmp_path / "old.jsonl"
    done = runner.invoke(app, ["batch", str(listing), "--offline"]).stdout.splitlines()
    old.write_text(done[0] + "\n" + done[1][:40], encoding="utf-8")
    recorded.clear()

    result = runner.invoke(app, ["batch", str(listing), "--offline", "--resume", str(old)])

    assert result.exit_code == 0, result.output
    assert [line["target"] for line in jsonl(result.stdout)] == targets[1:]
    assert sorted(recorded) == sorted(targets[1:])
    assert old.read_text(encoding="utf-8") == done[0] + "\n" + done[1][:40]


def test_resume_into_its_own_file_needs_jsonl(tmp_path: Path) -> None:
    listing = write_list(tmp_path / "models.txt", folders(tmp_path / "models", 1))
    out = tmp_path / "run.jsonl"
    result = runner.invoke(app, ["batch", str(listing), "--resume", str(out), "--out", str(out), "-f", "csv"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_stdin(tmp_path: Path) -> None:
    targets = folders(tmp_path, 3)
    result = runner.invoke(app, ["batch", "-", "--offline"], input="\n".join(targets) + "\n")
    assert result.exit_code == 0, result.output
    assert [line["target"] for line in jsonl(result.stdout)] == targets


def test_csv(tmp_path: Path) -> None:
    targets = [*folders(tmp_path, 2), str(tmp_path / "nowhere")]
    result = runner.invoke(app, ["batch", "-", "--offline", "-f", "csv"], input="\n".join(targets))
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(batch_output.CSV_COLUMNS)
    assert list(rows[0])[:len(batch_output.COLUMNS)] == list(batch_output.COLUMNS)  # new columns come after
    assert [row["target"] for row in rows] == targets
    assert rows[0]["source"] == "local" and rows[0]["structure"] == "dense" and rows[0]["moe"] == "false"
    assert int(rows[0]["total_params"]) > 1_000_000_000
    verdict = json.loads(runner.invoke(app, ["inspect", targets[0], "--format", "json"]).stdout)
    for axis in ("backbone", "post_training", "inference", "product"):
        assert float(rows[0][f"{axis}_murk"]) == verdict["axes"][axis]["murk"]
    assert int(rows[0]["context_length"]) == verdict["facts"]["context_length"]
    assert rows[0]["checkpoint"] == (verdict["facts"]["checkpoint"] or "")
    assert rows[2]["error"] and not rows[2]["source"] and not rows[2]["backbone_murk"]


@pytest.mark.parametrize(("lang", "header"), [("en", "target"), ("ko", "대상")])
def test_markdown(tmp_path: Path, lang: str, header: str) -> None:
    targets = [*folders(tmp_path, 2), str(tmp_path / "nowhere")]
    result = runner.invoke(app, ["batch", "-", "--offline", "-f", "markdown", "--lang", lang],
                           input="\n".join(targets))
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"| {header} |") and lines[0].count("|") == len(batch_output.COLUMNS) + 1
    assert lines[1] == "|" + "---|" * len(batch_output.COLUMNS)
    assert [line.split(" | ")[0].lstrip("| ") for line in lines[2:]] == targets


def test_table(tmp_path: Path) -> None:
    targets = folders(tmp_path, 2)
    result = runner.invoke(app, ["batch", "-", "--offline", "-f", "table", "--width", "240"],
                           input="\n".join(targets))
    assert result.exit_code == 0, result.output
    assert "murkiest" in result.stdout and "post-training" in result.stdout
    # one row per target, its lenses as letters (D -: dense, standard), explained by the legend
    assert result.stdout.count(" D - ") == 2 and "D dense" in result.stdout


def test_every_format_has_a_test() -> None:
    assert {f.value for f in BatchFormat} == {"jsonl", "csv", "markdown", "table"}


def test_missing_list_is_bad_input() -> None:
    result = runner.invoke(app, ["batch", "no-such-list.txt"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["axes: no-such-list.txt: cannot read the target list: "
                                                  "No such file or directory"]


def test_bad_rule_file_fails_before_any_target(tmp_path: Path, recorded: list[str]) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.yaml").write_text("rules: [\n", encoding="utf-8")
    listing = write_list(tmp_path / "models.txt", folders(tmp_path / "models", 2))
    result = runner.invoke(app, ["batch", str(listing), "--rules", str(rules)])
    assert result.exit_code == 2
    assert result.stdout == "" and recorded == []


def test_hf_cache_reads_the_cache_layout(tmp_path: Path) -> None:
    hub = tmp_path / "hf" / "hub"
    commit = "0123456789abcdef0123456789abcdef01234567"
    for repo, config in (("acme/tiny-llama", LLAMA_1B), ("acme/tiny-qwen", QWEN_05B)):
        folder = hub / f"models--{repo.replace('/', '--')}"
        model_folder(folder / "snapshots", commit, config)
        (folder / "refs").mkdir()
        (folder / "refs" / "main").write_text(commit)
    result = runner.invoke(app, ["batch", "--hf-cache"])
    assert result.exit_code == 0, result.output
    lines = jsonl(result.stdout)
    assert [line["target"] for line in lines] == ["acme/tiny-llama", "acme/tiny-qwen"]
    assert {line["source"] for line in lines} == {"cache"}


def test_needs_one_source_of_targets(tmp_path: Path) -> None:
    assert runner.invoke(app, ["batch"]).exit_code == 2
    listing = write_list(tmp_path / "models.txt", [])
    assert runner.invoke(app, ["batch", str(listing), "--hf-cache"]).exit_code == 2


def test_run_yields_in_input_order_as_results_finish() -> None:
    def slow_first(target: str):
        time.sleep(0.05 if target == "0" else 0)
        return target  # run() only carries the result

    outcomes = list(batch.run((str(i) for i in range(20)), slow_first, jobs=4))  # type: ignore[arg-type]
    assert [o.target for o in outcomes] == [str(i) for i in range(20)]


def test_run_reads_targets_lazily() -> None:
    """An endless list still yields its first results: input is pulled as workers free up, not read up front."""
    pulled = itertools.count()
    endless = (str(next(pulled)) for _ in itertools.count())
    outcomes = batch.run(endless, lambda t: t, jobs=2)  # type: ignore[arg-type,return-value]
    first = [o.target for o in itertools.islice(outcomes, 3)]
    outcomes.close()
    assert first == ["0", "1", "2"]
    assert next(pulled) <= 3 + 2 * batch.WINDOW_PER_JOB + 1


def _pid_after_a_moment(_target: str) -> int:
    time.sleep(0.005)
    return os.getpid()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the batch has no worker process")
def test_a_local_batch_works_on_this_process_and_on_its_workers() -> None:
    """Offline, this process inspects on a thread of its own beside cores - 1 forked workers (one process fewer
    holding the rulebook): both sides take targets, and the outcomes still come in input order."""
    targets = [str(i) for i in range(80)]
    outcomes = list(batch.run(iter(targets), _pid_after_a_moment, jobs=2, local=True))  # type: ignore[arg-type]
    assert [o.target for o in outcomes] == targets
    pids = {o.verdict for o in outcomes}
    assert os.getpid() in pids and len(pids) == 2
