"""What a learner meets doing the course's exercises: an unknown model is a row, not a failure; the names
people type (aliases, typos) find their card or the names they are close to; output ready to hand in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from modelfiles import CLOSED_CARD, LLAMA_1B, isolate, model_folder
from typer.testing import CliRunner

from axes import pipeline
from axes.cli import app
from axes.errors import AxesError
from axes.sources import catalog
from axes.types import Failure, InspectOptions, Verdict

runner = CliRunner()
OFFLINE = InspectOptions(offline=True)
FIVE = ["ChatGPT", "claude-sonnet", "Qwen3-8B", "no-such/model", "meta-llama/Llama-3.1-8B-Instruct"]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def table_rows(markdown: str) -> list[list[str]]:
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| "))
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[start + 2:] if line.startswith("|")]


# -- an unknown model is a row -------------------------------------------------------------------------


@pytest.mark.parametrize("lang,unknown,hint", [
    ("en", "not found — look it up, or write a card: `axes cards new no-such/model`", "did you mean"),
    ("ko", "찾지 못했어요 — 찾아보거나 카드를 직접 써 보세요: `axes cards new no-such/model`", "비슷한 이름"),
])
def test_lenses_with_an_unknown_model_is_five_rows_and_exit_0(lang: str, unknown: str, hint: str) -> None:
    result = runner.invoke(app, ["exercise", "lenses", *FIVE, "--offline", "--lang", lang])
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    assert len(rows) == 5
    assert rows[0][0] == "ChatGPT -> openai/gpt-4o" and rows[1][0] == "claude-sonnet -> anthropic/claude-sonnet-4"
    assert rows[3][0] == "`no-such/model`" and unknown in rows[3][1]
    assert all(unknown.split(" — ")[0] + " — " not in cell for row in rows[:3] + rows[4:] for cell in row)
    missing = result.stdout.split("\n## ", 2)[-1]
    assert "`no-such/model`" in missing and missing.count("\n- ") == 1
    # a name close to a catalog entry gets its did-you-mean, in the same list
    typo = runner.invoke(app, ["exercise", "lenses", "meta-lama/Llama-3.1-8B-Instruct", "Qwen3-8B", "--offline",
                               "--lang", lang])
    assert typo.exit_code == 0 and hint in typo.stdout and "`meta-llama/Llama-3.1-8B-Instruct`" in typo.stdout


def test_four_axes_of_an_unknown_model_is_its_table_marked_not_found() -> None:
    result = runner.invoke(app, ["exercise", "four-axes", "meta-lama/Llama-3.1-8B-Instruct", "--offline"])
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    assert len(rows) == 4 and all(row[1].startswith("not found — ") for row in rows)
    assert "did you mean `meta-llama/Llama-3.1-8B-Instruct`?" in result.stdout


def test_compare_marks_the_unknown_column_and_lists_it(tmp_path: Path) -> None:
    a, b = (str(model_folder(tmp_path, n, LLAMA_1B)) for n in ("a", "b"))
    result = runner.invoke(app, ["compare", a, "nobody/x", b, "--offline", "-f", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "| axis |  | a | x | b |"
    assert "not found — look it up, or write a card: `axes cards new nobody/x`" in result.stdout
    assert "Not compared (not found): nobody/x." in result.stdout
    data = json.loads(runner.invoke(app, ["compare", a, "nobody/x", b, "--offline", "-f", "json"]).stdout)
    assert [m["target"] for m in data["models"]] == [a, b] and data["missing"][0]["target"] == "nobody/x"
    assert data["axes"]["backbone"]["same"] is True


def test_compare_with_nothing_known_is_bad_input() -> None:
    result = runner.invoke(app, ["compare", "nobody/x", "nobody/y", "--offline"])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_inspect_each_gives_a_failure_per_unknown_target_and_still_raises_on_bad_input(tmp_path: Path) -> None:
    known = str(model_folder(tmp_path, "known", LLAMA_1B))
    results = pipeline.inspect_each([known, "nobody/x", "Qwen3-8"], OFFLINE)
    assert isinstance(results[0], Verdict)
    assert results[1] == Failure(target="nobody/x", error=results[1].error, suggestions=())
    assert isinstance(results[2], Failure) and results[2].suggestions == ("Qwen/Qwen3-8B",)
    broken = model_folder(tmp_path, "broken", "{not json")
    with pytest.raises(AxesError, match="config.json:1: not valid JSON"):
        pipeline.inspect_each([known, str(broken)], OFFLINE)


# -- names people type ----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed,entry", [
    ("ChatGPT", "openai/gpt-4o"), ("chatgpt", "openai/gpt-4o"), ("Claude", "anthropic/claude-sonnet-4"),
    ("HyperCLOVA X", "naver/hyperclova-x"), ("hyperclova_x", "naver/hyperclova-x"), ("Llama 3",
    "meta-llama/Meta-Llama-3-8B-Instruct"), ("Qwen3", "Qwen/Qwen3-8B"), ("Solar Pro", "upstage/solar-pro-2"),
    ("EXAONE", "LGAI-EXAONE/EXAONE-4.0-32B"), ("Kanana", "kakaocorp/kanana-1.5-8b-instruct-2505"),
    ("Grok", "xai/grok-3"), ("Gemini", "google/gemini-2.5-flash"), ("Gemma", "google/gemma-3-27b-it"),
    ("DeepSeek", "deepseek-ai/DeepSeek-V3.1"), ("Mistral", "mistralai/Mistral-7B-Instruct-v0.3"),
    ("claude sonnet 4", "anthropic/claude-sonnet-4"),
])
def test_names_people_type_find_their_catalog_entry(typed: str, entry: str) -> None:
    verdict = pipeline.inspect(typed, OFFLINE)
    assert verdict.target == typed and verdict.origin.entry == entry and verdict.origin.alias == typed
    assert f"{typed} -> {entry} (catalog alias)" in verdict.notices


def test_every_alias_names_one_entry_and_shadows_no_id() -> None:
    owners: dict[str, str] = {}
    names = {catalog.name_key(e.id) for e in catalog.entries()} | {
        catalog.name_key(e.id.split("/", 1)[1]) for e in catalog.entries()}
    for entry in catalog.entries():
        for alias in entry.aliases:
            key = catalog.name_key(alias)
            assert key not in owners, f"{alias!r} is an alias of {owners[key]} and {entry.id}"
            assert key not in names, f"{alias!r} of {entry.id} spells a catalog id or name"
            owners[key] = entry.id
    assert len(owners) >= 40


def test_a_learners_own_card_can_declare_aliases(tmp_path: Path) -> None:
    root = tmp_path / "my-cards" / "acme"
    root.mkdir(parents=True)
    (root / "helper-1.md").write_text("---\ncatalog:\n  aliases: [Acme Helper]\n---\n# Helper-1\n", encoding="utf-8")
    verdict = pipeline.inspect("acme helper", InspectOptions(offline=True, cards=(tmp_path / "my-cards",)))
    assert verdict.origin.entry == "acme/helper-1" and not verdict.origin.summary


def test_typos_get_a_did_you_mean_in_every_command() -> None:
    result = runner.invoke(app, ["inspect", "meta-lama/Llama-3.1-8B-Instruct", "--offline"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "did you mean meta-llama/Llama-3.1-8B-Instruct?" in line and "axes cards list" in line
    assert "did you mean Qwen/Qwen3-8B?" in runner.invoke(app, ["inspect", "Qwen3-8", "--offline"]).stderr
    batch = runner.invoke(app, ["batch", "-", "--offline", "-f", "jsonl"], input="Qwen3-8\n")
    assert "did you mean Qwen/Qwen3-8B?" in json.loads(batch.stdout)["error"]


def test_did_you_mean_looks_in_the_local_hf_cache(tmp_path: Path) -> None:
    snapshot = tmp_path / "hf" / "hub" / "models--acme--Helper-7B-Chat" / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps(LLAMA_1B), encoding="utf-8")
    result = runner.invoke(app, ["inspect", "acme/Helper-7B-Caht", "--offline"])
    assert result.exit_code == 2 and "did you mean acme/Helper-7B-Chat?" in result.stderr


def test_nothing_close_still_points_at_the_catalog() -> None:
    result = runner.invoke(app, ["inspect", "zz/qqqq", "--offline"])
    assert "did you mean" not in result.stderr and "`axes cards list` shows the catalog" in result.stderr


# -- axes cards new -------------------------------------------------------------------------------------


def test_cards_new_writes_a_template_that_reads_and_never_overwrites(tmp_path: Path) -> None:
    root = tmp_path / "my-cards"
    root.mkdir()
    result = runner.invoke(app, ["cards", "new", "acme/helper-1", "--cards", str(root)])
    assert result.exit_code == 0, result.output
    card = root / "acme" / "helper-1.yaml"
    text = card.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["name"] == "acme/helper-1" and text.count("\n#") >= 10  # commented
    assert f"axes inspect acme/helper-1 --cards {root}" in result.stderr
    data = json.loads(runner.invoke(app, ["inspect", "acme/helper-1", "--cards", str(root), "-f", "json"]).stdout)
    assert data["lenses"]["moe"] is None and all(not axis["tags"] for axis in data["axes"].values())
    again = runner.invoke(app, ["cards", "new", "acme/helper-1", "--cards", str(root)])
    assert again.exit_code == 2 and "already there" in again.stderr and card.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("bad", ["helper", "a/b/c", "../x", "acme/na me"])
def test_cards_new_refuses_what_is_not_an_id(tmp_path: Path, bad: str) -> None:
    result = runner.invoke(app, ["cards", "new", bad, "--cards", str(tmp_path)])
    assert result.exit_code == 2 and "org/name" in result.stderr and not list(tmp_path.iterdir())


# -- ready to hand in -----------------------------------------------------------------------------------


def test_a_catalog_card_says_it_is_axes_summary_with_its_source_and_date_first() -> None:
    text = runner.invoke(app, ["exercise", "four-axes", "openai/gpt-4o", "--offline"]).stdout
    lines = text.splitlines()
    assert lines[2] == "source: axes' summary of https://openai.com/index/hello-gpt-4o/, read 2024-05-13  "
    table = runner.invoke(app, ["inspect", "openai/gpt-4o", "--offline", "--width", "120"]).stdout.splitlines()
    assert table[1].startswith("source: axes' summary of https://openai.com/")


def test_a_card_file_is_cited_by_its_own_name(tmp_path: Path) -> None:
    card = tmp_path / "x.md"
    card.write_text("# X\n\nIt was trained with DPO on preference pairs.\n", encoding="utf-8")
    text = runner.invoke(app, ["inspect", str(card), "--offline", "-f", "markdown"]).stdout
    assert "x.md:3" in text and "README.md" not in text
    data = json.loads(runner.invoke(app, ["inspect", str(card), "--offline", "-f", "json"]).stdout)
    dpo = next(t for t in data["axes"]["post_training"]["tags"] if t["name"] == "dpo")
    assert dpo["evidence"][0]["file"] == "README.md"  # CONTRACT.md: the JSON keeps the canonical name


def test_one_marketing_phrase_is_singular(tmp_path: Path) -> None:
    card = tmp_path / "m.md"
    card.write_text("# M\n\nOur most intelligent model yet.\n", encoding="utf-8")
    text = runner.invoke(app, ["inspect", str(card), "--offline", "-f", "markdown"]).stdout
    assert "1 marketing phrase ·" in text and "1 marketing phrases" not in text


def test_the_lenses_line_says_each_thing_once() -> None:
    text = runner.invoke(app, ["inspect", "deepseek-ai/DeepSeek-R1", "--offline", "--width", "200"]).stdout
    line = next(line for line in text.splitlines() if line.startswith("lenses:"))
    assert line.count("MoE + reasoning") == 1 and "frontier paradigm" in line


def test_closed_cards_product_claims_are_tagged() -> None:
    tags = {t.name for t in pipeline.inspect("openai/gpt-4o", OFFLINE).rows["product"].tags}
    assert {"memory", "code-interpreter", "guardrail", "browsing"} <= tags


def test_korean_notes_on_stderr(tmp_path: Path) -> None:
    card = tmp_path / "acme.md"
    card.write_text(CLOSED_CARD, encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(card), "--offline", "--lang", "ko"])
    assert result.stderr.strip() == ("axes: 참고: config.json이 없어요. 기계가 읽을 수 있는 파일로는 백본을 "
                                     "확인할 수 없어요")
    alias = runner.invoke(app, ["exercise", "four-axes", "ChatGPT", "--offline", "--lang", "ko"])
    assert "axes: 참고: ChatGPT -> openai/gpt-4o (카탈로그 별칭)" in alias.stderr


def test_batch_clears_its_progress_bar_before_the_table() -> None:
    from axes.output.batch import write_all
    from axes.workflows.batch import Outcome

    order: list[str] = []

    class Emitter:
        def start(self) -> str:
            return ""

        def row(self, outcome: Outcome) -> str:
            order.append("row")
            return ""

        def end(self) -> str:
            order.append("end")
            return "table\n"

    import io

    write_all([Outcome("a", error="x")], Emitter(), io.StringIO(), rows_done=lambda: order.append("clear"))
    assert order == ["row", "clear", "end"]


def test_catalog_sizes_and_links() -> None:
    result = runner.invoke(app, ["cards", "list"])
    rows = [line.split() for line in result.stdout.splitlines() if line.strip()]
    assert len(rows) >= 40 and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[-2]) for row in rows)


def test_the_batch_table_reads_at_100_columns() -> None:
    from rich.cells import cell_len

    targets = "Qwen/Qwen3-8B\nQwen/Qwen3-32B\nQwen/Qwen3-30B-A3B\ndeepseek-ai/DeepSeek-R1\nopenai/gpt-4o\nnobody/x\n"
    result = runner.invoke(app, ["batch", "-", "--offline", "-f", "table", "--width", "100"], input=targets)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1 and max(cell_len(line.rstrip()) for line in lines) <= 100
    rows = {line.split()[0]: line.split()[1:3] for line in lines if line.startswith(" ") and len(line.split()) > 2}
    assert rows["Qwen3-8B"] == ["D", "R"] and rows["Qwen3-30B-A3B"] == ["M", "R"] and rows["gpt-4o"] == ["?", "-"]
    assert "Qwen/" not in result.stdout and any(line.startswith("lens: D dense · M MoE") for line in lines)
    assert any(line.startswith("✗ failed: nobody/x — ") for line in lines)
