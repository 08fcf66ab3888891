"""Murk as what a reader can check: post-training materials, files that were not read, catalog summaries,
documented product claims. Every card here is written for these tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from axes.errors import RuleError
from axes.output.contract import contract
from axes.output.i18n import Lang, why
from axes.pipeline import analyse, inspect, rulebook
from axes.rules.load import load_file
from axes.sources import files
from axes.types import InspectOptions, Murkiest, Snapshot
from axes.verdict import reason

DENSE = {"model_type": "llama", "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16,
         "num_attention_heads": 16, "num_key_value_heads": 4, "vocab_size": 32000}
TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}"

# A model whose post-training anyone can redo: the datasets by id, the training code and configs linked.
OPEN_CARD = """---
datasets:
- some-lab/helpful-chats-40k
- some-lab/paired-preferences
---
# Open-Chat-3B

## Training
Open-Chat-3B was tuned from its base with supervised fine-tuning (SFT) on
[helpful chats](https://huggingface.co/datasets/some-lab/helpful-chats-40k), then aligned with DPO on
[paired preferences](https://huggingface.co/datasets/some-lab/paired-preferences).
The training code and configs can be found in the [training repo](https://github.com/some-lab/chat-train).

## Evaluation
| benchmark | score |
|---|---|
| a quiz set | 61.0 |
"""

# A model whose card names the methods and says nothing a reader could look up about data or code.
CLOSED_CARD = """# Sealed-Chat-4B

Sealed-Chat-4B is a lightweight, state-of-the-art open model.
It was trained on a blend of synthetic data and filtered publicly available websites, with a focus on
high-quality, reasoning-dense data.

## Training
After pretraining the model was fine-tuned with SFT and DPO for instruction following and safety.
"""


def verdict(name: str, **files_: str):
    return analyse(Snapshot(target=name, source="local", files=files_, repo_name=name), rulebook())


def chat(name: str, card: str):
    return verdict(name, **{"README.md": card, "config.json": json.dumps(DENSE), "chat_template": TEMPLATE})


def test_released_data_and_code_are_less_murky_than_named_methods():
    opened, sealed = chat("Open-Chat-3B", OPEN_CARD), chat("Sealed-Chat-4B", CLOSED_CARD)
    assert opened.rows["post_training"].murk <= 0.1, "a fully released recipe scores near 0"
    assert sealed.rows["post_training"].murk >= 0.9, "methods named and nothing released stays murky"
    assert {"sft", "dpo"} <= {t.name for t in sealed.rows["post_training"].tags}
    assert sealed.rows["post_training"].marketing, "generic data claims count as marketing"


def test_front_matter_dataset_ids_lower_murk():
    body = ("# Code-Helper-3B\n\nCode-Helper-3B is an instruct model fine-tuned from its base on code "
            "instructions and commit messages.\n")
    with_ids = "---\ndatasets:\n- some-lab/commit-messages\n- some-lab/code-instructions-90k\n---\n" + body
    listed, unlisted = chat("Code-Helper-3B", with_ids), chat("Code-Helper-3B", body)
    assert listed.rows["post_training"].murk < unlisted.rows["post_training"].murk
    assert "data" in listed.murkiest.reason.released or listed.murkiest.axis != "post_training"
    ids = [m for m in listed.rows["post_training"].materials if m.rule == "post_training.data-front-matter-ids"]
    assert ids and ids[0].grade == "released" and ids[0].evidence[0].line == 3  # the first id listed


def test_methods_alone_stay_murky_and_the_why_names_what_is_missing():
    card = "# Plain-7B\n\n## Training\nThe model was trained with SFT and then RLHF.\n"
    v = chat("Plain-7B", card)
    assert v.rows["post_training"].murk >= 0.75
    post = Murkiest(axis="post_training", reason=post_training_reason(v))
    assert set(post.reason.missing) == {"data", "reward"} and post.reason.named == ("recipe",)
    english = why(post, Lang.en)
    assert "no dataset id" in english and "no reward model named" in english and "named methods" in english
    korean = why(post, Lang.ko)
    assert "데이터셋 id가 없고" in korean and korean.endswith("요")
    assert not re.search(r"\s(이|가|을|를|은|는|의)(\s|$)", korean), "particles attach to the word"


def test_benchmark_sets_are_not_training_data():
    card = ("# Quiz-3B\n\nTuned with SFT.\n\n## Evaluation\nWe report accuracy on "
            "[a quiz set](https://huggingface.co/datasets/some-lab/quiz-set).\n")
    v = chat("Quiz-3B", card)
    assert not [m for m in v.rows["post_training"].materials if m.kind == "data"]


def post_training_reason(v):
    return reason("post_training", v.rows["post_training"], v.backbone)


def test_a_named_reward_counts_only_where_a_method_needs_one():
    sft = chat("Tuned-3B", "# Tuned-3B\nTuned with SFT on [chats](https://huggingface.co/datasets/a/chats).\n")
    assert "reward" not in (*post_training_reason(sft).missing, *post_training_reason(sft).named)
    rl = chat("Math-RL-3B", "# Math-RL-3B\nTrained with GRPO using rule-based rewards on math answers.\n")
    assert "reward" in post_training_reason(rl).named
    unnamed = chat("Math-RL-3B", "# Math-RL-3B\nTrained with GRPO on math answers.\n")
    assert unnamed.rows["post_training"].murk > rl.rows["post_training"].murk


def test_a_merge_needs_no_data_and_its_config_releases_the_recipe():
    card = "# Blend-7B\nA merge of two models made with mergekit.\n"
    v = verdict("Blend-7B", **{"README.md": card, "config.json": json.dumps(DENSE), "mergekit_config.yml": "{}"})
    assert v.rows["post_training"].murk == 0.0


def test_a_missing_card_is_named_and_murk_rests_on_the_other_files(tmp_path: Path):
    folder = tmp_path / "Gated-Chat-7B"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(DENSE))
    v = inspect(str(folder), InspectOptions(offline=True))
    for axis in ("post_training", "inference", "product"):
        assert v.rows[axis].unread == (("README.md", "missing"),)
    assert v.rows["backbone"].unread == ()
    assert v.rows["post_training"].murk == 1.0, "a name alone lets a reader check nothing"
    assert "README.md (not in the repo)" in why(v.murkiest, Lang.en)
    assert "README.md 파일은 저장소에 없어요" in why(v.murkiest, Lang.ko)
    out = contract(v)
    assert out["axes"]["post_training"]["unread"] == [{"file": "README.md", "reason": "missing"}]


def test_a_card_over_its_cap_is_flagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(files.TEXT_CAPS, "README.md", 200)
    folder = tmp_path / "Long-Card-7B"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(DENSE))
    (folder / "README.md").write_text("# Long-Card-7B\n" + "Tuned with SFT. " * 40)
    v = inspect(str(folder), InspectOptions(offline=True))
    assert ("README.md", "capped") in v.rows["post_training"].unread


def test_a_catalog_summary_counts_as_the_cards_word_and_names_its_source(tmp_path: Path):
    entry = tmp_path / "some-lab" / "Summary-Chat-8B"
    entry.mkdir(parents=True)
    (entry / "config.json").write_text(json.dumps(DENSE))
    (entry / "chat_template.jinja").write_text("{% if tools %}{{ tools | tojson }}{% endif %}" + TEMPLATE)
    (entry / "README.md").write_text(
        "---\ncatalog:\n  source: https://example.org/summary-chat\n  date: 2025-02-01\n---\n"
        "# Summary-Chat-8B\nTuned with SFT and DPO.\n")
    v = inspect("some-lab/Summary-Chat-8B", InspectOptions(offline=True, cards=(tmp_path,)))
    assert v.source == "catalog"
    tool_use = next(t for t in v.rows["product"].tags if t.name == "tool-use")
    assert tool_use.strength.value == "declared", "the catalog's template is a summary, not the lab's file"
    dense = next(t for t in v.rows["backbone"].tags if t.name == "dense")
    assert dense.strength.value == "verified", "its config carries the published values"
    reason = v.murkiest.reason
    assert reason.summary_of == "https://example.org/summary-chat" and reason.summary_date == "2025-02-01"
    assert "from the catalog's summary of https://example.org/summary-chat (2025-02-01)" in why(v.murkiest, Lang.en)


def test_a_documented_tool_format_sits_between_a_template_and_the_cards_word():
    bare = "# Tools-7B\nIt supports function calling.\n"
    documented = bare + "\nSee [the tool format guide](https://example.org/tools) for function calling.\n"
    # A template that writes neither a system turn nor tools: product rests on the card alone.
    plain = "{% for m in messages if m.role != 'system' %}<|{{ m.role }}|>{{ m.content }}{% endfor %}"

    def model(card: str, template: str):
        return verdict("Tools-7B", **{"README.md": card, "config.json": json.dumps(DENSE), "chat_template": template})

    said, shown = model(bare, plain), model(documented, plain)
    rendered = model(bare, "{% if tools %}{{ tools | tojson }}{% endif %}" + plain)
    assert rendered.rows["product"].murk < shown.rows["product"].murk < said.rows["product"].murk


RULE = """axis: post_training
rules:
  - id: vague-data
    tag: vague-data
    strength: hinted
    material: {{kind: data, grade: {grade}}}
    {marketing}
    message: a test rule about training data
    card: {{patterns: ['lots of data']}}
    examples: {{match: ["lots of data"], no_match: ["a model"]}}
"""


@pytest.mark.parametrize("grade,marketing", [("generic", ""), ("released", "marketing: true")])
def test_a_generic_material_is_marketing_and_only_it_is(tmp_path: Path, grade: str, marketing: str):
    path = tmp_path / "bad.yaml"
    path.write_text(RULE.format(grade=grade, marketing=marketing))
    with pytest.raises(RuleError, match="generic material claim is marketing"):
        load_file(path)


def test_materials_are_in_the_json_contract():
    out = contract(chat("Open-Chat-3B", OPEN_CARD))
    materials = out["axes"]["post_training"]["materials"]
    assert {(m["kind"], m["grade"]) for m in materials} >= {("data", "released"), ("recipe", "released")}
    for m in materials:
        assert set(m) == {"kind", "grade", "rule", "evidence"} and m["evidence"]
