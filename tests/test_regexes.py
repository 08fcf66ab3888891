"""axes.regexes: module regexes from cached programs are the patterns re.compile gives; a bad cache is no cache."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import axes
from axes import regexes

pytestmark = pytest.mark.skipif(not regexes._USABLE, reason="this Python's re internals are not the ones cached")

SAMPLES = (
    "Heron-7B-Instruct is fine-tuned from Heron-7B with DPO; it was not trained with RLHF.",
    "## Training\n- SFT on 1.2M pairs (see [data](https://huggingface.co/datasets/wren/mix))",
    "이 모델은 Heron-7B를 기반으로 미세 조정했습니다. 推理模式 <think> </think> [TOOL_CALLS] <|im_start|>",
    "| Model | Type |\n|---|---|\n| Wren-2-9B | base |   &nbsp; <h2 id='x'>Usage</h2> ~~old~~",
)


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty cache folder, nothing read or compiled yet."""
    monkeypatch.setenv("AXES_CACHE", str(tmp_path))
    monkeypatch.setattr(regexes, "_programs", None)
    monkeypatch.setattr(regexes, "_new", {})
    monkeypatch.setattr(regexes.atexit, "register", lambda f: None)
    return tmp_path


def module_patterns() -> list[re.Pattern[str]]:
    found: dict[tuple[str, int], re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(axes.__path__, "axes."):
        if info.name.startswith(("axes.cli", "axes.scale")) or info.name.endswith("__main__"):
            continue
        for value in vars(importlib.import_module(info.name)).values():
            if isinstance(value, re.Pattern):
                found[(value.pattern, value.flags)] = value
    return list(found.values())


def behaviour(p: re.Pattern[str]) -> list[object]:
    out: list[object] = [p.pattern, p.flags, p.groups, dict(p.groupindex)]
    for text in SAMPLES:
        out.append([(m.span(), m.groups()) for m in p.finditer(text)])
    return out


def test_every_module_pattern_from_its_cached_program_behaves_as_re_compiles_it(fresh: Path) -> None:
    patterns = module_patterns()
    assert len(patterns) > 80
    for p in patterns:
        regexes.compile(p.pattern, p.flags)
    regexes._save()
    regexes._programs, regexes._new = None, {}
    for p in patterns:
        cached = regexes.compile(p.pattern, p.flags)
        assert (p.pattern, p.flags) in regexes._known()  # it came from the file
        assert behaviour(cached) == behaviour(re.compile(p.pattern, p.flags)), p.pattern
    assert not regexes._new  # nothing compiled afresh, nothing to write


def test_the_file_round_trips_and_is_written_only_for_new_programs(fresh: Path) -> None:
    regexes.compile(r"(?P<size>\d+)\s?[bm]\b", re.I)
    regexes.compile(r"heron|wren")
    regexes._save()
    files = list(fresh.glob("regex-programs-*.bin"))
    assert len(files) == 1
    decoded = regexes.decode(files[0].read_bytes())
    assert set(decoded) == {(r"(?P<size>\d+)\s?[bm]\b", int(re.I)), ("heron|wren", 0)}
    assert regexes.encode(decoded) == files[0].read_bytes()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other build", "codes cut", "wrong types"])
def test_a_damaged_file_is_no_cache(fresh: Path, damage: str) -> None:
    regexes.compile(r"\bheron\b", re.I)
    regexes._save()
    path = next(fresh.glob("regex-programs-*.bin"))
    data = path.read_bytes()
    header, _, body = data.partition(b"\n")
    damaged = {
        "truncated": data[: len(data) // 3],
        "garbage": b"\x00\xff not a cache",
        "other build": header.replace(b'"build":"', b'"build":"2.7|') + b"\n" + body,
        "codes cut": header + b"\n" + body[:-8],
        "wrong types": header.replace(b'"entries":[["', b'"entries":[[1,"') + b"\n" + body,
    }[damage]
    path.write_bytes(damaged)
    with pytest.raises((ValueError, TypeError, KeyError, IndexError)):
        regexes.decode(damaged)
    regexes._programs, regexes._new = None, {}
    assert regexes.compile(r"\bheron\b", re.I).search("HERON-7B").span() == (0, 5)
    assert regexes._new  # compiled afresh


def test_a_file_too_big_to_be_ours_is_not_read(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regexes.compile(r"\bheron\b")
    regexes._save()
    monkeypatch.setattr(regexes, "MAX_BYTES", 64)
    regexes._programs, regexes._new = None, {}
    assert regexes._known() == {}
    assert regexes.compile(r"\bheron\b").search("a heron").span() == (2, 7)


def test_a_program_the_engine_refuses_is_compiled_afresh(fresh: Path) -> None:
    key = (r"\bwren\b", 0)
    regexes._programs = {key: (32, [0, 1, 2, 3], 0, {}, (None,))}  # not a program _sre accepts
    assert regexes.compile(r"\bwren\b").search("a wren sang").span() == (2, 6)


def test_an_unwritable_cache_folder_is_no_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("AXES_CACHE", str(blocker / "cache"))  # a folder under a file: cannot exist
    monkeypatch.setattr(regexes, "_programs", None)
    monkeypatch.setattr(regexes, "_new", {})
    assert regexes.compile("heron").search("a heron").span() == (2, 7)
    regexes._save()  # says nothing, raises nothing


def test_a_run_writes_the_cache_at_exit_and_the_next_reads_it(tmp_path: Path) -> None:
    script = ("import re, sys\nfrom axes import regexes\np = regexes.compile(r'(?P<n>\\d+)b', re.I)\n"
              "print(bool(regexes._new), p.search('a 7B model').group('n'))\n")
    env = {"AXES_CACHE": str(tmp_path), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert first.stdout.split() == ["True", "7"]  # compiled, and written at exit
    assert second.stdout.split() == ["False", "7"]  # read from the file
