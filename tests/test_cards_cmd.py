"""`axes cards list|show`: bundled cards and a learner's own (a folder, a .md or a .yaml card)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from modelfiles import CLOSED_CARD, LLAMA_1B, isolate, model_folder
from typer.testing import CliRunner

from axes.cli import app
from axes.sources import catalog

runner = CliRunner()
YAML_CARD = """name: acme/tiny-yaml
readme: |
  ---
  catalog:
    date: 2025-02-02
  ---
  # Tiny YAML
  A chat model tuned with supervised fine-tuning.
config:
  architectures: [LlamaForCausalLM]
  model_type: llama
  hidden_size: 2048
  intermediate_size: 8192
  num_hidden_layers: 16
  num_attention_heads: 32
  num_key_value_heads: 8
  vocab_size: 128256
  max_position_embeddings: 131072
  tie_word_embeddings: true
"""


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def my_cards(tmp_path: Path) -> Path:
    root = tmp_path / "my-cards"
    folder = model_folder(root / "acme", "tiny-folder", LLAMA_1B,
                          card="---\ncatalog:\n  date: 2025-01-15\n---\n# Tiny folder\nA small chat model.\n")
    assert folder.is_dir()
    (root / "acme" / "assistant.md").write_text(CLOSED_CARD, encoding="utf-8")
    (root / "acme" / "tiny-yaml.yaml").write_text(YAML_CARD, encoding="utf-8")
    return root


def listed(output: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split() for line in output.splitlines()}


def test_list_shows_user_cards_with_lenses_and_date(my_cards: Path) -> None:
    result = runner.invoke(app, ["cards", "list", "--cards", str(my_cards)])
    assert result.exit_code == 0, result.output
    rows = listed(result.stdout)
    assert rows["acme/tiny-folder"][-2:] == ["2025-01-15", "user"]
    assert "dense" in rows["acme/tiny-folder"]
    assert rows["acme/assistant"][-2:] == ["2025-03-01", "user"] and "unknown" in rows["acme/assistant"]
    assert rows["acme/tiny-yaml"][-2:] == ["2025-02-02", "user"]
    bundled = [row for row in rows.values() if row[-1] == "bundled"]
    assert len(bundled) == sum(entry.bundled for entry in catalog.entries())


def test_env_var_finds_user_cards(my_cards: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AXES_CARDS", str(my_cards))
    assert "acme/tiny-yaml" in listed(runner.invoke(app, ["cards", "list"]).stdout)


def test_a_broken_user_card_is_listed_not_fatal(my_cards: Path) -> None:
    (my_cards / "acme" / "typo.yaml").write_text("name: acme/typo\nreadmee: hi\n", encoding="utf-8")
    result = runner.invoke(app, ["cards", "list", "--cards", str(my_cards)])
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("acme/typo "))
    assert "error:" in row and "readmee" in row
    assert "acme/tiny-yaml" in result.stdout


def test_show_prints_every_file_of_a_folder_card(my_cards: Path) -> None:
    result = runner.invoke(app, ["cards", "show", "acme/tiny-folder", "--cards", str(my_cards)])
    assert result.exit_code == 0, result.output
    headers = [line for line in result.stdout.splitlines() if line.startswith("==> ")]
    assert [Path(h[4:-4]).name for h in headers] == ["README.md", "config.json"]
    config = result.stdout.split("config.json <==\n", 1)[1]
    assert json.loads(config)["num_hidden_layers"] == 16


def test_show_a_single_file_card_and_by_bare_name(my_cards: Path) -> None:
    result = runner.invoke(app, ["cards", "show", "tiny-yaml", "--cards", str(my_cards)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"==> {my_cards / 'acme' / 'tiny-yaml.yaml'} <==\nname: acme/tiny-yaml")


def test_a_user_card_overrides_nothing_it_does_not_name_and_inspects(my_cards: Path) -> None:
    result = runner.invoke(app, ["inspect", "acme/assistant", "--cards", str(my_cards), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["source"] == "catalog"


def test_show_unknown_id_is_bad_input() -> None:
    result = runner.invoke(app, ["cards", "show", "nobody/nothing"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["axes: nobody/nothing: no such card (axes cards list shows them)"]
