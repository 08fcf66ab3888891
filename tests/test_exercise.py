"""`axes exercise`: lesson 02's four-axes table and lesson 04's lenses, as Markdown, in English and Korean."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from modelfiles import CLOSED_CARD, LLAMA_1B, OLMOE, QWEN_05B, isolate, model_folder
from typer.testing import CliRunner

from axes import pipeline as engine
from axes.cli import app
from axes.output import exercise
from axes.output.i18n import Lang
from axes.sources import catalog
from axes.types import Snapshot

runner = CliRunner()
THINKING_TEMPLATE = "{% for m in messages %}{{ m.content }}{% endfor %}<think>\n"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def table_rows(markdown: str, header_start: str) -> list[list[str]]:
    """The rows under the pipe table whose header line starts with `header_start`."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    assert re.fullmatch(r"\|(---\|)+", lines[start + 1])
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def numbered(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if re.match(r"^\d+\. ", line)]


def test_four_axes_on_a_local_folder(tmp_path: Path) -> None:
    folder = model_folder(tmp_path, "tiny-llama", LLAMA_1B)
    result = runner.invoke(app, ["exercise", "four-axes", str(folder), "--offline"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"# Four axes: {folder}\n")
    rows = table_rows(text, "| axis | what is known, and where | murk |")
    assert [row[0].replace(" **▲**", "") for row in rows] == [
        "backbone", "post-training", "inference strategy", "product behavior"]
    assert sum("▲" in row[0] for row in rows) == 1
    # each fact beside the line that supports it: "GQA (8 KV heads) · config.json:7"
    assert re.search(r"GQA \(8 KV heads\) · config\.json:\d+", rows[0][1]), rows[0][1]
    assert "## Murkiest axis:" in text and "## Questions to look up next" in text
    assert 2 <= len(numbered(text)) <= 3


def test_four_axes_on_a_card_the_learner_wrote(tmp_path: Path) -> None:
    card = tmp_path / "acme-assistant.md"
    card.write_text(CLOSED_CARD, encoding="utf-8")
    result = runner.invoke(app, ["exercise", "four-axes", str(card), "--offline"])
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout, "| axis |")
    assert len(rows) == 4 and rows[0][1] == "nothing found"
    assert 2 <= len(numbered(result.stdout)) <= 3


@pytest.mark.skipif(catalog.find("openai/gpt-4o") is None, reason="no bundled openai/gpt-4o card yet")
def test_four_axes_on_a_closed_catalog_model() -> None:
    result = runner.invoke(app, ["exercise", "four-axes", "openai/gpt-4o", "--offline"])
    assert result.exit_code == 0, result.output
    assert len(table_rows(result.stdout, "| axis |")) == 4


def test_four_axes_in_korean(tmp_path: Path) -> None:
    folder = model_folder(tmp_path, "tiny-qwen", QWEN_05B)
    result = runner.invoke(app, ["exercise", "four-axes", str(folder), "--offline", "--lang", "ko"])
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout, "| 축 | 알려진 것과 근거 | 모호도 |")
    assert rows[0][0].startswith("백본 아키텍처") and len(rows) == 4
    assert "## 가장 모호한 축:" in result.stdout and "## 다음에 찾아볼 질문" in result.stdout
    assert all(re.search("[가-힣]", q) for q in numbered(result.stdout))


def test_questions_follow_what_is_missing() -> None:
    """No config.json: the backbone questions ask what a config would have said."""
    rules = engine.rulebook()
    blind = engine.analyse(Snapshot(target="x", source="card", files={"README.md": "# X\nA chat model.\n"}),
                           rules)
    asked = exercise.asked(blind, "backbone", Lang.en)
    assert asked[0] == "Is it dense or MoE? How many parameters are active per token?"
    assert 2 <= len(asked) <= 3

    known = engine.analyse(Snapshot(target="y", source="local", files={"config.json": json.dumps(LLAMA_1B)}),
                           rules)
    asked = exercise.asked(known, "backbone", Lang.en)
    assert "Is it dense or MoE? How many parameters are active per token?" not in asked
    assert len(asked) >= 2


def test_out_writes_the_same_markdown(tmp_path: Path) -> None:
    folder = model_folder(tmp_path, "tiny-llama", LLAMA_1B)
    out = tmp_path / "notes" / "four-axes.md"
    out.parent.mkdir()
    shown = runner.invoke(app, ["exercise", "four-axes", str(folder), "--offline"]).stdout
    result = runner.invoke(app, ["exercise", "four-axes", str(folder), "--offline", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == shown and result.stdout == ""
    assert [p.name for p in out.parent.iterdir()] == ["four-axes.md"]  # no temp file left behind


@pytest.mark.parametrize("command", ["four-axes", "lenses"])
def test_out_into_a_missing_folder_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    folder = model_folder(tmp_path, "tiny-llama", LLAMA_1B)
    out = tmp_path / "no-such-folder" / "out.md"
    result = runner.invoke(app, ["exercise", command, str(folder), "--offline", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"axes: {out}: cannot write: the folder does not exist"]
    assert not out.parent.exists()


def five_models(tmp_path: Path) -> list[str]:
    dense = model_folder(tmp_path, "tiny-llama", LLAMA_1B)
    moe = model_folder(tmp_path, "tiny-olmoe", OLMOE)
    thinking = model_folder(tmp_path, "tiny-thinker", QWEN_05B)
    (thinking / "chat_template.jinja").write_text(THINKING_TEMPLATE, encoding="utf-8")
    quant = model_folder(tmp_path, "tiny-qwen", QWEN_05B)
    closed = tmp_path / "acme-assistant.md"
    closed.write_text(CLOSED_CARD, encoding="utf-8")
    return [str(p) for p in (dense, moe, thinking, quant, closed)]


def test_lenses_five_models(tmp_path: Path) -> None:
    models = five_models(tmp_path)
    result = runner.invoke(app, ["exercise", "lenses", *models, "--offline"])
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout, "| model | (a) backbone | evidence | (b) inference | evidence |")
    assert [row[0] for row in rows] == models
    assert [row[1] for row in rows[:2]] == ["dense", "MoE"]
    assert rows[0][2].startswith("config.json:") and rows[1][2].startswith("config.json:")
    assert rows[4][1] == "**unknown — look this up next**"
    assert {row[3] for row in rows} <= {"standard", "reasoning"}
    assert rows[2][3] == "reasoning" and "chat_template" in rows[2][4]
    assert (f"\nAt least one backbone is unknown ({models[4]}) — that is what to look up next.\n\n## Sources\n"
            in result.stdout)
    assert result.stdout.rstrip().endswith(f"- {models[4]} — your card acme-assistant.md")
    assert result.stderr == ""


def test_lenses_in_korean(tmp_path: Path) -> None:
    models = five_models(tmp_path)
    result = runner.invoke(app, ["exercise", "lenses", *models, "--offline", "--lang", "ko"])
    rows = table_rows(result.stdout, "| 모델 | (a) 백본 | 근거 | (b) 추론 실행 | 근거 |")
    assert len(rows) == 5 and rows[4][1] == "**알 수 없어요 — 다음에 찾아볼 거리예요**"
    assert {row[3] for row in rows} <= {"표준", "추론"}
    assert "다음에 찾아볼 거리예요" in result.stdout


def test_lenses_with_other_than_five_warns_and_still_tags(tmp_path: Path) -> None:
    models = five_models(tmp_path)[:3]
    result = runner.invoke(app, ["exercise", "lenses", *models, "--offline"])
    assert result.exit_code == 0, result.output
    assert "asks for five models; tagging 3" in result.stderr
    assert len(table_rows(result.stdout, "| model |")) == 3
    assert "Every backbone here was readable" in result.stdout
