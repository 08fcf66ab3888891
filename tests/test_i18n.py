"""Every string people read has its Korean twin, with the same placeholders, written as a Korean learner
writes a study note: particles attached, one register (해요체), reasoning and inference never confused."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from modelfiles import isolate

from axes.output import i18n
from axes.output.i18n import LESSONS, NOTICES, TEXT, Lang, josa, notice, t, tn, why
from axes.pipeline import inspect
from axes.types import InspectOptions

PARTICLES = "이|가|은|는|을|를|에|의|와|과|로|으로|에서|에게|도|만|인지|이고|예요|이에요"
KOREAN = [(key, entry["ko"]) for key, entry in TEXT.items()] + [
    (f"lesson {k}", v["ko"]) for k, v in LESSONS.items()] + [("unknown lesson", i18n.LESSON_UNKNOWN["ko"])] + [
    (en, ko) for en, ko in NOTICES]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_message_has_its_korean_twin_with_the_same_placeholders(key: str) -> None:
    entry = TEXT[key]
    assert set(entry) == {"en", "ko"} and entry["en"].strip() and entry["ko"].strip()
    assert fields(entry["en"]) == fields(entry["ko"]), key
    for form in entry["en"].split("|"):  # singular and plural say the same things
        assert fields(form) == fields(entry["ko"]), (key, form)


@pytest.mark.parametrize("en,ko", NOTICES, ids=[en[:40] for en, _ in NOTICES])
def test_every_notice_has_its_korean_twin(en: str, ko: str) -> None:
    assert fields(en) == fields(ko)
    filled = {name: f"<{name}>" for name in fields(en)}
    assert notice(en.format(**filled), Lang.ko) == ko.format(**filled)


def test_lessons_in_both_languages() -> None:
    for entry in (*LESSONS.values(), i18n.LESSON_UNKNOWN):
        assert set(entry) == {"en", "ko"} and re.search("[가-힣]", entry["ko"])


@pytest.mark.parametrize("where,text", KOREAN, ids=[w if isinstance(w, str) else str(w) for w, _ in KOREAN])
def test_particles_attach_to_the_word_before_them(where: str, text: str) -> None:
    # "config.json 이 없음" is how a machine writes; a learner writes "config.json이 없어요".
    detached = re.search(rf"[A-Za-z0-9)`”}}\]] (?:{PARTICLES})(?=[\s.,:;)]|$)", text)
    assert detached is None, f"{where}: {text!r}"


@pytest.mark.parametrize("where,text", KOREAN, ids=[w if isinstance(w, str) else str(w) for w, _ in KOREAN])
def test_one_register_throughout(where: str, text: str) -> None:
    # The polite 해요체 in sentences; no clipped note endings (~없음, ~함, ~됨) and no plain 한다체 (~한다, ~이다).
    clipped = re.search(r"(없음|있음|[가-힣]함|됨|한다|이다|했다)(?=[\s.,:;)]|$)", text)
    assert clipped is None, f"{where}: {text!r}"


def test_reasoning_and_inference_never_share_a_word() -> None:
    assert t("reasoning", Lang.ko) == "추론" and t("inference", Lang.ko).startswith("추론 실행")
    assert t("lens_inference", Lang.ko) == "(b) 추론 실행"
    assert t("standard", Lang.ko) != t("reasoning", Lang.ko)


@pytest.mark.parametrize("strength", ["verified", "declared", "hinted"])
def test_strengths_are_translated(strength: str) -> None:
    assert re.fullmatch("[가-힣]+", t(strength, Lang.ko))


@pytest.mark.parametrize("word,pair,expected", [
    ("구조", "은/는", "구조는"), ("파라미터 수", "은/는", "파라미터 수는"), ("보상", "은/는", "보상은"),
    ("레시피", "을/를", "레시피를"), ("모델", "으로/로", "모델로"), ("방법", "으로/로", "방법으로"),
    ("config.json", "이/가", "config.json이"),
])
def test_josa_follows_the_final_consonant(word: str, pair: str, expected: str) -> None:
    assert josa(word, pair) == expected


def test_plurals_in_english_counts_in_korean() -> None:
    assert tn("n_marketing", 1) == "1 marketing phrase" and tn("n_marketing", 2) == "2 marketing phrases"
    assert tn("n_marketing", 1, Lang.ko) == "마케팅 문구 1개"


@pytest.mark.parametrize("target", ["deepseek-ai/DeepSeek-R1", "openai/gpt-4o", "meta-llama/Llama-3.1-8B",
                                    "Qwen/Qwen3-8B"])
def test_the_murkiest_why_is_whole_in_korean(target: str) -> None:
    verdict = inspect(target, InspectOptions(offline=True))
    en, ko = why(verdict.murkiest, Lang.en), why(verdict.murkiest, Lang.ko)
    prose = ko
    for name in (*verdict.murkiest.reason.tags, verdict.murkiest.reason.summary_of or ""):
        prose = prose.replace(name, "") if name else prose  # tag names and links stay as they are
    assert re.search("[가-힣]", prose) and not re.search(r"\b(no|and|evidence|tags?|only)\b", prose)
    # every name and count of the English sentence is in the Korean one too
    assert set(re.findall(r"\d+|[a-z]+-[a-z-]+|\bsft\b|\brl\b", en)) <= set(re.findall(
        r"\d+|[a-z]+-[a-z-]+|\bsft\b|\brl\b", ko))
    assert not ko.endswith(".")


def test_every_fact_a_comparison_names_has_its_words() -> None:
    from axes.workflows.compare import BACKBONE_SETTINGS, BACKBONE_WIRING

    named = {*BACKBONE_WIRING, *BACKBONE_SETTINGS, "total_params"} - {"quantization"}  # quantization: "quantized"
    assert {f"fact_{n}" for n in named} <= set(TEXT)


ESTIMATED_NOTES = [
    # an unknown family with an unknown vision tower: the estimate's notes and their assumptions
    {"model_type": "heron_text", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
     "intermediate_size": 128, "vocab_size": 300, "hidden_act": "silu",
     "vision_config": {"model_type": "heron_vision", "hidden_size": 32, "num_hidden_layers": 2,
                       "intermediate_size": 64, "patch_size": 4, "image_size": 16}},
    # an unknown encoder read as BERT, and a tower the count cannot take
    {"model_type": "wren_encoder", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
     "intermediate_size": 128, "vocab_size": 300, "type_vocab_size": 2, "tie_word_embeddings": True},
    {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
     "intermediate_size": 128, "vocab_size": 300, "vision_config": {"model_type": "wren_vision", "width": 8}},
]


@pytest.mark.parametrize("config", ESTIMATED_NOTES, ids=["vit-estimate", "bert-estimate", "uncounted-tower"])
def test_a_counts_notes_read_in_korean_assumptions_included(config: dict) -> None:
    import json

    from axes.reading import read
    from axes.types import Snapshot

    notes = read(Snapshot(target="t", source="local", files={"config.json": json.dumps(config)})).backbone.notes
    assert notes
    for note in notes:
        korean = notice(note, Lang.ko)
        # What may stay in Latin letters: the names in brackets, identifiers and the field's own terms.
        words = re.findall(r"[A-Za-z][\w.-]*", re.sub(r"\([^)]*\)", "", korean), re.ASCII)
        terms = {"axes", "config.json", "model_type", "RMSNorm", "LayerNorm", "MLP", "ViT", "SigLIP", "BERT", "BART",
                 "silu", "top-k", "B"}
        assert re.search("[가-힣]", korean), note
        assert all(w in terms or "_" in w for w in words), (note, korean)
