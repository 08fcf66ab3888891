"""The bundled catalog: every entry reads, open models' computed totals match the published figures their
cards record, and the lesson's comparisons read right."""

from __future__ import annotations

import pytest
from msgspec.structs import asdict

from axes.pipeline import analyse, inspect, rulebook
from axes.reading.card import parse_card
from axes.sources import catalog, resolve
from axes.types import InspectOptions

OFFLINE = InspectOptions(offline=True)
ENTRIES = [e for e in catalog.entries() if e.bundled]
REQUIRED = ["deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B-Instruct",
            "meta-llama/Llama-3.3-70B-Instruct", "Qwen/Qwen3-30B-A3B", "mistralai/Mixtral-8x7B-Instruct-v0.1",
            "openai/gpt-oss-20b", "google/gemma-3-27b-it", "mistralai/Mistral-7B-Instruct-v0.3", "microsoft/phi-4",
            "anthropic/claude-sonnet-4", "openai/gpt-4o", "google/gemini-2.5-pro"]


def test_catalog_has_the_required_entries():
    ids = {e.id for e in ENTRIES}
    assert len(ids) >= 18
    assert set(REQUIRED) <= ids
    assert any(i.startswith("LGAI-EXAONE/") for i in ids)
    assert any("Distill" in i for i in ids)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_entry_reads_and_matches_its_published_totals(entry):
    snap = resolve(entry.id, OFFLINE)
    assert snap.source == "catalog"
    record = parse_card(snap.files.get("README.md")).front_matter.get("catalog") or {}
    assert record.get("source") and record.get("date"), "every card names its source and date"
    verdict = analyse(snap, rulebook())
    facts = verdict.backbone.facts
    if "config.json" not in snap.files:  # a closed model: its backbone is known only as far as its card states it
        assert facts.total_params is None
        if facts.structure is None:
            assert verdict.lenses.moe is None
        else:  # "described as sparse mixture-of-experts transformers": a declared fact citing the card
            assert verdict.backbone.sources["structure"].file == "README.md"
        assert verdict.murkiest.axis == "backbone"
        return
    published = record.get("published_total_params")
    if published:
        assert abs(facts.total_params - published) <= 0.02 * published, (facts.total_params, published)
    active = record.get("published_active_params")
    if active:
        assert abs(facts.active_params - active) <= 0.05 * active, (facts.active_params, active)


def backbone_facts(repo_id: str) -> dict:
    facts = asdict(inspect(repo_id, OFFLINE).backbone.facts)
    return {k: v for k, v in facts.items() if k not in ("base_model", "checkpoint")}  # lineage, not backbone


def tag_names(verdict, axis: str) -> set[str]:
    return {t.name for t in verdict.rows[axis].tags}


def test_deepseek_v3_and_r1_differ_only_after_pretraining():
    v3, r1 = inspect("deepseek-ai/DeepSeek-V3", OFFLINE), inspect("deepseek-ai/DeepSeek-R1", OFFLINE)
    assert backbone_facts("deepseek-ai/DeepSeek-V3") == backbone_facts("deepseek-ai/DeepSeek-R1")
    assert tag_names(v3, "post_training") != tag_names(r1, "post_training")
    assert tag_names(v3, "inference") != tag_names(r1, "inference")
    assert v3.lenses.reasoning is False and r1.lenses.reasoning is True
    assert r1.lenses.summary == "MoE + reasoning" and v3.lenses.summary == "MoE + standard"


def test_deepseek_r1_published_facts():
    facts = inspect("deepseek-ai/DeepSeek-R1", OFFLINE).backbone.facts
    assert facts.structure == "moe" and facts.attention == "MLA"
    assert abs(facts.total_params - 671e9) <= 0.02 * 671e9
    assert abs(facts.active_params - 37e9) <= 0.02 * 37e9 * 1.5
    assert facts.kv_cache_bytes_per_token == 70_272


def test_llama_31_8b_instruct_is_dense_gqa_8b():
    facts = inspect("meta-llama/Llama-3.1-8B-Instruct", OFFLINE).backbone.facts
    assert (facts.structure, facts.attention) == ("dense", "GQA")
    assert round(facts.total_params / 1e9, 2) == 8.03


def test_base_repo_does_not_inherit_its_chat_siblings_recipe():
    base = inspect("meta-llama/Llama-3.1-8B", OFFLINE)
    names = tag_names(base, "post_training")
    assert "base-only" in names and not names & {"rlhf", "dpo", "sft", "instruction-tuned"}
    assert base.murkiest.axis == "post_training"


def test_teacher_is_not_tagged_distilled_but_student_is():
    assert "distillation" not in tag_names(inspect("deepseek-ai/DeepSeek-R1", OFFLINE), "post_training")
    student = inspect("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", OFFLINE)
    assert "distillation" in tag_names(student, "post_training") and student.lenses.reasoning is True
