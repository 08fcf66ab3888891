"""Targets and sources other than the Hub (tests/test_hub.py): card files, a lone config.json, the catalog,
a learner's own cards, offline mode."""

from __future__ import annotations

import json

import pytest

from axes import sources
from axes.errors import AxesError
from axes.pipeline import inspect
from axes.types import InspectOptions

OFFLINE = InspectOptions(offline=True)
CONFIG = {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100}


def test_markdown_card_file(tmp_path):
    card = tmp_path / "helper-1.md"
    card.write_text("---\nlicense: mit\n---\n# Helper-1\nIt supports function calling.\n")
    snap = sources.resolve(str(card))
    assert snap.source == "card" and snap.repo_name == "helper-1" and "README.md" in snap.files
    assert "tool-use" in {t.name for t in inspect(str(card)).rows["product"].tags}


def test_yaml_card_file_with_config(tmp_path):
    card = tmp_path / "helper-2.yaml"
    card.write_text("name: acme/helper-2\nreadme: |\n  # Helper-2\n  Trained with DPO.\nconfig:\n"
                    + "".join(f"  {k}: {json.dumps(v)}\n" for k, v in CONFIG.items()))
    verdict = inspect(str(card))
    assert verdict.source == "card" and verdict.backbone.facts.layers == 2
    assert "dpo" in {t.name for t in verdict.rows["post_training"].tags}


@pytest.mark.parametrize("text,needle", [("name: x\nreadmee: hi\n", "unknown key 'readmee'"),
                                         ("- a list\n", "must be a mapping"),
                                         ("name: [unclosed\n", "not valid YAML")])
def test_bad_yaml_cards(tmp_path, text, needle):
    card = tmp_path / "bad.yaml"
    card.write_text(text)
    with pytest.raises(AxesError, match=needle):
        sources.resolve(str(card))


def test_lone_config_file(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(CONFIG))
    snap = sources.resolve(str(tmp_path / "config.json"))
    assert snap.source == "local" and list(snap.files) == ["config.json"]


def test_catalog_by_id_bare_name_and_revision(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the environment variable alone keeps the Hub out
    assert sources.resolve("deepseek-ai/DeepSeek-R1").source == "catalog"
    assert sources.resolve("DeepSeek-R1").target == "DeepSeek-R1"
    pinned = sources.resolve("deepseek-ai/DeepSeek-R1@v1")
    assert any("revision 'v1' ignored" in n for n in pinned.notices)


def test_learner_cards_override_and_extend_the_catalog(tmp_path, monkeypatch):
    mine = tmp_path / "cards" / "acme"
    mine.mkdir(parents=True)
    (mine / "tiny.md").write_text("# Tiny\nA base model.\n")
    folder = mine / "folder-model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(CONFIG))
    assert sources.resolve("acme/tiny", InspectOptions(offline=True, cards=(tmp_path / "cards",))).source == "catalog"
    monkeypatch.setenv("AXES_CARDS", str(tmp_path / "cards"))
    assert inspect("acme/folder-model", OFFLINE).backbone.facts.layers == 2
    with pytest.raises(AxesError, match="not in the local HF cache or the catalog"):
        sources.resolve("acme/absent", OFFLINE)
