"""Lenses, murk and the murkiest axis, on cards written for these tests."""

from __future__ import annotations

import json

from axes.output.i18n import Lang, lesson, why
from axes.pipeline import analyse, rulebook
from axes.types import Snapshot
from axes.verdict import murk

DENSE = {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
         "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256, "rope_theta": 500000.0}


def verdict(name: str, **files: str):
    return analyse(Snapshot(target=name, source="local", files=files, repo_name=name), rulebook())


def test_closed_model_text_card_has_backbone_murkiest():
    card = ("# Frontier Chat\nOur most intelligent model yet, with best-in-class performance. It was trained with "
            "reinforcement learning from human feedback. It supports function calling and a thinking mode.\n")
    v = verdict("frontier-chat", **{"README.md": card})
    assert v.murkiest.axis == "backbone" and v.rows["backbone"].murk == 1.0
    assert v.lenses.moe is None and v.lenses.structure is None
    assert v.murkiest.reason.no_config and "undisclosed" in why(v.murkiest, Lang.en)
    assert v.rows["product"].marketing, "marketing phrases are counted"


def test_base_model_with_one_paragraph_card_has_post_training_murkiest():
    card = "# Tiny-7B\nA 7B language model trained on web text.\n"
    v = verdict("tiny-7b", **{"README.md": card, "config.json": json.dumps(DENSE)})
    assert v.murkiest.axis == "post_training"
    assert v.rows["post_training"].murk > 0.8 and v.rows["backbone"].murk == 0.0


def test_murk_formula():
    from axes.types import Strength, Tag

    declared = Tag(name="rl", strength=Strength.declared, rule="post_training.rl")
    verified = Tag(name="mtp", strength=Strength.verified, rule="inference.mtp")
    assert murk([], 2.0, 0) == 1.0
    assert murk([declared, declared, declared], 2.0, 0) == 0.3  # card words alone stay murky
    assert murk([verified], 1.0, 0) == 0.0
    assert murk([verified], 1.0, 2) == 0.3  # marketing raises murk
    assert murk([], 0.0, 0) == 0.0  # nothing to establish


def test_lenses_sentence_and_reasoning_from_a_thinking_template():
    template = "{% if enable_thinking is false %}<think>\n\n</think>{% endif %}"
    v = verdict("qwen-like", **{"config.json": json.dumps(DENSE), "chat_template": template})
    assert v.lenses.summary == "dense + reasoning" and "same checkpoint" in lesson(v.lenses, Lang.en)


def test_korean_card_text_is_read():
    card = ("# 모델\nEXAONE 계열 모델로, 대규모 강화학습으로 추론 능력을 학습했습니다. "
            "추론 모드와 비추론 모드를 전환할 수 있으며, 에이전트 작업을 위한 도구 사용을 지원합니다.\n")
    v = verdict("exa-1b", **{"README.md": card, "config.json": json.dumps(DENSE)})
    assert "rl" in {t.name for t in v.rows["post_training"].tags}
    assert {"thinking", "thinking-toggle"} <= {t.name for t in v.rows["inference"].tags}
    assert {"tool-use", "agent"} <= {t.name for t in v.rows["product"].tags}


def test_quantized_repo_keeps_its_bases_lineage():
    card = "---\nbase_model: org/Base-8B-Instruct\ntags: [gptq]\n---\n# 4-bit GPTQ of Base-8B-Instruct\n"
    config = DENSE | {"quantization_config": {"quant_method": "gptq", "bits": 4}}
    v = verdict("Base-8B-Instruct-GPTQ", **{"README.md": card, "config.json": json.dumps(config)})
    assert v.lineage.relation == "quantized" and v.lineage.base_model == ("org/Base-8B-Instruct",)
    assert "quantized" in {t.name for t in v.rows["backbone"].tags}


def test_card_whose_lowercase_is_longer_still_cites_the_right_line():
    card = "# İstanbul-7B\nİlk satır.\nIt was trained with GRPO on math problems.\n"
    v = verdict("istanbul-7b", **{"README.md": card, "config.json": json.dumps(DENSE)})
    grpo = next(t for t in v.rows["post_training"].tags if t.name == "grpo")
    assert grpo.evidence[0].line == 3 and "GRPO" in grpo.evidence[0].text


def test_an_evidence_record_is_a_fresh_dict_of_its_fields():
    from axes.output.contract import evidence_record
    from axes.types import Evidence

    evidence = Evidence(file="README.md", line=3, text="trained with DPO")
    first = evidence_record(evidence)
    assert first == {"file": "README.md", "line": 3, "text": "trained with DPO"}
    assert evidence_record(Evidence(file="hub", text="x")) == {"file": "hub", "line": None, "text": "x"}
    first["line"] = 9  # a copy: the record may be changed
    assert evidence_record(evidence)["line"] == 3
