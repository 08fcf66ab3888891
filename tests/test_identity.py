"""What THIS repo is, decided before any tag from the strongest evidence: files, front matter, the card's own
model list, the name, Hub metadata, the siblings a card names; then settled by the card's own claims.
Names are read by their shape (names.py). Every example model here is invented."""

from __future__ import annotations

import json

import pytest

from axes.pipeline import analyse
from axes.reading.card import parse_card
from axes.reading.identity import identify
from axes.reading.names import ModelName, mention_pattern
from axes.rules import rulebook
from axes.types import HubInfo, Snapshot

TINY = {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100}


def snap(name: str, card: str = "", files: dict[str, str] | None = None, listing: tuple[str, ...] = (),
         hub: HubInfo | None = None) -> Snapshot:
    all_files = {"README.md": card, **(files or {})} if card else dict(files or {})
    return Snapshot(target=f"acme/{name}", source="card", files=all_files, repo_name=name,
                    listing=listing or tuple(all_files), hub=hub)


def ident(s: Snapshot):
    config = json.loads(s.files["config.json"]) if "config.json" in s.files else None
    return identify(s, parse_card(s.files.get("README.md")), config)


def verdict(s: Snapshot):
    return analyse(s, rulebook())


def post(s: Snapshot) -> set[str]:
    return {t.name for t in verdict(s).rows["post_training"].tags}


# --- names -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,core,stem,kinds", [
    ("Wren-13b-chat-GPTQ", ("wren", "13b", "chat"), ("wren",), ("instruct",)),
    ("heron-7b-v0.2-base", ("heron", "7b", "0.2", "base"), ("heron",), ("base",)),
    ("KestrelInstruct-7B", ("kestrel", "instruct", "7b"), ("kestrel",), ("instruct",)),
    ("finch-2x7b-slerp", ("finch", "2x7b", "slerp"), ("finch",), ("merge",)),
    ("gull-7b-α", ("gull", "7b", "alpha"), ("gull", "alpha"), ()),
    # a snapshot taken during pretraining
    ("Pebble-1B-intermediate-step-480k-1T", ("pebble", "1b", "intermediate", "step", "480k", "1t"), ("pebble", "step"),
     ("base",)),
])
def test_a_name_taken_apart(name, core, stem, kinds):
    model = ModelName(name)
    assert (model.core, model.stem, model.kinds) == (core, stem, kinds)


def test_what_names_the_same_model():
    mine = ModelName("wren-mega-13B-GPTQ")
    assert mine.names_same_model(ModelName("Wren Mega 13B"))  # packaging left out
    assert not ModelName("wren-7b-sft").names_same_model(ModelName("wren-7b"))  # a variant marker makes another
    assert not ModelName("Wren-2-7b-hf").names_same_model(ModelName("Wren 2"))  # the size left out: the family


def test_a_mention_of_this_repo_in_prose():
    pattern = mention_pattern(ModelName("wren-mega-13B-GPTQ"))
    assert pattern is not None
    import re
    found = re.compile(pattern, re.I)
    assert found.search("Wren Mega 13B is a fine-tune") and found.search("see wren_mega-13b-gptq")
    assert not found.search("Wren-Mega-13B-Chat is its sibling")  # a longer name is another model


# --- identity from the strongest evidence ------------------------------------------------------------------

@pytest.mark.parametrize("s,checkpoint,source", [
    (snap("wren-7b-lora", "A model.", listing=("adapter_config.json", "README.md")), "adapter", "files"),
    (snap("wren-7b", "A model.", files={"mergekit_config.yml": "merge_method: slerp\n"}), "merge", "files"),
    (snap("wren-7b-GPTQ", "A model.", files={"quantize_config.json": "{}"}), "quantized", "files"),
    (snap("wren-7b-q4", "A model.", listing=("wren-7b.Q4_K_M.gguf", "README.md")), "quantized", "files"),
    (snap("wren-7b", "---\nbase_model: acme/heron-7b\nbase_model_relation: merge\n---\nA model."), "merge",
     "front_matter"),
    (snap("wren-7b", "---\ntags: [mergekit, merge]\n---\nA model."), "merge", "front_matter"),
    (snap("wren-7b-Instruct", "A model."), "instruct", "name"),
    (snap("wren-7b-it", "A model."), "instruct", "name"),
    (snap("wren-13b-base", "A model."), "base", "name"),
    (snap("wren-7b", "---\nbase_model: acme/heron-7b\n---\nA model."), "fine-tune", "derived"),
    (snap("wren-7b", "A model.", hub=HubInfo(tags=("merge",))), "merge", "hub"),
    (snap("wren-7b", "A model."), None, ""),
])
def test_identity_from_files_front_matter_name_and_hub(s, checkpoint, source):
    found = ident(s)
    assert (found.checkpoint, found.source) == (checkpoint, source)


def test_native_low_precision_weights_are_not_a_quantized_copy():
    config = {**TINY, "quantization_config": {"quant_method": "fp8"}}
    assert ident(snap("wren-600b", "A model.", files={"config.json": json.dumps(config)})).checkpoint is None
    repack = snap("wren-7b-AWQ", "A model.", files={"config.json": json.dumps({**TINY, "quantization_config": {
        "quant_method": "awq"}})})
    assert ident(repack).checkpoint == "quantized"


def test_the_cards_model_list_names_this_repo():
    card = ("| Size | Wren | Wren-Chat |\n|---|---|---|\n"
            "| 7B | [Link](https://huggingface.co/acme/wren-7b) | [Link](https://huggingface.co/acme/wren-7b-chat) |\n")
    found = ident(snap("wren-7b", card))
    assert (found.checkpoint, found.source) == ("base", "card")
    assert "model list names this repo" in found.evidence[0].text
    one_row = "| Model | Type |\n|---|---|\n| wren-7b | Base |\n| wren-7b-chat | Chat |\n"
    assert ident(snap("wren-7b-chat", one_row)).checkpoint == "instruct"


def test_a_column_header_naming_what_a_model_is_built_on_is_not_its_kind():
    card = "| Base Model | HF | GGUF |\n|---|---|---|\n| Wren 7b | [Link](https://huggingface.co/acme/wren-7b) | x |\n"
    assert ident(snap("wren-7b", card)).checkpoint is None


def test_named_siblings_make_a_weak_guess_that_only_attributes_sentences():
    found = ident(snap("wren-7b", "See [the chat one](https://huggingface.co/acme/wren-7b-chat)."))
    assert (found.checkpoint, found.source, found.settled) == ("base", "siblings", None)
    assert ident(snap("wren-7b", "Its chat version is coming soon.")).checkpoint is None


# --- settled by the card -----------------------------------------------------------------------------------

def test_the_card_declares_a_base_checkpoint():
    v = verdict(snap("wren-13b", "This is the raw pretrained model. The chat version was tuned with SFT and DPO."))
    assert v.backbone.facts.checkpoint == "base" and "base-only" in {t.name for t in v.rows["post_training"].tags}
    assert v.lineage.family_methods[:1] == ("sft",)


def test_a_base_guess_yields_to_the_cards_own_tuning():
    card = "Wren-7b was fine-tuned on 50k dialogues. See also [chat](https://huggingface.co/acme/wren-7b-chat)."
    v = verdict(snap("wren-7b", card))
    assert v.backbone.facts.checkpoint == "fine-tune" and "base-only" not in post(snap("wren-7b", card))


def test_what_the_name_leaves_open_the_tags_settle():
    merged = verdict(snap("wren-7b", "A merge of two chat models made with mergekit."))
    assert merged.backbone.facts.checkpoint == "merge"
    assert verdict(snap("wren-7b", "We applied supervised fine-tuning (SFT).")).backbone.facts.checkpoint == "fine-tune"
    # a merge card's base_model lists its parents: "made from them" is a guess the card's own word outranks
    card = "---\nbase_model: [acme/heron-7b, acme/tern-7b]\n---\nA merge of Heron and Tern."
    parents = verdict(snap("wren-7b", card))
    assert parents.backbone.facts.checkpoint == "merge"


def test_base_only_follows_the_identity_not_the_missing_template():
    chat_card = "A conversational assistant fine-tuned on user-shared dialogues."
    with_config = snap("wren-7b", chat_card, files={"config.json": json.dumps(TINY)})
    assert "base-only" not in post(with_config)
    base = snap("wren-13b-base", "Pretrained on 2T tokens.", files={"config.json": json.dumps(TINY)})
    assert "base-only" in post(base)


def test_the_checkpoint_is_in_the_json_with_its_evidence():
    from axes.output.contract import contract

    out = contract(verdict(snap("wren-13b-base", "Pretrained on 2T tokens.")))
    assert out["facts"]["checkpoint"] == "base" and out["facts"]["checkpoint_source"] == "name"
    assert out["axes"]["post_training"]["checkpoint"]["evidence"][0]["file"] == "name"


def test_a_nested_model_list_says_which_variant_this_is():
    card = ("**Related models**\n"
            "* Base models\n"
            "  * [Wren-7B (full model)](https://huggingface.co/acme/wren-7b)\n"
            "* Chat models\n"
            "  * [Wren-Chat-7B (full model)](https://huggingface.co/acme/wren-chat-7b)\n")
    assert ident(snap("wren-7b", card)).checkpoint == "base"
    assert ident(snap("wren-chat-7b", card)).checkpoint == "instruct"
